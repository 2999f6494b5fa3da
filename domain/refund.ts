/**
 * R-PAY-4: whatever the lender owes the customer — a payment beyond the whole debt, the excess of a
 * withdrawal (interest only to the day repaid, R-LOAN-8) or of an early repayment (R-LOAN-7), fees
 * refunded on withdrawal, credit on a closed loan — is paid back to the customer's stated account,
 * exactly once, with a notice. The credit is the ledger's `customer_credit`; a refund takes what
 * is not yet in another refund. A loan in collection owes the customer what was paid beyond the
 * case's claim (R-COLL-9) and what is paid once the case has ended without a claim left.
 */
import { type Decimal, maxAmount, ZERO } from './money';

export const REFUND_REASONS = [
  'overpayment',
  'withdrawal',
  'early-repayment',
  'closed-loan-credit',
  'collection-overpayment',
  'closed-case-credit',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * PENDING: being paid (retried while the bank is unreachable); PAID: the bank accepted the payout
 * (booked for its execution date); FAILED: the bank refused it, or no account is known: an operator
 * retries, with the customer's account if it was missing or wrong.
 */
export const REFUND_STATUSES = ['PENDING', 'PAID', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * What opens a refund: the loan closing, a payment to an ended loan (closed, withdrawn, or in
 * collection with its case ended paid or written off: nothing is claimed any more), a collection
 * case paid beyond its claim (R-COLL-9: the payment that did it, or the case closing paid).
 */
export type RefundTrigger = 'loan-closed' | 'payment-after-end' | 'case-overpaid';

/** Why the credit is owed: the loan ended withdrawn, repaid early, or simply paid beyond its debt. */
export function refundReason(loan: {
  trigger: RefundTrigger;
  /** The loan was handed over to collection (its status IN_COLLECTION). */
  inCollection: boolean;
  withdrawn: boolean;
  settledEarlyRepayment: boolean;
}): RefundReason {
  if (loan.trigger === 'case-overpaid') return 'collection-overpayment';
  if (loan.trigger === 'payment-after-end') return loan.inCollection ? 'closed-case-credit' : 'closed-loan-credit';
  if (loan.withdrawn) return 'withdrawal';
  if (loan.settledEarlyRepayment) return 'early-repayment';
  return 'overpayment';
}

/**
 * What a new refund pays: the credit the ledger holds for the customer (`customer_credit` is a
 * credit balance, negative) less what refunds not yet paid out already take.
 */
export function refundableAmount(customerCreditBalance: Decimal, unpaidRefunds: Decimal): Decimal {
  return maxAmount(ZERO, customerCreditBalance.negated().minus(unpaidRefunds));
}

/** Only a failed refund is retried; a pending one is still being paid, a paid one is done. */
export function canRetryRefund(status: RefundStatus): boolean {
  return status === 'FAILED';
}

/** The payout's text on the customer's statement (the bank takes 1–35 characters). */
export function refundPayoutReference(contractNumber: string): string {
  return `Återbetalning lån ${contractNumber}`.slice(0, 35);
}

/** The idempotency key the bank gets: a new attempt only after the bank refused the last one. */
export function refundPayoutKey(refundId: string, attempt: number): string {
  return `${refundId}:payout:${attempt}`;
}

/** The refund's workflow (workflows/refund.ts): one per refund. */
export function refundWorkflowId(refundId: string): string {
  return `refund-${refundId}`;
}
