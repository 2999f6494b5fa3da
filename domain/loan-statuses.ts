/**
 * The statuses of a loan and of what belongs to it, one vocabulary each: the values the database
 * columns hold (db/database.ts types the columns with them) and the API and the workflow read.
 */

/**
 * A loan's status in the loans table (R-LOAN-4, R-LOAN-8). Running: ACTIVE, or ACTIVE with a
 * termination notice or an unpaid withdrawal pending (TERMINATION_NOTICE, WITHDRAWAL_PENDING);
 * ended: CLOSED (repaid), WITHDRAWN (withdrawal repaid) or IN_COLLECTION (handed over).
 */
export const LOAN_STATUSES = [
  'ACTIVE',
  'TERMINATION_NOTICE',
  'WITHDRAWAL_PENDING',
  'CLOSED',
  'WITHDRAWN',
  'IN_COLLECTION',
] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/**
 * The loan workflow's own coarser view of the same vocabulary: it runs as ACTIVE whatever notice
 * or withdrawal is pending, and ends in one of the ended statuses, which it writes to the table.
 */
export type LoanLifecycleStatus = Extract<LoanStatus, 'ACTIVE' | 'CLOSED' | 'WITHDRAWN' | 'IN_COLLECTION'>;

/** A loan in one of these has ended: no action, payment or invoice changes it any more. */
export const ENDED_LOAN_STATUSES: readonly LoanStatus[] = ['CLOSED', 'WITHDRAWN', 'IN_COLLECTION'];

/** A loan still running (its workflow runs; payments and actions reach it). */
export const RUNNING_LOAN_STATUSES: readonly LoanStatus[] = ['ACTIVE', 'TERMINATION_NOTICE', 'WITHDRAWAL_PENDING'];

export function hasLoanEnded(status: string): boolean {
  return (ENDED_LOAN_STATUSES as readonly string[]).includes(status);
}

/**
 * Invoices are issued, reminders sent and payments allocated as usual (a termination notice can
 * still be cured, R-LOAN-4); a pending withdrawal has cancelled its invoices (R-LOAN-8).
 */
export const INVOICED_LOAN_STATUSES: readonly LoanStatus[] = ['ACTIVE', 'TERMINATION_NOTICE'];

export function isInvoicedLoanStatus(status: string): boolean {
  return (INVOICED_LOAN_STATUSES as readonly string[]).includes(status);
}

/** An invoice (R-LOAN-1): open until paid in full; cancelled by a withdrawal (R-LOAN-8). */
export type InvoiceStatus = 'OPEN' | 'PAID' | 'CANCELLED';

/** A payment (R-LOAN-2): unmatched (SUSPENSE), matched to a loan (RECEIVED), applied to its ledger. */
export type PaymentStatus = 'SUSPENSE' | 'RECEIVED' | 'APPLIED';

/** A termination notice (R-LOAN-4): OPEN for its notice period, then CURED or EXPIRED. */
export type TerminationNoticeStatus = 'OPEN' | 'CURED' | 'EXPIRED';

/** A rate change (R-LOAN-5): SCHEDULED when announced, APPLIED when its first installment is invoiced. */
export type RateChangeStatus = 'SCHEDULED' | 'APPLIED';

/** A payment-free month (R-LOAN-6): GRANTED, APPLIED when its month comes (interest added, term extended). */
export type PaymentFreeMonthStatus = 'GRANTED' | 'APPLIED';

/** An early repayment order (R-LOAN-7): CONFIRMED, then SETTLED by a payment or EXPIRED. */
export type EarlyRepaymentOrderStatus = 'CONFIRMED' | 'SETTLED' | 'EXPIRED';

/** A withdrawal (R-LOAN-8): AWAITING_REPAYMENT within 30 days, then REPAID or OVERDUE. */
export type WithdrawalStatus = 'AWAITING_REPAYMENT' | 'REPAID' | 'OVERDUE';
