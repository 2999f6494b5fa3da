/** The loan as the ledger and the loan's records say it is now: what every loan activity returns. */
import type { Db } from '../../db/database';
import { latestEarlyRepaymentStatus } from '../../db/early-repayment-repository';
import { loanAccountBalances, openInvoiceItemsWithDunning } from '../../db/ledger-repository';
import { findLoanOrThrow, type LoanRow } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import type { IsoDate } from '../../domain/dates';
import { customerDebt, type LedgerAccount } from '../../domain/ledger';
import { type Decimal, formatAmount } from '../../domain/money';
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

/**
 * What the transaction that calls it already holds need not be read again: `known.loan` (its
 * locked row, when the transaction has not changed its status or term) and `known.balances` (the
 * balances it read, plus the postings it wrote: ledgerBalancesAfter).
 */
export async function loanSnapshot(
  db: Db,
  loanId: string,
  known: { loan?: Pick<LoanRow, 'status' | 'term_months'>; balances?: Record<LedgerAccount, Decimal> } = {},
): Promise<LoanSnapshot> {
  const loan = known.loan ?? (await findLoanOrThrow(db, loanId));
  const balances = known.balances ?? (await loanAccountBalances(db, loanId));
  const [items, orderStatus] = await Promise.all([
    openInvoiceItemsWithDunning(db, loanId),
    latestEarlyRepaymentStatus(db, loanId),
  ]);
  return {
    status: loan.status,
    principalOutstanding: formatAmount(balances.principal_outstanding),
    debt: formatAmount(customerDebt(balances)),
    termMonths: loan.term_months,
    openInvoices: items.map((i) => ({
      number: Number(i.id),
      dueDate: i.dueDate,
      lateFeeCharged: !!i.lateFeeChargedOn,
      reminderSent: !!i.reminderSentOn,
      remaining: formatAmount(totalRemaining([i])),
    })),
    earlyRepaymentStatus: (orderStatus as EarlyRepaymentOrder['status'] | undefined) ?? null,
  };
}
