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

/** Stops the sweep and waits until it has ended (nothing to do when none runs). */
export async function stopLateInvoiceSweep(client: Client): Promise<void> {
  const handle = client.workflow.getHandle(LATE_INVOICE_SWEEP_ID);
  try {
    await handle.signal(stopSweepSignal);
  } catch {
    return; // none running
  }
  await handle.result().catch(() => undefined);
}
