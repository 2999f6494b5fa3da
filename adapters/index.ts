/**
 * The adapters of the external systems, and the factories that build them.
 *
 * Each system has an interface (what activities depend on), a real client speaking the real
 * protocol, and a sandbox double that behaves like the real system (see the module headers):
 *
 *   bankId       BankID RP API v6.0              ./bankid        (HTTP double)
 *   bureau       credit bureau                   ./bureau        (HTTP double)
 *   openBanking  open-banking income verification ./open-banking (HTTP double)
 *   bankPayout   bank payouts                    ./bank-payout   (HTTP double)
 *   email        SMTP via nodemailer             ./email         (local SMTP server that records)
 *   sms          HTTP SMS gateway                ./sms           (HTTP double)
 *   post         print-and-post letters          ./post          (HTTP double)
 *   directDebit  autogiro mandates and draws     ./direct-debit  (HTTP double)
 *
 * In sandbox mode the real clients are pointed at the doubles, so the code that runs is the code
 * that would run in production, down to the protocol. `SandboxSteering` is what the API's
 * `/v1/sandbox/...` endpoints call (errors from it are `SandboxSteeringError` with kind
 * not_found | conflict | invalid → 404 | 409 | 400). Every steering call is async, so a remote
 * implementation (doubles in another process) can replace the in-process one without changing
 * callers.
 *
 * The real clients' settings come from the environment (docs/configuration.md), read by
 * workers/create-worker.ts; `createAdapters` is the one place a process chooses by engine mode.
 *
 * Longer than 400 lines because it is the one entry of the adapters: the interfaces activities
 * depend on and the three ways to build them (sandbox, shared sandbox, production) belong
 * together.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import {
  BankPayoutHttpClient,
  BankPayoutSandbox,
  type BankPayoutClient,
  type BankPayoutClientSettings,
} from './bank-payout';
import type { BankPayoutSandboxSteering } from './bank-payout';
import {
  DirectDebitHttpClient,
  DirectDebitSandbox,
  type DirectDebitClient,
  type DirectDebitClientSettings,
  type DirectDebitSandboxSteering,
} from './direct-debit';
import { BankIdHttpClient, BankIdSandbox, type BankIdClient, type BankIdClientSettings } from './bankid';
import type { BankIdSandboxSteering } from './bankid';
import { BureauHttpClient, BureauSandbox, type BureauClient, type BureauClientSettings } from './bureau';
import type { BureauSandboxSteering } from './bureau';
import { SmtpEmailClient, SmtpSandbox, type EmailClientSettings, type EmailSender } from './email';
import type { EmailSandboxSteering } from './email';
import {
  OpenBankingHttpClient,
  OpenBankingSandbox,
  type OpenBankingClient,
  type OpenBankingClientSettings,
} from './open-banking';
import type { OpenBankingSandboxSteering } from './open-banking';
import type { Clock } from './shared/clock';
import { pingSteering, remoteSandboxSteering, startSteeringServer } from './shared/steering';
import { SmsHttpClient, SmsSandbox, type SmsClientSettings, type SmsSender } from './sms';
import type { SmsSandboxSteering } from './sms';
import { PostHttpClient, PostSandbox, type LetterSender, type PostClientSettings } from './post';
import type { PostSandboxSteering } from './post';

export { SandboxSteeringError } from './shared/sandbox-server';

/** What activities use. */
export interface Adapters {
  bankId: BankIdClient;
  bureau: BureauClient;
  openBanking: OpenBankingClient;
  bankPayout: BankPayoutClient;
  email: EmailSender;
  sms: SmsSender;
  post: LetterSender;
  /** R-PAY-3: autogiro mandates and draws. */
  directDebit: DirectDebitClient;
}

/** What the `/v1/sandbox/...` endpoints use. */
export interface SandboxSteering {
  bankId: BankIdSandboxSteering;
  bureau: BureauSandboxSteering;
  openBanking: OpenBankingSandboxSteering;
  bankPayout: BankPayoutSandboxSteering;
  email: EmailSandboxSteering;
  sms: SmsSandboxSteering;
  post: PostSandboxSteering;
  directDebit: DirectDebitSandboxSteering;
}

