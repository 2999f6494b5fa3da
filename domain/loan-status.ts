/**
 * Where a loan is in its life, as the loans table records it (R-LOAN-1…8): which statuses still
 * run (invoices issued, payments allocated as usual) and which have ended.
 */

/** Invoices are issued and payments allocated as usual (a termination notice can still be cured, R-LOAN-4). */
export const RUNNING_LOAN_STATUSES: readonly string[] = ['ACTIVE', 'TERMINATION_NOTICE'];

/** The loan's workflow has ended: nothing can be changed or paid any more. */
export const ENDED_LOAN_STATUSES = ['CLOSED', 'IN_COLLECTION', 'WITHDRAWN'] as const;

export function isRunningLoanStatus(status: string): boolean {
  return RUNNING_LOAN_STATUSES.includes(status);
}

export function isEndedLoanStatus(status: string): boolean {
  return (ENDED_LOAN_STATUSES as readonly string[]).includes(status);
}

/**
 * R-LOAN-2: whether the loan workflow must look at an applied payment: it paid something overdue,
 * cleared the debt, settled an early repayment, or arrived while the loan is not simply running.
 * Payments of invoices not yet due are applied without waking the loan.
 */
export function paymentWakesLoan(payment: {
  somethingWasOverdue: boolean;
  debtLeft: boolean;
  settledEarlyRepayment: boolean;
  loanStatus: string;
}): boolean {
  return (
    payment.somethingWasOverdue || !payment.debtLeft || payment.settledEarlyRepayment || payment.loanStatus !== 'ACTIVE'
  );
}
