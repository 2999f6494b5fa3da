/**
 * The loan's double-entry ledger (ARCHITECTURE.md "Sources of truth"): every posting is a balanced
 * set of entries (debit positive, credit negative) so the sum over every loan's entries is zero.
 * This module builds postings from business facts; db/ledger-repository.ts stores them.
 *
 * The customer's debt is the sum of the receivable accounts; what is left unpaid on an invoice line
 * is the sum of the receivable entries tagged with that invoice number and line kind.
 */
import type { AllocationResult, OpenLineKind } from './allocation';
import type { IsoDate } from './dates';
import { Decimal, maxAmount, minAmount, sumAmounts, ZERO } from './money';

export const RECEIVABLE_ACCOUNTS = [
  /** Principal not yet invoiced. */
  'principal_outstanding',
  /** Invoiced principal not yet paid. */
  'principal_invoiced',
  'interest_receivable',
  'default_interest_receivable',
  'fees_receivable',
] as const;

export const LEDGER_ACCOUNTS = [
  ...RECEIVABLE_ACCOUNTS,
  'bank',
  'interest_income',
  'fee_income',
  /** Money the lender owes the customer: a payment beyond the whole debt, to be refunded. */
  'customer_credit',
  /** A claim the lender gave up (R-COLL-3: a collection case written off). */
  'credit_losses',
] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];
export type ReceivableAccount = (typeof RECEIVABLE_ACCOUNTS)[number];

export type PostingType =
  | 'disbursement'
  | 'capitalised-interest'
  | 'invoice'
  | 'late-fee'
  | 'reminder-fee'
  | 'default-interest'
  | 'collection-fee'
  | 'payment'
  | 'credit'
  // R-PAY-1: a charge a late-registered payment would have prevented, taken back.
  | 'reversal'
  | 'refund'
  | 'set-off'
  // R-PAY-4: what the lender owed the customer, paid back to their account.
  | 'refund-payout'
  // R-COLL-1, R-COLL-9: postings under a collection case (domain/collection-ledger.ts).
  | 'collection-transfer'
  | 'case-charge'
  | 'case-payment'
  | 'write-off';

export interface LedgerEntry {
  account: LedgerAccount;
  /** Debit positive, credit negative, öre precision. */
  amount: Decimal;
  /** The invoice and line a receivable entry belongs to (null for principal_outstanding). */
  invoiceNumber?: number;
  lineKind?: OpenLineKind;
  /** The collection case a receivable entry belongs to (R-COLL-1). */
  caseId?: string;
}

export interface Posting {
  /** Unique: a repeated posting with the same key is the same fact (idempotent activities). */
  idempotencyKey: string;
  loanId: string;
  type: PostingType;
  businessDate: IsoDate;
  entries: LedgerEntry[];
}

export class UnbalancedPostingError extends Error {
  constructor(
    readonly idempotencyKey: string,
    readonly sum: string,
  ) {
    super(`posting ${idempotencyKey} does not balance: entries sum to ${sum}`);
    this.name = 'UnbalancedPostingError';
  }
}

/** Throws unless the entries sum to exactly zero and every amount is in öre. */
export function assertBalanced(posting: Posting): Posting {
  const sum = sumAmounts(posting.entries.map((e) => e.amount));
  const oreOnly = posting.entries.every((e) => e.amount.decimalPlaces() <= 2);
  if (!sum.isZero() || !oreOnly) throw new UnbalancedPostingError(posting.idempotencyKey, sum.toString());
  return posting;
}

const RECEIVABLE_OF_LINE: Record<OpenLineKind, ReceivableAccount> = {
  principal: 'principal_invoiced',
  interest: 'interest_receivable',
  'default-interest': 'default_interest_receivable',
  'setup-fee': 'fees_receivable',
  'notice-fee': 'fees_receivable',
  'late-fee': 'fees_receivable',
  'reminder-fee': 'fees_receivable',
  'collection-fee': 'fees_receivable',
  'other-fee': 'fees_receivable',
};

const INCOME_OF_LINE = (kind: OpenLineKind): LedgerAccount =>
  kind === 'interest' || kind === 'default-interest' ? 'interest_income' : 'fee_income';

export function receivableAccountOf(kind: OpenLineKind): ReceivableAccount {
  return RECEIVABLE_OF_LINE[kind];
}

/** Payout: the customer owes the amount paid out from the bank. */
export function disbursementPosting(loanId: string, payoutDate: IsoDate, amount: Decimal): Posting {
  return assertBalanced({
    idempotencyKey: `${loanId}:disbursement`,
    loanId,
    type: 'disbursement',
    businessDate: payoutDate,
    entries: [
      { account: 'principal_outstanding', amount },
      { account: 'bank', amount: amount.negated() },
    ],
  });
}

