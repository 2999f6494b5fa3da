/**
 * A small end-to-end check operators can start from the API: it proves API → Temporal → worker →
 * PostgreSQL works, and optionally sleeps on a durable timer (the time-skipping tests use it to
 * show that 30 days pass in seconds).
 */
import { defineQuery, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DiagnosticsActivities } from '../activities/diagnostics';

export interface DiagnosticsInput {
  requestedBy: string;
  /** Milliseconds to wait on a durable timer before finishing. */
  sleepMs?: number;
}

export interface DiagnosticsResult {
  recordedAt: string;
  startedAt: string;
  finishedAt: string;
}

export type DiagnosticsStep = 'recording' | 'sleeping' | 'done';
export const diagnosticsStepQuery = defineQuery<DiagnosticsStep>('step');

const { recordDiagnosticRun } = proxyActivities<DiagnosticsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function diagnosticsWorkflow(input: DiagnosticsInput): Promise<DiagnosticsResult> {
  let step: DiagnosticsStep = 'recording';
  setHandler(diagnosticsStepQuery, () => step);
  const { workflowId } = workflowInfo();
  const startedAt = new Date().toISOString(); // workflow clock (R-TIME-1)
  const { recordedAt } = await recordDiagnosticRun({
    idempotencyKey: `${workflowId}:diagnostic`,
    workflowId,
    requestedBy: input.requestedBy,
  });
  if (input.sleepMs) {
    step = 'sleeping';
    await sleep(input.sleepMs);
  }
  step = 'done';
  return { recordedAt, startedAt, finishedAt: new Date().toISOString() };
}
