/**
 * Typed configuration: a bad environment yields one clear line per problem,
 * each naming its variable, and the entry points exit with code 78 and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, listenHost, loadConfig, parseConfig, PROJECT_ROOT, sandboxWarning } from '../../platform/config';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const SHORT_KEY = Buffer.alloc(16, 3).toString('base64');
const GOOD_SECRET = 's'.repeat(32);

/** The problem lines for an environment, or [] when it parses. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

/** The variable each problem line names (`NAME: message`). */
const named = (problems: string[]) => problems.map((p) => p.split(':')[0]);

describe('parseConfig defaults', () => {
  it('an empty environment gives the sandbox defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      ENGINE_MODE: 'sandbox',
      PORT: 3000,
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(PROJECT_ROOT, '.data'),
      EMBEDDED_POSTGRES_PORT: 54329,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'loan-engine',
      TEMPORAL_TLS: false,
      TEMPORAL_UI_PORT: 8233,
      CODEC_CORS_ORIGINS: ['http://localhost:8233', 'http://localhost:8080'],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.JWT_SECRET).toBeUndefined();
    expect(config.PAYLOAD_ENCRYPTION_KEYS).toBeUndefined();
  });

  it('ignores variables it does not know', () => {
    expect(parseConfig({ HOME: '/root', SOMETHING_ELSE: 'x' }).PORT).toBe(3000);
  });

  it('parses and converts the values it is given', () => {
    const config = parseConfig({
      ENGINE_MODE: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgresql://app@db:5432/loans',
      TEMPORAL_TLS: 'yes',
      JWT_SECRET: GOOD_SECRET,
      PAYLOAD_ENCRYPTION_KEYS: ` new-2:${KEY_B} , old-1:${KEY_A} ,`,
      CODEC_CORS_ORIGINS: ' https://ui.example , http://localhost:8233 ,',
    });
    expect(config.ENGINE_MODE).toBe('production');
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgresql://app@db:5432/loans');
    expect(config.TEMPORAL_TLS).toBe(true);
    expect(config.CODEC_CORS_ORIGINS).toEqual(['https://ui.example', 'http://localhost:8233']);
    // The first key is the active one; order is kept.
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.map((k) => k.id)).toEqual(['new-2', 'old-1']);
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.[0]?.key).toEqual(Buffer.alloc(32, 2));
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.[1]?.key).toEqual(Buffer.alloc(32, 1));
  });

  it('reads booleans in their usual spellings', () => {
    for (const [raw, value] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ] as const) {
      expect(parseConfig({ TEMPORAL_TLS: raw }).TEMPORAL_TLS).toBe(value);
    }
  });

  it('treats an empty string as unset', () => {
    const config = parseConfig({
      PORT: '',
      DATABASE_URL: '',
      JWT_SECRET: '',
      PAYLOAD_ENCRYPTION_KEYS: '',
      LOG_LEVEL: '',
    });
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.JWT_SECRET).toBeUndefined();
    expect(config.PAYLOAD_ENCRYPTION_KEYS).toBeUndefined();
    // ...so an empty secret in production mode is a missing one, not a too-short one.
    expect(problemsOf({ ENGINE_MODE: 'production', JWT_SECRET: '', PAYLOAD_ENCRYPTION_KEYS: `k:${KEY_A}` })).toEqual([
      'JWT_SECRET: required in production mode',
    ]);
  });
});