/** Where the doubles listen (for logs, or for a second process pointing real clients at them). */
export interface SandboxEndpoints {
  bankIdBaseUrl: string;
  bureauBaseUrl: string;
  openBankingBaseUrl: string;
  bankPayoutBaseUrl: string;
  smsBaseUrl: string;
  postBaseUrl: string;
  directDebitBaseUrl: string;
  smtp: { host: string; port: number };
  /** The owner's steering endpoint (see ./shared/steering.ts). */
  steeringBaseUrl: string;
}

export interface AdapterSet {
  adapters: Adapters;
  /** Present in sandbox mode only. */
  sandbox?: SandboxSteering;
  /** Closes clients and, in sandbox mode, stops the doubles. */
  stop(): Promise<void>;
}

/** The bearer tokens and SMTP login the doubles require. */
export interface SandboxCredentials {
  bureauApiKey: string;
  openBankingApiKey: string;
  bankPayoutApiKey: string;
  smsApiKey: string;
  postApiKey: string;
  directDebitApiKey: string;
  smtp: { user: string; pass: string };
  /** Bearer token of the steering endpoint. */
  steeringToken: string;
}

export interface SandboxAdapterSet extends AdapterSet {
  sandbox: SandboxSteering;
  endpoints: SandboxEndpoints;
  /** For `connectToSandbox` in another process. */
  credentials: SandboxCredentials;
}

export interface SandboxAdapterOptions {
  /** Time for the doubles (BankID order expiry, payout execution, timestamps). Default: wall clock. */
  clock?: () => Date;
  /** BankID order lifetime. Default 180 000 ms, as BankID. */
  bankIdOrderTtlMs?: number;
  /**
   * The sandbox bank executes a payout this long after accepting it (R-APP-9: a payout does not
   * stay `accepted`). Default 1000 ms; `null`: only on its execution date or when steered.
   */
  payoutExecutionDelayMs?: number | null;
  /** Interface for all doubles. Default 127.0.0.1. */
  host?: string;
  /** Default: generated. Fix them (with `ports`) when another process connects with `connectToSandbox`. */
  credentials?: SandboxCredentials;
  /** Fixed ports (0 or absent: ephemeral). */
  ports?: Partial<
    Record<
      'bankId' | 'bureau' | 'openBanking' | 'bankPayout' | 'sms' | 'post' | 'smtp' | 'steering' | 'directDebit',
      number
    >
  >;
  logger?: Logger;
}

/**
 * Starts every double on 127.0.0.1 (ephemeral ports unless given) and returns the real clients
 * pointed at them, the steering API and `stop()`. The HTTP doubles require bearer tokens and the
 * SMTP double requires AUTH, with credentials generated here, so the clients' auth is exercised.
 */