/**
 * R-PROD-4: interest from payout to the first interest period is added to the debt; so is the
 * interest of a payment-free month (R-LOAN-6, its own key). A negative amount reverses it (R-LOAN-8).
 */
export function capitalisedInterestPosting(
  loanId: string,
  payoutDate: IsoDate,
  interest: Decimal,
  idempotencyKey = `${loanId}:capitalised-interest`,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: 'capitalised-interest',
    businessDate: payoutDate,
    entries: [
      { account: 'principal_outstanding', amount: interest },
      { account: 'interest_income', amount: interest.negated() },
    ],
  });
}

export interface InvoiceLine {
  kind: OpenLineKind;
  amount: Decimal;
}

/**
 * R-LOAN-1: an invoice moves its principal from outstanding to invoiced and makes its interest and
 * fees receivable (earned as income when invoiced).
 */
export function invoicePosting(
  loanId: string,
  invoiceNumber: number,
  issueDate: IsoDate,
  lines: readonly InvoiceLine[],
): Posting {
  const entries: LedgerEntry[] = [];
  for (const line of lines) {
    if (line.amount.isZero()) continue;
    entries.push({ account: receivableAccountOf(line.kind), amount: line.amount, invoiceNumber, lineKind: line.kind });
    entries.push({
      account: line.kind === 'principal' ? 'principal_outstanding' : INCOME_OF_LINE(line.kind),
      amount: line.amount.negated(),
    });
  }
  return assertBalanced({
    idempotencyKey: `${loanId}:invoice:${invoiceNumber}`,
    loanId,
    type: 'invoice',
    businessDate: issueDate,
    entries,
  });
}

/**
 * A charge added to an existing invoice (late fee, reminder fee, default interest: R-LOAN-3; the
 * collection fee at handover: R-COLL-1).
 */
export function chargePosting(
  loanId: string,
  invoiceNumber: number,
  businessDate: IsoDate,
  kind: 'late-fee' | 'reminder-fee' | 'default-interest' | 'collection-fee',
  amount: Decimal,
  idempotencyKey: string,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: kind,
    businessDate,
    entries: [
      { account: receivableAccountOf(kind), amount, invoiceNumber, lineKind: kind },
      { account: INCOME_OF_LINE(kind), amount: amount.negated() },
    ],
  });
}

/**
 * R-LOAN-2: a payment into the bank settles receivables as allocated; the excess reduces principal
 * not yet invoiced (R-LOAN-7) and whatever exceeds even that is a credit owed back to the customer,
 * so the debt never goes negative.
 */
export function paymentPosting(
  loanId: string,
  paymentId: string,
  paymentDate: IsoDate,
  allocation: AllocationResult,
  principalOutstanding: Decimal,
): Posting {
  const entries: LedgerEntry[] = [{ account: 'bank', amount: allocation.payment }];
  for (const item of allocation.items) {
    for (const line of item.lines) {
      if (line.allocated.isZero()) continue;
      entries.push({
        account: receivableAccountOf(line.kind),
        amount: line.allocated.negated(),
        invoiceNumber: Number(item.id),
        lineKind: line.kind,
      });
    }
  }
  const toPrincipal = minAmount(allocation.excess, maxAmount(ZERO, principalOutstanding));
  const toCredit = allocation.excess.minus(toPrincipal);
  if (toPrincipal.greaterThan(ZERO)) entries.push({ account: 'principal_outstanding', amount: toPrincipal.negated() });
  if (toCredit.greaterThan(ZERO)) entries.push({ account: 'customer_credit', amount: toCredit.negated() });
  return assertBalanced({
    idempotencyKey: `${loanId}:payment:${paymentId}`,
    loanId,
    type: 'payment',
    businessDate: paymentDate,
    entries,
  });
}

/**
 * An invoice line reduced without a payment: interest not earned when a loan is repaid early
 * (R-LOAN-7), an invoice cancelled by a withdrawal (R-LOAN-8). Principal goes back to principal
 * not yet invoiced; interest and fees are taken back from income.
 */
export function creditPosting(
  loanId: string,
  invoiceNumber: number,
  businessDate: IsoDate,
  kind: OpenLineKind,
  amount: Decimal,
  idempotencyKey: string,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: 'credit',
    businessDate,
    entries: [
      { account: receivableAccountOf(kind), amount: amount.negated(), invoiceNumber, lineKind: kind },
      { account: kind === 'principal' ? 'principal_outstanding' : INCOME_OF_LINE(kind), amount },
    ],
  });
}