describe('parseConfig: one line per bad variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['EMBEDDED_POSTGRES_PORT', '-1'],
    ['TEMPORAL_UI_PORT', 'ui'],
    ['ENGINE_MODE', 'prod'],
    ['LOG_LEVEL', 'loud'],
    ['TEMPORAL_TLS', 'maybe'],
    ['DATABASE_URL', 'mysql://root@localhost/loans'],
    ['DATABASE_URL', 'localhost:5432'],
  ])('%s=%s', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: \\S`));
  });

  it('names DATABASE_URL with a message that says what is expected', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root@localhost/loans' })).toEqual([
      'DATABASE_URL: must be a postgres:// URL',
    ]);
  });

  it.each([
    ['a key of the wrong length', `k1:${SHORT_KEY}`],
    ['a missing key id', `:${KEY_A}`],
    ['a missing key', 'k1'],
    ['an empty key', 'k1:'],
    ['an extra colon', `k1:${KEY_A}:x`],
    ['a key id with a space', `key one:${KEY_A}`],
    ['one bad entry after a good one', `good:${KEY_A},bad:${SHORT_KEY}`],
  ])('PAYLOAD_ENCRYPTION_KEYS with %s', (_label, value) => {
    const problems = problemsOf({ PAYLOAD_ENCRYPTION_KEYS: value });
    expect(problems).toEqual(['PAYLOAD_ENCRYPTION_KEYS: each entry must be keyId:base64 of exactly 32 bytes']);
  });

  it('PAYLOAD_ENCRYPTION_KEYS with only separators has no key', () => {
    expect(problemsOf({ PAYLOAD_ENCRYPTION_KEYS: ' , ,' })).toEqual([
      'PAYLOAD_ENCRYPTION_KEYS: at least one key is required',
    ]);
  });

  it('JWT_SECRET shorter than 32 characters', () => {
    expect(problemsOf({ JWT_SECRET: 's'.repeat(31) })).toEqual(['JWT_SECRET: must be at least 32 characters']);
    expect(problemsOf({ JWT_SECRET: GOOD_SECRET })).toEqual([]);
  });

  it('never echoes a secret value in a problem line', () => {
    const problems = problemsOf({ JWT_SECRET: 'tiny-secret-value', PAYLOAD_ENCRYPTION_KEYS: `k1:${SHORT_KEY}` });
    expect(named(problems).sort()).toEqual(['JWT_SECRET', 'PAYLOAD_ENCRYPTION_KEYS']);
    const text = problems.join('\n');
    expect(text).not.toContain('tiny-secret-value');
    expect(text).not.toContain(SHORT_KEY);
  });

  it('production mode without JWT_SECRET and PAYLOAD_ENCRYPTION_KEYS lists both', () => {
    expect(problemsOf({ ENGINE_MODE: 'production' })).toEqual([
      'JWT_SECRET: required in production mode',
      'PAYLOAD_ENCRYPTION_KEYS: required in production mode',
    ]);
    expect(problemsOf({ ENGINE_MODE: 'production', JWT_SECRET: GOOD_SECRET })).toEqual([
      'PAYLOAD_ENCRYPTION_KEYS: required in production mode',
    ]);
    expect(
      problemsOf({ ENGINE_MODE: 'production', JWT_SECRET: GOOD_SECRET, PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_A}` }),
    ).toEqual([]);
  });

  it('production mode with a malformed key or short secret reports that, not "required" as well', () => {
    const problems = problemsOf({ ENGINE_MODE: 'production', JWT_SECRET: 'short', PAYLOAD_ENCRYPTION_KEYS: 'k1' });
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        'JWT_SECRET: must be at least 32 characters',
        'PAYLOAD_ENCRYPTION_KEYS: each entry must be keyId:base64 of exactly 32 bytes',
      ]),
    );
  });

  it('a TLS certificate without its key (or the reverse) is one problem', () => {
    expect(named(problemsOf({ TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' }))).toEqual(['TEMPORAL_TLS_CERT_PATH']);
    expect(named(problemsOf({ TEMPORAL_TLS_KEY_PATH: '/tls/client.key' }))).toEqual(['TEMPORAL_TLS_CERT_PATH']);
    expect(problemsOf({ TEMPORAL_TLS_CERT_PATH: '/tls/client.pem', TEMPORAL_TLS_KEY_PATH: '/tls/client.key' })).toEqual(
      [],
    );
  });

  it('several bad variables are all listed, one line each', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      JWT_SECRET: 'short',
      PAYLOAD_ENCRYPTION_KEYS: `:${KEY_A}`,
    });
    expect(named(problems).sort()).toEqual([
      'DATABASE_URL',
      'JWT_SECRET',
      'LOG_LEVEL',
      'PAYLOAD_ENCRYPTION_KEYS',
      'PORT',
    ]);
    for (const line of problems) expect(line).not.toContain('\n');
  });

  it('field problems and production-mode problems are reported together', () => {
    const problems = problemsOf({ ENGINE_MODE: 'production', PORT: 'abc', DATABASE_URL: 'mysql://x' });
    expect(named(problems).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'PAYLOAD_ENCRYPTION_KEYS', 'PORT']);
  });

  it('ConfigError carries the lines and a readable message', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(2);
    expect(message).toBe(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  });
});

