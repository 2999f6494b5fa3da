/**
 * The month-end baseline of `npm run bench:loans`: what a loan's invoice wake-up asks of
 * Temporal, with no work in it: a workflow task, one no-op local activity (the loan's
 * `issueInvoice`; the loans are opened before the release), then a timer to next month, as the loan
 * sleeps until its next wake.
 */
import { proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from '../activities/bench';

const { benchNoopStep } = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

export async function monthEndBaselineWorkflow(): Promise<void> {
  await benchNoopStep(0);
  await sleep('30 days');
}
