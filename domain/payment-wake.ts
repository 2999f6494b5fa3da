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
