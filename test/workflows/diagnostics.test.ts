import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { countDiagnosticRuns } from '../../db/diagnostics-repository';
import { ENCRYPTED_ENCODING } from '../../platform/payload-codec';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { diagnosticsStepQuery, diagnosticsWorkflow } from '../../workflows/diagnostics';
import { openTestDb } from '../support/db';
import { createTestWorker, testDataConverter } from '../support/temporal';

const THIRTY_DAYS_MS = 30 * 86_400_000;

describe('diagnostics workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;

  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
    await db?.destroy();
  });

  it('sleeps 30 days on a durable timer and finishes in seconds of wall time', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    const workflowId = `diagnostics-${randomUUID()}`;
    const wallStart = Date.now();
    // Queries are answered by a worker, so the step is read before the worker stops.
    const { result, step } = await worker.runUntil(async () => {
      const result = await env.client.workflow.execute(diagnosticsWorkflow, {
        taskQueue,
        workflowId,
        args: [{ requestedBy: 'operator-test', sleepMs: THIRTY_DAYS_MS }],
      });
      return { result, step: await env.client.workflow.getHandle(workflowId).query(diagnosticsStepQuery) };
    });
    const wallSeconds = (Date.now() - wallStart) / 1000;

    const workflowDays = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 86_400_000;
    expect(workflowDays).toBeGreaterThanOrEqual(30);
    expect(wallSeconds).toBeLessThan(60); // a guard against a real-time sleep, not a speed target
    expect(await countDiagnosticRuns(db, workflowId)).toBe(1);
    expect(step).toBe('done');
  });

  it('stores every payload encrypted in the history (R-SEC-2)', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    const workflowId = `diagnostics-${randomUUID()}`;
    await worker.runUntil(
      env.client.workflow.execute(diagnosticsWorkflow, {
        taskQueue,
        workflowId,
        args: [{ requestedBy: 'customer-42' }],
      }),
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.find(
      (e) => e.workflowExecutionStartedEventAttributes,
    )?.workflowExecutionStartedEventAttributes;
    const input = started?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(input?.data ?? []).toString('latin1')).not.toContain('customer-42');
  });
});
