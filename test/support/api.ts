/**
 * An API under test wired like production: the real Express app, a real Temporal dev server (from
 * the api layer's global setup), a real worker and the run's PostgreSQL database.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import { createApp } from '../../api/app';
import { type Principal, signToken } from '../../api/auth';
import type { Db } from '../../db/database';
import { type Config, parseConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { openTestDb } from './db';
import { createTestWorker, TEST_KEYS, testDataConverter } from './temporal';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface ApiHarness {
  app: Express;
  db: Db;
  client: Client;
  worker: Worker;
  config: Config;
  /** The sandbox doubles the worker calls and `/v1/sandbox/...` steers. */
  sandbox: SandboxAdapterSet;
  token(principal: Principal): string;
  stop(): Promise<void>;
}

export async function startApiHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run through jest (the api global setup starts it)');
  const taskQueue = `api-test-${randomUUID()}`;
  const config = parseConfig({
    ENGINE_MODE: 'sandbox',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = await openTestDb('API');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: testDataConverter });
  const workerConnection = await NativeConnection.connect({ address });
  const sandbox = await createSandboxAdapters();
  const worker = await createTestWorker({
    connection: workerConnection,
    taskQueue,
    db,
    bundleEnvVar: 'TEST_WORKFLOW_BUNDLE_API',
    adapters: sandbox.adapters,
    application: { bankIdPollIntervalMs: 100 },
  });
  const running = worker.run();
  const app = createApp({
    config,
    db,
    temporal: client,
    codec: new EncryptionCodec(TEST_KEYS),
    jwtSecret: TEST_JWT_SECRET,
    logger: createLogger('silent'),
    sandbox: sandbox.sandbox,
  });
  return {
    app,
    db,
    client,
    worker,
    config,
    sandbox,
    token: (principal) => signToken(TEST_JWT_SECRET, principal),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection.close();
      await sandbox.stop();
      await connection.close();
      await db.destroy();
    },
  };
}

/** Polls `probe` until it returns a value (the workflows move on in the background), or fails. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
