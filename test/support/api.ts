/**
 * An API under test wired like production: the real Express app, a real Temporal dev server (from
 * the api layer's global setup), a real worker and the run's PostgreSQL database.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import { createSandboxAdapters, type SandboxAdapterOptions, type SandboxAdapterSet } from '../../adapters';
import { createApp } from '../../api/app';
import { type Principal, signToken } from '../../api/auth';
import type { Db } from '../../db/database';
import { type Config, parseConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { apiConnectionOptions } from '../../platform/temporal-connection';
import request from 'supertest';
import { ContractChecker, contractChecked, type OpenApiDocument } from './contract';
import { openDb, openTestDb } from './db';
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
  /** Another app of the test's (e.g. the same deps with another config), under the same contract check. */
  checked(app: Express): Express;
  /** Every response that did not match the OpenAPI document so far. */
  contract: ContractChecker;
  /** Stops everything; fails when any response broke the contract. */
  stop(): Promise<void>;
}

export interface HarnessServers {
  /** A database of the test's own (migrated here) instead of the run's API database. */
  databaseUrl?: string;
  /** A Temporal server of the test's own instead of the run's dev server. */
  temporalAddress?: string;
  /** Options for the sandbox doubles (e.g. a bank that executes payouts only when steered). */
  sandbox?: SandboxAdapterOptions;
}

export async function startApiHarness(
  env: Record<string, string> = {},
  servers: HarnessServers = {},
): Promise<ApiHarness> {
  const address = servers.temporalAddress ?? process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run through jest (the api global setup starts it)');
  const taskQueue = `api-test-${randomUUID()}`;
  const config = parseConfig({
    ENGINE_MODE: 'sandbox',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    // Test files share one client address: the limits' own test sets small ones.
    RATE_LIMIT_IDENTIFICATION_PER_MINUTE: '100000',
    RATE_LIMIT_QUOTES_PER_MINUTE: '100000',
    RATE_LIMIT_BAD_TOKENS_PER_MINUTE: '100000',
    ...env,
  });
  const db = servers.databaseUrl ? await openDb(servers.databaseUrl) : await openTestDb('API');
  // The API's own connection settings: a Temporal outage is answered quickly (503).
  const connection = await Connection.connect({ address, ...apiConnectionOptions() });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: testDataConverter });
  const workerConnection = await NativeConnection.connect({ address });
  const sandbox = await createSandboxAdapters(servers.sandbox);
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
    bankId: sandbox.adapters.bankId,
    email: sandbox.adapters.email,
  });
  // The contract check: every response the test receives is compared with the API's own document.
  const contract = new ContractChecker((await request(app).get('/openapi.json').expect(200)).body as OpenApiDocument);
  return {
    app: contractChecked(app, contract),
    checked: (other) => contractChecked(other, contract),
    contract,
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
      if (contract.violations.length > 0) {
        const lines = [...new Set(contract.violations.map((v) => `${v.request} → ${v.status}: ${v.problem}`))];
        throw new Error(`responses that do not match /openapi.json:\n${lines.join('\n')}`);
      }
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

/** Files a one-applicant application (100 000 kr over 60 months, e-invoice) and expects 201. */
export async function createApplication(
  h: ApiHarness,
  authorization: string,
  person: { personnummer: string; email: string; phone: string },
): Promise<request.Response> {
  return request(h.app)
    .post('/v1/applications')
    .set('authorization', authorization)
    .send({
      amount: '100000',
      termMonths: 60,
      noticeChannel: 'e-invoice',
      applicants: [{ personnummer: person.personnummer, email: person.email, phone: person.phone }],
    })
    .expect(201);
}