export async function createSandboxAdapters(options: SandboxAdapterOptions = {}): Promise<SandboxAdapterSet> {
  const clock: Clock | undefined = options.clock;
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const secret = () => randomBytes(18).toString('base64url');
  const credentials: SandboxCredentials = options.credentials ?? {
    bureauApiKey: secret(),
    openBankingApiKey: secret(),
    bankPayoutApiKey: secret(),
    smsApiKey: secret(),
    postApiKey: secret(),
    directDebitApiKey: secret(),
    smtp: { user: 'sandbox', pass: secret() },
    steeringToken: secret(),
  };

  const started: { close(): Promise<void> }[] = [];
  const track = async <T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    const value = await p;
    started.push(value);
    return value;
  };
  const stopAll = async () => {
    await Promise.allSettled(started.splice(0).map((s) => s.close()));
  };

  // All settled before anything is returned or stopped, so a failed start leaves nothing running.
  const [bankIdStart, bureauStart, openBankingStart, payoutStart, smsStart, smtpStart, postStart, directDebitStart] =
    await Promise.allSettled([
      track(BankIdSandbox.start({ clock, orderTtlMs: options.bankIdOrderTtlMs, host, port: ports.bankId })),
      track(BureauSandbox.start({ clock, apiKey: credentials.bureauApiKey, host, port: ports.bureau })),
      track(OpenBankingSandbox.start({ clock, apiKey: credentials.openBankingApiKey, host, port: ports.openBanking })),
      track(
        BankPayoutSandbox.start({
          clock,
          apiKey: credentials.bankPayoutApiKey,
          host,
          port: ports.bankPayout,
          executeAfterMs:
            options.payoutExecutionDelayMs === null ? undefined : (options.payoutExecutionDelayMs ?? 1_000),
        }),
      ),
      track(SmsSandbox.start({ clock, apiKey: credentials.smsApiKey, host, port: ports.sms })),
      track(SmtpSandbox.start({ clock, auth: credentials.smtp, host, port: ports.smtp })),
      track(PostSandbox.start({ clock, apiKey: credentials.postApiKey, host, port: ports.post })),
      track(DirectDebitSandbox.start({ clock, apiKey: credentials.directDebitApiKey, host, port: ports.directDebit })),
    ]);
  if (
    bankIdStart.status === 'rejected' ||
    bureauStart.status === 'rejected' ||
    openBankingStart.status === 'rejected' ||
    payoutStart.status === 'rejected' ||
    smsStart.status === 'rejected' ||
    smtpStart.status === 'rejected' ||
    postStart.status === 'rejected' ||
    directDebitStart.status === 'rejected'
  ) {
    await stopAll();
    const failed = [
      bankIdStart,
      bureauStart,
      openBankingStart,
      payoutStart,
      smsStart,
      smtpStart,
      postStart,
      directDebitStart,
    ].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  const bankIdDouble = bankIdStart.value;
  const bureauDouble = bureauStart.value;
  const openBankingDouble = openBankingStart.value;
  const payoutDouble = payoutStart.value;
  const smsDouble = smsStart.value;
  const smtpDouble = smtpStart.value;
  const postDouble = postStart.value;
  const directDebitDouble = directDebitStart.value;
  const sandbox: SandboxSteering = {
    bankId: bankIdDouble,
    bureau: bureauDouble,
    openBanking: openBankingDouble,
    bankPayout: payoutDouble,
    email: smtpDouble,
    sms: smsDouble,
    post: postDouble,
    directDebit: directDebitDouble,
  };
  let steeringServer: { url: string };
  try {
    steeringServer = await track(
      startSteeringServer(sandbox, { token: credentials.steeringToken, host, port: ports.steering }),
    );
  } catch (err) {
    await stopAll();
    throw err;
  }
  const endpoints: SandboxEndpoints = {
    bankIdBaseUrl: bankIdDouble.url,
    bureauBaseUrl: bureauDouble.url,
    openBankingBaseUrl: openBankingDouble.url,
    bankPayoutBaseUrl: payoutDouble.url,
    smsBaseUrl: smsDouble.url,
    postBaseUrl: postDouble.url,
    directDebitBaseUrl: directDebitDouble.url,
    smtp: { host: smtpDouble.host, port: smtpDouble.port },
    steeringBaseUrl: steeringServer.url,
  };
  const adapters = connectToSandbox(endpoints, credentials, options.logger);
  return {
    adapters: adapters.adapters,
    sandbox,
    endpoints,
    credentials,
    stop: async () => {
      await adapters.stop();
      await stopAll();
    },
  };
}

/** Where each double listens in a shared sandbox: `basePort` … `basePort + 8`. */
export function sandboxPortsFrom(basePort: number): Required<NonNullable<SandboxAdapterOptions['ports']>> {
  return {
    bankId: basePort,
    bureau: basePort + 1,
    openBanking: basePort + 2,
    bankPayout: basePort + 3,
    sms: basePort + 4,
    smtp: basePort + 5,
    post: basePort + 6,
    steering: basePort + 7,
    directDebit: basePort + 8,
  };
}

/** The default secret of a shared sandbox: the doubles listen on 127.0.0.1 only, in sandbox mode only. */
export const DEFAULT_SANDBOX_SECRET = 'loan-engine-sandbox-not-a-secret';

/** Credentials every process derives alike from one secret (SANDBOX_SECRET), so they can share doubles. */
export function sandboxCredentialsFromSecret(secret: string): SandboxCredentials {
  const derive = (name: string) =>
    createHmac('sha256', secret).update(`sandbox:${name}`).digest('base64url').slice(0, 32);
  return {
    bureauApiKey: derive('bureau'),
    openBankingApiKey: derive('open-banking'),
    bankPayoutApiKey: derive('bank-payout'),
    smsApiKey: derive('sms'),
    postApiKey: derive('post'),
    directDebitApiKey: derive('direct-debit'),
    smtp: { user: 'sandbox', pass: derive('smtp') },
    steeringToken: derive('steering'),
  };
}

export interface SharedSandboxOptions extends Omit<SandboxAdapterOptions, 'ports' | 'credentials'> {
  /** The doubles listen on `basePort` … `basePort + 8` (SANDBOX_BASE_PORT). */
  basePort: number;
  /** SANDBOX_SECRET; default `DEFAULT_SANDBOX_SECRET`. */
  secret?: string;
  /** Tries while another process is still starting the doubles. Default 20. */
  attempts?: number;
}

