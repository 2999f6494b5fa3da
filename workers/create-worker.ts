/**
 * One way to build the engine's worker: the encrypting data converter, every workflow and every
 * activity on one task queue. Used by `npm run worker` and `npm start`; the tools (simulator,
 * benchmarks, history recording) and the workflow tests build a tool worker, which also runs the
 * tools' own workflows and activities on the task queue they give it.
 */
import type { DataConverter, LogLevel, LogMetadata } from '@temporalio/common';
import { bundleWorkflowCode, type NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';
import { createToolActivities } from '../activities/tools';
import { type AdapterSet, bankIdSettingsFromConfig, createAdapters, type ProductionAdapterSettings } from '../adapters';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';

export interface EngineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataConverter: DataConverter;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<
    WorkerOptions,
    'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
  >;
  /** E.g. the loan benchmark's activity timer. */
  interceptors?: WorkerOptions['interceptors'];
  /** Tool workers only: the tools' own activities that need more than `deps` (the simulated debtor's). */
  toolActivities?: Record<string, (...args: any[]) => Promise<unknown>>;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');
export const TOOL_WORKFLOWS_PATH = require.resolve('../workflows/tools');

export async function createEngineWorker(options: EngineWorkerOptions): Promise<Worker> {
  return createWorker(options, createActivities(options.deps), WORKFLOWS_PATH);
}

/** A worker of the tools and tests: the engine's workflows and activities and the tools' own. */
export async function createToolWorker(options: EngineWorkerOptions): Promise<Worker> {
  return createWorker(
    options,
    { ...createToolActivities(options.deps), ...options.toolActivities },
    TOOL_WORKFLOWS_PATH,
  );
}

async function createWorker(
  options: EngineWorkerOptions,
  activities: WorkerOptions['activities'],
  workflowsPath: string,
): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    activities,
    workflowBundle: options.workflowBundle ?? (await bundleQuietly(workflowsPath)),
    ...options.tuning,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
}

/**
 * The external systems for an engine process: `createAdapters` by engine mode, with the shared
 * sandbox ports and, in production mode, the real clients' settings from the environment.
 */
export async function createEngineAdapters(config: Config, logger?: Logger): Promise<AdapterSet> {
  return createAdapters(config, {
    logger,
    sandboxBasePort: config.SANDBOX_BASE_PORT,
    sandboxSecret: config.SANDBOX_SECRET,
    production: config.ENGINE_MODE === 'production' ? productionAdapterSettings(config) : undefined,
  });
}

/** The real clients' settings; a missing one stops the process with the names of all missing. */
function productionAdapterSettings(config: Config): ProductionAdapterSettings {
  const required = {
    BANKID_BASE_URL: config.BANKID_BASE_URL,
    BANKID_CLIENT_PFX_PATH: config.BANKID_CLIENT_PFX_PATH,
    BUREAU_BASE_URL: config.BUREAU_BASE_URL,
    OPEN_BANKING_BASE_URL: config.OPEN_BANKING_BASE_URL,
    BANK_PAYOUT_BASE_URL: config.BANK_PAYOUT_BASE_URL,
    SMTP_HOST: config.SMTP_HOST,
    EMAIL_FROM: config.EMAIL_FROM,
    SMS_GATEWAY_BASE_URL: config.SMS_GATEWAY_BASE_URL,
    POST_API_BASE_URL: config.POST_API_BASE_URL,
    DIRECT_DEBIT_BASE_URL: config.DIRECT_DEBIT_BASE_URL,
  };
  const missing = Object.entries(required)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) throw new Error(`production mode needs adapter settings: ${missing.join(', ')}`);
  return {
    timeoutMs: config.ADAPTER_TIMEOUT_MS,
    bankId: bankIdSettingsFromConfig(config),
    bureau: { baseUrl: config.BUREAU_BASE_URL!, apiKey: config.BUREAU_API_KEY },
    openBanking: { baseUrl: config.OPEN_BANKING_BASE_URL!, apiKey: config.OPEN_BANKING_API_KEY },
    bankPayout: { baseUrl: config.BANK_PAYOUT_BASE_URL!, apiKey: config.BANK_PAYOUT_API_KEY },
    email: {
      host: config.SMTP_HOST!,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      requireTLS: config.SMTP_REQUIRE_TLS,
      auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
      from: config.EMAIL_FROM!,
    },
    sms: { baseUrl: config.SMS_GATEWAY_BASE_URL!, apiKey: config.SMS_GATEWAY_API_KEY, from: config.SMS_SENDER_ID },
    post: { baseUrl: config.POST_API_BASE_URL!, apiKey: config.POST_API_KEY, sender: config.POST_SENDER },
    directDebit: { baseUrl: config.DIRECT_DEBIT_BASE_URL!, apiKey: config.DIRECT_DEBIT_API_KEY },
  };
}

/**
 * The workflow bundle, without webpack's statistics in the log (the bundler logs them at info):
 * its warnings and errors still reach the Temporal SDK's logger.
 */
async function bundleQuietly(workflowsPath: string): Promise<{ code: string }> {
  const sdk = Runtime.instance().logger;
  const drop = () => undefined;
  const logger = {
    log: (level: LogLevel, message: string, meta?: LogMetadata) =>
      level === 'WARN' || level === 'ERROR' ? sdk.log(level, message, meta) : undefined,
    trace: drop,
    debug: drop,
    info: drop,
    warn: (message: string, meta?: LogMetadata) => sdk.warn(message, meta),
    error: (message: string, meta?: LogMetadata) => sdk.error(message, meta),
  };
  const { code } = await bundleWorkflowCode({ workflowsPath, logger });
  return { code };
}