describe('loadConfig', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns the config when the environment is good', () => {
    expect(loadConfig({ PORT: '4000' }).PORT).toBe(4000);
  });

  it('writes one line per problem to stderr and exits with 78', () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const exit = jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Error(`exit ${code}`);
    });
    expect(() => loadConfig({ PORT: 'abc', ENGINE_MODE: 'production' })).toThrow('exit 78');
    expect(exit).toHaveBeenCalledWith(78);
    const lines = written.join('').trimEnd().split('\n');
    expect(lines[0]).toBe('Configuration error:');
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual([
      'PORT',
      'JWT_SECRET',
      'PAYLOAD_ENCRYPTION_KEYS',
    ]);
  });
});

describe('the real entry point with a bad environment', () => {
  it('`api/server.ts` exits 78 with one clear line per problem and no stack trace', () => {
    // A clean environment: nothing from the caller (DATABASE_URL, secrets) leaks in.
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('api', 'server.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: 'abc', ENGINE_MODE: 'production' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.error).toBeUndefined();
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 78, stderr: expect.any(String) });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'Configuration error:',
      expect.stringMatching(/^ {2}PORT: \S/),
      '  JWT_SECRET: required in production mode',
      '  PAYLOAD_ENCRYPTION_KEYS: required in production mode',
    ]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  }, 60_000);
});

describe('where the API listens, and the sandbox warning', () => {
  const production = {
    ENGINE_MODE: 'production',
    JWT_SECRET: 'j'.repeat(40),
    PAYLOAD_ENCRYPTION_KEYS: `k:${Buffer.alloc(32).toString('base64')}`,
  };

  it('sandbox mode listens on loopback by default and warns; production listens everywhere, silently', () => {
    const sandbox = parseConfig({});
    expect(listenHost(sandbox)).toBe('127.0.0.1');
    expect(sandboxWarning(sandbox)).toMatch(/WARNING: sandbox mode \(listening on 127\.0\.0\.1 only\)/);
    const prod = parseConfig(production);
    expect(listenHost(prod)).toBe('0.0.0.0');
    expect(sandboxWarning(prod)).toBeUndefined();
  });

  it('a sandbox opened beyond loopback with HOST says so loudly', () => {
    const open = parseConfig({ HOST: '0.0.0.0' });
    expect(listenHost(open)).toBe('0.0.0.0');
    expect(sandboxWarning(open)).toMatch(/ANYONE WHO CAN REACH THIS ADDRESS/);
  });

  it('the dev server port, token issuer/audience/lifetime and proxy trust are configurable', () => {
    const c = parseConfig({
      TEMPORAL_DEV_PORT: '7300',
      JWT_ISSUER: 'idp',
      JWT_AUDIENCE: 'loans',
      JWT_MAX_LIFETIME_SECONDS: '3600',
      TRUST_PROXY: '10.0.0.0/8, loopback',
    });
    expect(c).toMatchObject({
      TEMPORAL_DEV_PORT: 7300,
      JWT_ISSUER: 'idp',
      JWT_AUDIENCE: 'loans',
      JWT_MAX_LIFETIME_SECONDS: 3600,
      TRUST_PROXY: '10.0.0.0/8, loopback',
    });
    expect(parseConfig({}).TEMPORAL_DEV_PORT).toBe(7233);
    expect(parseConfig({}).TRUST_PROXY).toBeUndefined();
  });
});
