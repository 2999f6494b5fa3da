/**
 * The month-end baseline of `npm run bench:loans`: what a loan's invoice wake-up asks of
 * Temporal, with no work in it: a first workflow task, two no-op local activities (the loan's
 * `openLoan` and `issueInvoice`), then a timer to next month, as the loan sleeps until its next wake.
 */
import { proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from '../activities/bench';

const { benchNoopStep } = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

export async function monthEndBaselineWorkflow(): Promise<void> {
  await benchNoopStep(0);
  await benchNoopStep(1);
  await sleep('30 days');
}