export interface SharedSandboxSet extends SandboxAdapterSet {
  /** `owner`: this process runs the doubles; `remote`: it uses another process's, over HTTP. */
  role: 'owner' | 'remote';
}

function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

/**
 * Sandbox doubles shared between processes (`npm run api` and `npm run worker` apart).
 * The first process to start listens on the fixed ports and owns the doubles; a later one finds
 * the ports taken, checks that a loan-engine sandbox with the same secret answers there, and uses
 * it: real clients against the doubles, and steering over the owner's steering endpoint. Both
 * sets behave alike to their callers. When the owner stops, the doubles go with it.
 */
export async function startOrConnectSandbox(options: SharedSandboxOptions): Promise<SharedSandboxSet> {
  const host = options.host ?? '127.0.0.1';
  const credentials = sandboxCredentialsFromSecret(options.secret ?? DEFAULT_SANDBOX_SECRET);
  const ports = sandboxPortsFrom(options.basePort);
  const attempts = options.attempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    try {
      const owned = await createSandboxAdapters({ ...options, host, ports, credentials });
      return { ...owned, role: 'owner' };
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
    }
    const endpoints: SandboxEndpoints = {
      bankIdBaseUrl: `http://${host}:${ports.bankId}`,
      bureauBaseUrl: `http://${host}:${ports.bureau}`,
      openBankingBaseUrl: `http://${host}:${ports.openBanking}`,
      bankPayoutBaseUrl: `http://${host}:${ports.bankPayout}`,
      smsBaseUrl: `http://${host}:${ports.sms}`,
      postBaseUrl: `http://${host}:${ports.post}`,
      directDebitBaseUrl: `http://${host}:${ports.directDebit}`,
      smtp: { host, port: ports.smtp },
      steeringBaseUrl: `http://${host}:${ports.steering}`,
    };
    const seen = await pingSteering(endpoints.steeringBaseUrl, credentials.steeringToken);
    if (seen === 'unauthorized') {
      throw new Error(`a sandbox with another SANDBOX_SECRET runs on ports ${options.basePort}–${ports.steering}`);
    }
    if (seen === 'ok') {
      const remote = connectToSandbox(endpoints, credentials, options.logger);
      return {
        adapters: remote.adapters,
        sandbox: remoteSandboxSteering(endpoints.steeringBaseUrl, credentials.steeringToken),
        endpoints,
        credentials,
        role: 'remote',
        stop: remote.stop,
      };
    }
    if (attempt >= attempts) {
      throw new Error(
        `sandbox ports ${options.basePort}–${ports.steering} are in use, but no loan-engine sandbox answers`,
      );
    }
    // Another process may be half-way through starting the doubles.
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 200) * attempt));
  }
}

/**
 * The real clients pointed at doubles started elsewhere (another process's
 * `createSandboxAdapters` with fixed ports and credentials). Steering stays with the process that
 * owns the doubles.
 */
export function connectToSandbox(
  endpoints: SandboxEndpoints,
  credentials: SandboxCredentials,
  logger?: Logger,
): AdapterSet {
  return createProductionAdapters({
    logger,
    bankId: { baseUrl: endpoints.bankIdBaseUrl },
    bureau: { baseUrl: endpoints.bureauBaseUrl, apiKey: credentials.bureauApiKey },
    openBanking: { baseUrl: endpoints.openBankingBaseUrl, apiKey: credentials.openBankingApiKey },
    bankPayout: { baseUrl: endpoints.bankPayoutBaseUrl, apiKey: credentials.bankPayoutApiKey },
    sms: { baseUrl: endpoints.smsBaseUrl, apiKey: credentials.smsApiKey, from: 'LoanEngine' },
    post: { baseUrl: endpoints.postBaseUrl, apiKey: credentials.postApiKey, sender: 'Loan Engine (sandbox)' },
    directDebit: { baseUrl: endpoints.directDebitBaseUrl, apiKey: credentials.directDebitApiKey },
    email: {
      host: endpoints.smtp.host,
      port: endpoints.smtp.port,
      secure: false,
      auth: credentials.smtp,
      from: '"Loan Engine (sandbox)" <no-reply@sandbox.loan-engine.local>',
    },
  });
}

