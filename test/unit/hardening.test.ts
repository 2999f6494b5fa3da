/**
 * The pure parts of the hardening: which strings carry control characters, where the edge check
 * finds them, which PostgreSQL errors no retry can fix, and which errors mean a dependency is down.
 */
import { databaseUnavailableProblem, temporalUnavailableProblem } from '../../api/problem';
import { controlCharacterErrors } from '../../api/control-characters';
import { isPermanentDatabaseError } from '../../activities/database-failures';
import { hasControlCharacter, hasForbiddenControlCharacter } from '../../domain/text';

describe('control characters', () => {
  it.each(['a\u0000b', '\u0007', 'x\u001b[31m', '\u007f', '\u0085'])('%j is refused everywhere', (s) => {
    expect(hasControlCharacter(s)).toBe(true);
    expect(hasForbiddenControlCharacter(s)).toBe(true);
  });

  it('free text keeps tab and newlines; ids and claims do not', () => {
    expect(hasForbiddenControlCharacter('rad 1\n\trad 2\r\n')).toBe(false);
    expect(hasControlCharacter('rad 1\nrad 2')).toBe(true);
    expect(hasControlCharacter('Åsa Öberg – 😀')).toBe(false);
  });

  it('the edge check names every field, nested and in arrays, and keys', () => {
    expect(
      controlCharacterErrors('body', {
        ok: 'fine\n',
        bad: 'a\u0000',
        list: [{ name: '\u0007' }],
        ['k\u0000']: 'v',
      }),
    ).toEqual([
      { field: 'body.bad', message: 'must not contain control characters' },
      { field: 'body.list.0.name', message: 'must not contain control characters' },
      { field: 'body.k\\u0000', message: 'must not contain control characters' },
    ]);
    expect(controlCharacterErrors('query', { q: 'a\nb' })).toEqual([
      { field: 'query.q', message: 'must not contain control characters' },
    ]);
  });
});

describe('PostgreSQL errors no retry can fix', () => {
  const pgError = (code: string) => Object.assign(new Error('x'), { code });

  it.each(['22021', '22003', '22P02', '23502', '23503', '23514'])('%s is permanent', (code) => {
    expect(isPermanentDatabaseError(pgError(code))).toBe(true);
  });

  it.each(['23505', '23P01', '40001', '40P01', '57P01', '08006', 'ECONNREFUSED'])('%s is retried', (code) => {
    expect(isPermanentDatabaseError(pgError(code))).toBe(false);
  });
});

describe('a dependency that is down', () => {
  it('PostgreSQL connection errors are a 503, a query’s own error is not', () => {
    for (const err of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
    ])
      expect(databaseUnavailableProblem(err)?.status).toBe(503);
    expect(databaseUnavailableProblem(Object.assign(new Error('dup'), { code: '23505' }))).toBeUndefined();
  });

  it('gRPC UNAVAILABLE and DEADLINE_EXCEEDED from Temporal, anywhere in the cause chain, are a 503', () => {
    const grpc = (code: number) => Object.assign(new Error('grpc'), { code, details: '', metadata: {} });
    expect(temporalUnavailableProblem(new Error('wrapped', { cause: grpc(14) }))?.status).toBe(503);
    expect(temporalUnavailableProblem(grpc(4))?.status).toBe(503);
    expect(temporalUnavailableProblem(grpc(5))).toBeUndefined();
  });
});
