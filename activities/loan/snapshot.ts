/** The loan as the ledger and the loan's records say it is now: what every loan activity returns. */
import type { Db } from '../../db/database';
import { latestEarlyRepaymentStatus } from '../../db/early-repayment-repository';
import { loanAccountBalances, openInvoiceItems } from '../../db/ledger-repository';
import { findLoanOrThrow, invoiceDunning } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import type { IsoDate } from '../../domain/dates';
import { customerDebt } from '../../domain/ledger';
import { formatAmount } from '../../domain/money';
import type { EarlyRepaymentOrder } from '../../domain/loan-actions';

export interface LoanSnapshot {
  status: string;
  /** Principal not yet invoiced. */
  principalOutstanding: string;
  /** Everything the customer owes. */
  debt: string;
  termMonths: number;
  openInvoices: {
    number: number;
    dueDate: IsoDate;
    lateFeeCharged: boolean;
    reminderSent: boolean;
    /** What is still unpaid on it. */
    remaining: string;
  }[];
  /** The latest early repayment order's status, if any. */
  earlyRepaymentStatus: EarlyRepaymentOrder['status'] | null;
}

export async function loanSnapshot(db: Db, loanId: string): Promise<LoanSnapshot> {
  const loan = await findLoanOrThrow(db, loanId);
  const [balances, items, orderStatus] = await Promise.all([
    loanAccountBalances(db, loanId),
    openInvoiceItems(db, loanId),
    latestEarlyRepaymentStatus(db, loanId),
  ]);
  const rows = await invoiceDunning(
    db,
    loanId,
    items.map((i) => Number(i.id)),
  );
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  return {
    status: loan.status,
    principalOutstanding: formatAmount(balances.principal_outstanding),
    debt: formatAmount(customerDebt(balances)),
    termMonths: loan.term_months,
    openInvoices: items.map((i) => ({
      number: Number(i.id),
      dueDate: i.dueDate,
      lateFeeCharged: !!byNumber.get(Number(i.id))?.late_fee_charged_on,
      reminderSent: !!byNumber.get(Number(i.id))?.reminder_sent_on,
      remaining: formatAmount(totalRemaining([i])),
    })),
    earlyRepaymentStatus: (orderStatus as EarlyRepaymentOrder['status'] | undefined) ?? null,
  };
}
