/**
 * Logs never carry personal data in clear (R-SEC-2): personal fields are redacted by path and
 * identity numbers, emails and phone numbers in free text are masked.
 */
import pino from 'pino';
import { createLogger, type Logger, prettyLine, redactText, resolveLogFormat } from '../../platform/logger';

describe('redactText', () => {
  it.each([
    ['12 digits with a hyphen', 'applicant 19121212-1212 applied', 'applicant [personnummer] applied'],
    ['12 digits without separator', 'applicant 191212121212 applied', 'applicant [personnummer] applied'],
    ['10 digits with a hyphen', 'pnr 121212-1212', 'pnr [personnummer]'],
    ['10 digits with a plus (over 100 years old)', 'pnr 121212+1212', 'pnr [personnummer]'],
    ['10 digits without separator', 'pnr=1212121212;', 'pnr=[personnummer];'],
    ['12 digits with a plus', '(19121212+1212)', '([personnummer])'],
  ])('masks a personnummer: %s', (_label, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['anna@example.se', '[email]'],
    ['mail Anna.Svensson+loans@mail.example.co.uk now', 'mail [email] now'],
    ['<first_last-1@sub-domain.example.com>', '<[email]>'],
  ])('masks an email: %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['070-123 45 67', '[phone]'],
    ['0701234567', '[phone]'],
    ['073 123 45 67', '[phone]'],
    ['+46701234567', '[phone]'],
    ['sms to +46 70-123 45 67', 'sms to [phone]'],
    ['+46 70 123 45 67', '[phone]'],
    ['0046 70 123 45 67', '[phone]'],
    ['ring 076-987 65 43 idag', 'ring [phone] idag'],
  ])('masks a Swedish mobile number: %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('masks everything in one line and keeps the rest', () => {
    expect(
      redactText('customer 19121212-1212 (anna@example.se, 070-123 45 67) applied for 50000 SEK on 2025-06-30'),
    ).toBe('customer [personnummer] ([email], [phone]) applied for 50000 SEK on 2025-06-30');
  });

  it('leaves ordinary numbers, amounts, dates and ids alone', () => {
    for (const text of [
      'amount 12345.67 SEK',
      'due 2025-06-30',
      'loan loan-123:invoice:7',
      'ocr 1234567890123',
      'workflow diagnostics-2f1c9d7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f',
      'port 3000 and 54329',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });
});

/** A logger built by createLogger whose JSON lines are captured instead of written to stdout. */
function capturedLogger(level = 'info', name?: string): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const logger = name === undefined ? createLogger(level) : createLogger(level, name);
  const chunks: string[] = [];
  const destination: pino.DestinationStream = { write: (chunk: string) => void chunks.push(chunk) };
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = destination;
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the logger name and level', () => {
    const { logger, lines } = capturedLogger('info', 'api');
    logger.info({ loanId: 'loan-1' }, 'disbursed');
    logger.debug('not at info level');
    expect(lines()).toEqual([expect.objectContaining({ name: 'api', level: 30, loanId: 'loan-1', msg: 'disbursed' })]);
  });

  it('names itself loan-engine by default', () => {
    const { logger, lines } = capturedLogger();
    logger.warn('hello');
    expect(lines()[0]).toMatchObject({ name: 'loan-engine', msg: 'hello' });
  });

  it('redacts personal fields at the top level and nested one and two levels deep', () => {
    const { logger, lines } = capturedLogger('info', 'worker');
    logger.info(
      {
        personnummer: '19121212-1212',
        email: 'anna@example.se',
        applicant: { personnummer: '19121212-1212', email: 'anna@example.se', name: 'Anna Svensson', age: 40 },
        application: { applicant: { phone: '0701234567', lastName: 'Svensson', accountNumber: '1234-5678' } },
        loanId: 'loan-7',
      },
      'application received',
    );
    const [line] = lines();
    expect(line).toMatchObject({
      name: 'worker',
      personnummer: '[redacted]',
      email: '[redacted]',
      applicant: { personnummer: '[redacted]', email: '[redacted]', name: '[redacted]', age: 40 },
      application: { applicant: { phone: '[redacted]', lastName: '[redacted]', accountNumber: '[redacted]' } },
      loanId: 'loan-7',
      msg: 'application received',
    });
    const raw = JSON.stringify(line);
    for (const secret of ['19121212-1212', 'anna@example.se', 'Anna Svensson', '0701234567', '1234-5678'])
      expect(raw).not.toContain(secret);
  });

  it('redacts the authorization header of a logged request', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ req: { method: 'GET', headers: { authorization: 'Bearer eyJabc.def.ghi' } } }, 'request');
    expect(lines()[0]).toMatchObject({ req: { method: 'GET', headers: { authorization: '[redacted]' } } });
  });

  it('masks personal data in message strings, including format arguments', () => {
    const { logger, lines } = capturedLogger();
    logger.info('bureau lookup for 19121212-1212 (anna@example.se)');
    logger.info({ step: 'kyc' }, 'sms to %s sent', '070-123 45 67');
    const [first, second] = lines();
    expect(first!.msg).toBe('bureau lookup for [personnummer] ([email])');
    expect(second!.msg).toBe('sms to [phone] sent');
    expect(second!.step).toBe('kyc');
  });

  it('keeps the name and redaction on child loggers', () => {
    const { logger, lines } = capturedLogger('info', 'api');
    logger.child({ requestId: 'r-1' }).info({ customer: { email: 'anna@example.se' } }, 'hi 121212-1212');
    expect(lines()[0]).toMatchObject({
      name: 'api',
      requestId: 'r-1',
      customer: { email: '[redacted]' },
      msg: 'hi [personnummer]',
    });
  });

  it('is silent at level silent', () => {
    const { logger, lines } = capturedLogger('silent');
    logger.fatal('nothing');
    expect(lines()).toEqual([]);
  });
});

describe('log format', () => {
  it('pretty on a terminal, JSON when piped, LOG_FORMAT when set', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('a pretty line: time, level, logger name, message and the other fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-21T12:00:01Z'),
      pid: 1,
      hostname: 'h',
      name: 'engine',
      msg: 'sandbox doubles',
      role: 'owner',
      basePort: 47600,
    });
    expect(prettyLine(line)).toBe('12:00:01 INFO  engine: sandbox doubles role=owner basePort=47600');
  });

  it('a pretty line keeps an error stack on the lines below', () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      name: 'api',
      msg: 'failed',
      err: { stack: 'Error: x\n    at y' },
    });
    expect(prettyLine(line)).toBe('00:00:00 ERROR api: failed\nError: x\n    at y');
  });
});
