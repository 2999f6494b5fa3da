/**
 * Typed configuration from the environment, validated once at start. A bad variable stops the
 * process with one clear line per problem (see `loadConfig`), never a stack trace.
 */
import path from 'node:path';
import { z } from 'zod';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

/** `keyId:base64(32 bytes)` pairs, comma separated; the first is the active encryption key. */
export const encryptionKeysSchema = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, b64, ...rest] = part.split(':');
    const key = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9._-]{1,64}$/.test(id) || rest.length > 0 || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:base64 of exactly 32 bytes' });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  return keys;
});

export const configSchema = z
  .object({
    ENGINE_MODE: z.enum(['sandbox', 'production']).default('sandbox'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Unset: readable lines on a terminal, JSON lines otherwise (platform/logger.ts).
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
    // A worker's /metrics listener (`npm run worker`); 0 = none. `npm start` serves it on the API's /metrics.
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    // Where a worker's Temporal SDK runtime exports its own metrics (appended to /metrics); `off` = none.
    TEMPORAL_METRICS_ADDRESS: z
      .string()
      .regex(/^(off|[\w.-]+:\d{1,5})$/, 'host:port or off')
      .default('127.0.0.1:9465'),
    DATA_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, '.data')),
    EMBEDDED_POSTGRES_PORT: port.default(54329),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('loan-engine'),
    TEMPORAL_TLS: boolean.default(false),
    TEMPORAL_TLS_CERT_PATH: z.string().optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().optional(),
    TEMPORAL_TLS_CA_PATH: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    TEMPORAL_UI_PORT: port.default(8233),
    // `npm start`'s own dev server: its gRPC port (TEMPORAL_ADDRESS set means an external server).
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_CLI_PATH: z.string().optional(),
    TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // Tokens must name this issuer and audience and live at most JWT_MAX_LIFETIME_SECONDS
    // (`npm run token` signs with these).
    JWT_ISSUER: z.string().min(1).default('loan-engine'),
    JWT_AUDIENCE: z.string().min(1).default('loan-engine-api'),
    JWT_MAX_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
    // Where the API listens. Unset: 127.0.0.1 in sandbox mode (its steering endpoints are for this
    // machine only), every interface in production mode.
    HOST: z.string().min(1).optional(),
    // Which proxies' X-Forwarded-For is believed (Express `trust proxy`): unset trusts none; a
    // number of hops, or a comma list of addresses, subnets or `loopback` / `uniquelocal`.
    TRUST_PROXY: z
      .string()
      .regex(/^[\w.:/, -]+$/, 'must be a hop count or a comma list of addresses, subnets or names')
      .optional(),
    // Requests per client address and minute on the sensitive routes (identification and signing,
    // quotes) and for requests with a bad token; over it the answer is 429.
    RATE_LIMIT_IDENTIFICATION_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    RATE_LIMIT_QUOTES_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_BAD_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    PAYLOAD_ENCRYPTION_KEYS: encryptionKeysSchema.optional(),
    // Applications (R-APP-3): where links in invitations point, and the real adapters' settings
    // (production mode; sandbox mode starts local doubles and ignores them).
    APPLICATION_LINK_BASE_URL: z.url().default('http://localhost:3000/apply'),
    // R-LOAN-9: where unanswered complaints are escalated (the complaints officer's mailbox).
    COMPLAINTS_OFFICER_EMAIL: z.email().default('klagomal@sandbox.loan-engine.local'),
    // R-APP-9: where a payout the bank accepted but never confirmed is reported for reconciliation.
    OPERATIONS_EMAIL: z.email().default('drift@sandbox.loan-engine.local'),
    BANKID_BASE_URL: z.url().optional(),
    BANKID_CLIENT_PFX_PATH: z.string().optional(),
    BANKID_CLIENT_PFX_PASSPHRASE: z.string().optional(),
    BANKID_CA_PATH: z.string().optional(),
    BUREAU_BASE_URL: z.url().optional(),
    BUREAU_API_KEY: z.string().optional(),
    OPEN_BANKING_BASE_URL: z.url().optional(),
    OPEN_BANKING_API_KEY: z.string().optional(),
    BANK_PAYOUT_BASE_URL: z.url().optional(),
    BANK_PAYOUT_API_KEY: z.string().optional(),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: port.default(587),
    SMTP_SECURE: boolean.default(false),
    SMTP_REQUIRE_TLS: boolean.default(true),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    EMAIL_FROM: z.string().optional(),
    SMS_GATEWAY_BASE_URL: z.url().optional(),
    SMS_GATEWAY_API_KEY: z.string().optional(),
    SMS_SENDER_ID: z.string().max(11).optional(),
    // Print-and-post letters (R-LOAN-3 reminders by post, R-LOAN-11 notices by post).
    POST_API_BASE_URL: z.url().optional(),
    POST_API_KEY: z.string().optional(),
    POST_SENDER: z.string().max(100).optional(),
    // R-PAY-3: the direct-debit (autogiro) service: mandates and draws.
    DIRECT_DEBIT_BASE_URL: z.url().optional(),
    DIRECT_DEBIT_API_KEY: z.string().optional(),
    // Sandbox mode: the doubles listen on SANDBOX_BASE_PORT … +8 (127.0.0.1), so `npm run api` and
    // `npm run worker` share them: the first process to start owns them, the other connects.
    // 0: ephemeral ports, not shared. SANDBOX_SECRET derives the doubles' credentials.
    SANDBOX_BASE_PORT: z.coerce.number().int().min(0).max(65527).default(47600),
    SANDBOX_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    // The back-office (web/vendor, web/operator; docs/web.md): operators log in through the
    // organisation's OpenID Connect provider in production (sandbox mode: a local login), the
    // run links to the Temporal UI, vendor logins per address and minute are limited.
    OPERATOR_OIDC_ISSUER: z.url().optional(),
    OPERATOR_OIDC_CLIENT_ID: z.string().optional(),
    OPERATOR_OIDC_CLIENT_SECRET: z.string().optional(),
    OPERATOR_OIDC_REDIRECT_URL: z.url().optional(),
    TEMPORAL_UI_URL: z.url().optional(),
    RATE_LIMIT_VENDOR_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    ADAPTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    CODEC_CORS_ORIGINS: z
      .string()
      .default('http://localhost:8233,http://localhost:8080')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  })
  .superRefine(
    (c, ctx) => {
      // Production never runs on development secrets: both must be given explicitly.
      if (c.ENGINE_MODE === 'production') {
        if (!c.JWT_SECRET)
          ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production mode' });
        if (!c.PAYLOAD_ENCRYPTION_KEYS)
          ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: 'required in production mode' });
      }
      if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH))
        ctx.addIssue({
          code: 'custom',
          path: ['TEMPORAL_TLS_CERT_PATH'],
          message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together',
        });
    },
    // Run even when a field already failed (zod skips refinements after an issue by default), so
    // one start reports every bad variable.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as a shell `FOO=` usually means "no value".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
}

/** For entry points: a bad configuration prints one line per problem and exits with code 78. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Where the API listens: HOST, else loopback in sandbox mode and every interface in production. */
export function listenHost(config: Pick<Config, 'HOST' | 'ENGINE_MODE'>): string {
  return config.HOST ?? (config.ENGINE_MODE === 'sandbox' ? '127.0.0.1' : '0.0.0.0');
}

/**
 * The warning every sandbox start prints: its steering endpoints show invitation codes and its
 * codec decrypts personal data for anyone who can reach it. Louder when it listens beyond loopback.
 */
export function sandboxWarning(config: Pick<Config, 'HOST' | 'ENGINE_MODE'>): string | undefined {
  if (config.ENGINE_MODE !== 'sandbox') return undefined;
  const host = listenHost(config);
  const reach = LOOPBACK.has(host)
    ? `listening on ${host} only`
    : `listening on ${host}: ANYONE WHO CAN REACH THIS ADDRESS can read every sandbox email and code`;
  return (
    `WARNING: sandbox mode (${reach}). /v1/sandbox/... shows every message sent and steers the test ` +
    'doubles, and /codec decrypts personal data without a token. Never use it with real data; ' +
    'ENGINE_MODE=production has none of it.'
  );
}
