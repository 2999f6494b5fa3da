/**
 * One short workflow per incoming payment (R-LOAN-2): it applies the payment to the loan's ledger
 * at once, so the balance the customer sees is current, and wakes the loan workflow only when the
 * payment matters to it (see PaymentOutcome.wakeLoan). The loan's own history stays one wake-up a
 * month for a borrower who pays on time; operators find each payment's run as `payment-<id>`.
 */
import { getExternalWorkflowHandle, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { LoanActivities } from '../activities/loan';
import type { PaymentOutcome } from '../activities/loan/payments';
import { casePaymentSignal, collectionCaseWorkflowId } from './collection-case-messages';
import { idempotencyKey } from '../domain/idempotency';
import { Decimal } from '../domain/money';
import { loanWorkflowId, paymentReceivedSignal } from './loan-messages';

const { applyPayment, openRefund, startRefund } = proxyLocalActivities<LoanActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export function paymentWorkflowId(paymentId: string): string {
  return `payment-${paymentId}`;
}

export async function paymentWorkflow(input: { paymentId: string }): Promise<PaymentOutcome> {
  const outcome = await applyPayment({ paymentId: input.paymentId });
  if (outcome.collectionCaseNumber && patched('collection-case-payment')) {
    // R-COLL-9: the payment went to the collection case: its workflow reads the new balance.
    await getExternalWorkflowHandle(collectionCaseWorkflowId(outcome.collectionCaseNumber))
      .signal(casePaymentSignal, { paymentId: outcome.paymentId, paymentDate: outcome.paymentDate })
      .catch(() => undefined); // the case has ended: the payment is in the ledger as customer credit
    if (new Decimal(outcome.excess).greaterThan(0) && patched('refund-collection-overpayment')) {
      // R-PAY-4: paid beyond the whole claim (the case closes paid): the rest is paid back here,
      // whenever the case's workflow reads it (or has ended already). The case's own refund at its
      // close then finds this credit taken and opens nothing.
      const refund = await openRefund({
        loanId: outcome.loanId,
        idempotencyKey: idempotencyKey(outcome.loanId, 'refund', 'payment', outcome.paymentId),
        trigger: 'case-overpaid',
        date: outcome.paymentDate,
      });
      if (refund) await startRefund(refund);
    }
    return outcome;
  }
  if (outcome.creditOnEndedLoan && patched('refund-ended-loan-credit')) {
    // R-PAY-4: money for a loan that has ended (closed, withdrawn, or in collection with its case
    // ended paid or written off) is paid back; nothing wakes.
    const refund = await openRefund({
      loanId: outcome.loanId,
      idempotencyKey: idempotencyKey(outcome.loanId, 'refund', 'payment', outcome.paymentId),
      trigger: 'payment-after-end',
      date: outcome.paymentDate,
    });
    if (refund) await startRefund(refund);
    return outcome;
  }
  if (outcome.wakeLoan) {
    try {
      await getExternalWorkflowHandle(loanWorkflowId(outcome.loanId)).signal(paymentReceivedSignal, {
        paymentId: outcome.paymentId,
        paymentDate: outcome.paymentDate,
      });
    } catch {
      // The loan workflow has ended (closed, withdrawn, in collection): the payment is in the
      // ledger, any surplus as customer credit, and there is nothing left to wake.
    }
  }
  return outcome;
}
