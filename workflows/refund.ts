/**
 * R-PAY-4: one workflow per refund (`refund-<refundId>`), started by the loan workflow when a loan
 * ends with credit and by the payment workflow when money arrives for an ended loan. It pays the
 * refund through the bank (a normal activity: an external call with its own retries while the bank
 * is unreachable); a refusal (or no known account) leaves it FAILED and waiting for an operator's
 * retry (`POST /v1/refunds/{id}/retry`), for as long as that takes.
 */
import { ApplicationFailure, condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { RefundActivities } from '../activities/refunds';
import { retryRefundSignal } from './refund-messages';
import { today } from './loan-state';

const bank = proxyActivities<RefundActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

const local = proxyLocalActivities<RefundActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function refundWorkflow(input: { refundId: string }): Promise<{ payoutId: string }> {
  let retryRequested = false;
  setHandler(retryRefundSignal, () => {
    retryRequested = true;
  });
  for (;;) {
    try {
      const payout = await bank.payRefund({ refundId: input.refundId, date: today() });
      return { payoutId: payout.payoutId };
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const failure = cause instanceof ApplicationFailure ? cause.message : String((error as Error).message);
      await local.recordRefundFailure({ refundId: input.refundId, failure });
      await condition(() => retryRequested);
      retryRequested = false;
    }
  }
}
