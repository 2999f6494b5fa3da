/**
 * Starts the book's late-invoice sweep (workflows/late-invoice-sweep.ts) unless it runs already:
 * called by every worker process at start, the simulator and the tests, so exactly one runs.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { LATE_INVOICE_SWEEP_ID, lateInvoiceSweepWorkflow, stopSweepSignal } from '../workflows/late-invoice-sweep';

export async function ensureLateInvoiceSweep(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.workflow.start(lateInvoiceSweepWorkflow, {
      taskQueue,
      workflowId: LATE_INVOICE_SWEEP_ID,
      args: [{}],
      staticSummary: 'Late-invoice sweep: tells loans with unpaid installments on the first banking day of the month',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Stops the sweep and waits until it has ended (nothing to do when none runs). Polls `describe`
 * rather than awaiting the result: on a time-skipping server awaiting a result lets the clock run.
 * A sweep still busy telling a large book after 30 s (a test database shared by many test files
 * holds thousands of late loans) is terminated: it keeps no state worth a clean end.
 */
export async function stopLateInvoiceSweep(client: Client): Promise<void> {
  const handle = client.workflow.getHandle(LATE_INVOICE_SWEEP_ID);
  try {
    await handle.signal(stopSweepSignal);
  } catch {
    return; // none running
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await handle.terminate('the sweep did not end within 30 s of its stop signal').catch(() => undefined);
}