/** BankID's RP API settings from the environment: the server and, when given, the RP certificate (mTLS). */
export function bankIdSettingsFromConfig(config: Config): BankIdClientSettings {
  if (!config.BANKID_BASE_URL) throw new Error('BANKID_BASE_URL is not set');
  return {
    baseUrl: config.BANKID_BASE_URL,
    ...(config.BANKID_CLIENT_PFX_PATH
      ? {
          tls: {
            pfx: readFileSync(config.BANKID_CLIENT_PFX_PATH),
            passphrase: config.BANKID_CLIENT_PFX_PASSPHRASE,
            ca: config.BANKID_CA_PATH ? readFileSync(config.BANKID_CA_PATH) : undefined,
          },
        }
      : {}),
  };
}

/**
 * The BankID client of the API process in production mode (`npm run api`), for the customer
 * pages' login (web/): BankID only, not the other systems the workers call. Undefined without
 * BANKID_BASE_URL; the login page then says BankID is unavailable.
 */
export function apiBankIdClient(config: Config, logger?: Logger): BankIdClient | undefined {
  if (!config.BANKID_BASE_URL) return undefined;
  return new BankIdHttpClient({ ...bankIdSettingsFromConfig(config), timeoutMs: config.ADAPTER_TIMEOUT_MS, logger });
}

/** Explicit settings for the real clients (from the environment; see the names above). */
export interface ProductionAdapterSettings {
  bankId: BankIdClientSettings;
  bureau: BureauClientSettings;
  openBanking: OpenBankingClientSettings;
  bankPayout: BankPayoutClientSettings;
  email: EmailClientSettings;
  sms: SmsClientSettings;
  post: PostClientSettings;
  directDebit: DirectDebitClientSettings;
  /** Default per-request deadline for the HTTP clients. */
  timeoutMs?: number;
  /** Debug lines per call (system, operation, status, duration: never bodies). */
  logger?: Logger;
}

/** The real clients from explicit settings. Starts nothing. */
export function createProductionAdapters(settings: ProductionAdapterSettings): AdapterSet {
  const common = { timeoutMs: settings.timeoutMs, logger: settings.logger };
  const email = new SmtpEmailClient({ logger: settings.logger, ...settings.email });
  return {
    adapters: {
      bankId: new BankIdHttpClient({ ...common, ...settings.bankId }),
      bureau: new BureauHttpClient({ ...common, ...settings.bureau }),
      openBanking: new OpenBankingHttpClient({ ...common, ...settings.openBanking }),
      bankPayout: new BankPayoutHttpClient({ ...common, ...settings.bankPayout }),
      email,
      sms: new SmsHttpClient({ ...common, ...settings.sms }),
      post: new PostHttpClient({ ...common, ...settings.post }),
      directDebit: new DirectDebitHttpClient({ ...common, ...settings.directDebit }),
    },
    stop: () => email.close(),
  };
}

export interface CreateAdaptersOptions {
  /** Required in production mode. */
  production?: ProductionAdapterSettings;
  sandbox?: SandboxAdapterOptions;
  /** Sandbox mode, when above 0 (SANDBOX_BASE_PORT): doubles shared with the other engine processes. */
  sandboxBasePort?: number;
  /** SANDBOX_SECRET of the shared doubles. */
  sandboxSecret?: string;
  logger?: Logger;
}

/**
 * The one place the engine's processes choose their adapters, by engine mode: `sandbox` starts
 * the doubles (or, with `sandboxBasePort`, shares them: the first process to start owns them) and
 * returns the steering API; `production` builds the real clients from `options.production` and
 * never starts or exposes a double.
 */
export async function createAdapters(
  config: { ENGINE_MODE: 'sandbox' | 'production' },
  options: CreateAdaptersOptions = {},
): Promise<AdapterSet> {
  const { logger } = options;
  if (config.ENGINE_MODE === 'sandbox') {
    const basePort = options.sandboxBasePort ?? 0;
    if (basePort === 0) return createSandboxAdapters({ logger, ...options.sandbox });
    const shared = await startOrConnectSandbox({ logger, ...options.sandbox, basePort, secret: options.sandboxSecret });
    logger?.info({ role: shared.role, basePort }, 'sandbox doubles');
    return shared;
  }
  if (!options.production) throw new Error('production mode needs adapter settings (createProductionAdapters)');
  return createProductionAdapters({ logger, ...options.production });
}