/**
 * R-PAY-1: a late fee, reminder fee or default interest that a payment judged at its value date
 * would have prevented, taken back from income: off what is still unpaid on the invoice line, and
 * what the customer already paid of it as customer credit. Its own key; the charge stays in the ledger.
 */
export function reversalPosting(
  loanId: string,
  invoiceNumber: number,
  businessDate: IsoDate,
  kind: 'late-fee' | 'reminder-fee' | 'default-interest',
  amount: Decimal,
  remainingOnLine: Decimal,
  idempotencyKey: string,
): Posting {
  const offLine = minAmount(amount, maxAmount(ZERO, remainingOnLine));
  const toCredit = amount.minus(offLine);
  const entries: LedgerEntry[] = [{ account: INCOME_OF_LINE(kind), amount }];
  if (offLine.greaterThan(ZERO))
    entries.push({ account: receivableAccountOf(kind), amount: offLine.negated(), invoiceNumber, lineKind: kind });
  if (toCredit.greaterThan(ZERO)) entries.push({ account: 'customer_credit', amount: toCredit.negated() });
  return assertBalanced({ idempotencyKey, loanId, type: 'reversal', businessDate, entries });
}

/**
 * R-LOAN-7 partial: interest invoiced for the days after a partial early repayment on the principal
 * it repaid is not earned: taken back from income, reducing the principal still owed.
 */
export function unearnedInterestPosting(
  loanId: string,
  businessDate: IsoDate,
  amount: Decimal,
  idempotencyKey: string,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: 'credit',
    businessDate,
    entries: [
      { account: 'interest_income', amount },
      { account: 'principal_outstanding', amount: amount.negated() },
    ],
  });
}

/** Income the lender gives back (fees refunded after a withdrawal, R-LOAN-8; interest paid ahead, R-LOAN-7). */
export function refundPosting(
  loanId: string,
  businessDate: IsoDate,
  from: 'interest_income' | 'fee_income',
  amount: Decimal,
  idempotencyKey: string,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: 'refund',
    businessDate,
    entries: [
      { account: from, amount },
      { account: 'customer_credit', amount: amount.negated() },
    ],
  });
}

/** What the lender owes the customer, set off against an invoice line (R-LOAN-8: fees against the repayment). */
export function setOffPosting(
  loanId: string,
  invoiceNumber: number,
  businessDate: IsoDate,
  kind: OpenLineKind,
  amount: Decimal,
  idempotencyKey: string,
): Posting {
  return assertBalanced({
    idempotencyKey,
    loanId,
    type: 'set-off',
    businessDate,
    entries: [
      { account: 'customer_credit', amount },
      { account: receivableAccountOf(kind), amount: amount.negated(), invoiceNumber, lineKind: kind },
    ],
  });
}

/** R-PAY-4: customer credit paid back to the customer's account: it leaves the bank. */
export function refundPayoutPosting(loanId: string, refundId: string, businessDate: IsoDate, amount: Decimal): Posting {
  return assertBalanced({
    idempotencyKey: `${refundId}:payout`,
    loanId,
    type: 'refund-payout',
    businessDate,
    entries: [
      { account: 'customer_credit', amount },
      { account: 'bank', amount: amount.negated() },
    ],
  });
}

/** Sum per account, from entries (what the repository reads back). */
export function balancesByAccount(
  entries: readonly Pick<LedgerEntry, 'account' | 'amount'>[],
): Record<LedgerAccount, Decimal> {
  const out = Object.fromEntries(LEDGER_ACCOUNTS.map((a) => [a, new Decimal(0)])) as Record<LedgerAccount, Decimal>;
  for (const e of entries) out[e.account] = out[e.account].plus(e.amount);
  return out;
}

/** The balances once `postings` are written on top of `balances` (exact: the same sums the ledger makes). */
export function balancesAfter(
  balances: Readonly<Record<LedgerAccount, Decimal>>,
  postings: readonly Pick<Posting, 'entries'>[],
): Record<LedgerAccount, Decimal> {
  return balancesByAccount([
    ...LEDGER_ACCOUNTS.map((account) => ({ account, amount: balances[account] })),
    ...postings.flatMap((p) => p.entries),
  ]);
}

/** What the customer owes: the sum of the receivable accounts. */
export function customerDebt(balances: Record<LedgerAccount, Decimal>): Decimal {
  return sumAmounts(RECEIVABLE_ACCOUNTS.map((a) => balances[a]));
}
