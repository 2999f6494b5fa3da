/** What workflow and API tests share: the test encryption key, the bundle and a worker factory. */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { ApplicationActivityOptions } from '../../activities/application';
import type { Adapters } from '../../adapters';
import type { EnforcementClient } from '../../adapters/enforcement';
import { stopLateInvoiceSweep } from '../../workers/late-invoice-sweep';
import type { Db } from '../../db/database';
import type { EncryptionKey } from '../../platform/payload-codec';
import { encryptingDataConverter } from '../../platform/temporal-connection';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { createToolWorker } from '../../workers/create-worker';
import { openTestDb } from './db';
import { collectionCaseWorkflowId } from '../../workflows/collection-case-messages';

/** A fixed, public test key: payloads in tests are encrypted exactly as in production. */
export const TEST_KEYS: EncryptionKey[] = [{ id: 'test-1', key: Buffer.alloc(32, 7) }];
export const testDataConverter: DataConverter = encryptingDataConverter(TEST_KEYS);

export function workflowBundle(envVar: 'TEST_WORKFLOW_BUNDLE' | 'TEST_WORKFLOW_BUNDLE_API' = 'TEST_WORKFLOW_BUNDLE') {
  const file = process.env[envVar];
  if (!file) throw new Error(`${envVar} is not set: run through jest (the global setup bundles the workflows)`);
  return { code: readFileSync(file, 'utf8') };
}

export async function createTestWorker(options: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  db: Db;
  bundleEnvVar?: 'TEST_WORKFLOW_BUNDLE' | 'TEST_WORKFLOW_BUNDLE_API';
  /** External systems (e.g. `createSandboxAdapters().adapters`); without them application activities fail. */
  adapters?: Adapters;
  application?: ApplicationActivityOptions;
  /** Sticky caching off: a worker stopped mid-run leaves no workflow tasks bound to it. */
  noCache?: boolean;
  /** E.g. an activity interceptor that holds a step, to force an ordering. */
  interceptors?: WorkerOptions['interceptors'];
  /** R-COLL-3: the enforcement authority (e.g. a client of `EnforcementSandbox`). */
  enforcement?: EnforcementClient;
}): Promise<Worker> {
  const worker = await createToolWorker({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    dataConverter: testDataConverter,
    deps: {
      db: options.db,
      adapters: options.adapters,
      application: options.application,
      ...(options.enforcement ? { enforcement: options.enforcement } : {}),
    },
    workflowBundle: workflowBundle(options.bundleEnvVar),
    ...(options.noCache ? { tuning: { maxCachedWorkflows: 0 } } : {}),
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  return stopsSweepWithRun(worker, options.db);
}

/**
 * A late-invoice sweep started on this worker's queue (test/support/loans.ts) is stopped before the
 * worker stops: a workflow left on a queue no one polls holds the time-skipping server's clock,
 * and terminating one with a pending timer does too.
 */
function stopsSweepWithRun(worker: Worker, db: Db): Worker {
  const runUntil = worker.runUntil.bind(worker);
  worker.runUntil = (async <R>(fnOrPromise: Promise<R> | (() => Promise<R>)): Promise<R> =>
    runUntil(async () => {
      try {
        return await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise);
      } finally {
        const client = sweepClients.get(worker.options.taskQueue);
        if (client) {
          sweepClients.delete(worker.options.taskQueue);
          await cancelCollectionCases(client, db, worker.options.taskQueue);
          await stopLateInvoiceSweep(client);
        }
      }
    })) as Worker['runUntil'];
  return worker;
}

/**
 * Collection cases a loan on this queue handed over (workflows/collection-case.ts) outlive the
 * loan, and a case's timer would wake it on a queue no one polls: they are cancelled while the
 * worker still runs, and awaited.
 */
async function cancelCollectionCases(client: Client, db: Db, taskQueue: string): Promise<void> {
  const cases = await db
    .selectFrom('collection_cases')
    .select('case_number')
    .where('case_number', 'is not', null)
    .where('status', '=', 'OPEN')
    .execute();
  for (const { case_number } of cases) {
    const handle = client.workflow.getHandle(collectionCaseWorkflowId(case_number!));
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'RUNNING' || description.taskQueue !== taskQueue) continue;
    await handle.cancel();
    for (let i = 0; i < 400; i++) {
      if ((await handle.describe()).status.name !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Task queues a test started the late-invoice sweep on, with the client that did. */
export const sweepClients = new Map<string, Client>();

/**
 * A time-skipping server and the WORKFLOWS test database for the calling describe block: started
 * before its tests (then handed to `use`), torn down after them.
 */
export function useTimeSkippingServer(use: (env: TestWorkflowEnvironment, db: Db) => void): void {
  let env: TestWorkflowEnvironment | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    use(env, db);
  });
  afterAll(async () => {
    await env?.teardown();
    await db?.destroy();
  });
}
