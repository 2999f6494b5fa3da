/**
 * The collection case's postings (R-COLL-1, R-COLL-9), each balanced like every posting in
 * domain/ledger.ts. The case's claim stays in the loan's receivable accounts, tagged with the case:
 * the handover moves every open loan line (and the principal not yet invoiced) under the case, so
 * the customer's debt is unchanged by it and the loan's own open items are empty.
 */
import type { AllocationResult, OpenLineKind } from './allocation';
import type { IsoDate } from './dates';
import { assertBalanced, type LedgerEntry, type Posting, receivableAccountOf } from './ledger';
import { Decimal, ZERO } from './money';

/** The line a loan line is held under in the case: the collection fee keeps its kind, other fees are fees. */
export function caseLineKind(kind: OpenLineKind): OpenLineKind {
  switch (kind) {
    case 'principal':
    case 'interest':
    case 'default-interest':
    case 'collection-fee':
      return kind;
    default:
      return 'other-fee';
  }
}

export interface LoanLine {
  invoiceNumber: number;
  kind: OpenLineKind;
  remaining: Decimal;
}

/** R-COLL-1: the whole claim moves from the loan's invoices under the case. */
export function claimTransferPosting(input: {
  loanId: string;
  caseId: string;
  date: IsoDate;
  loanLines: readonly LoanLine[];
  principalOutstanding: Decimal;
}): Posting {
  const entries: LedgerEntry[] = [];
  for (const line of input.loanLines) {
    if (line.remaining.isZero()) continue;
    entries.push({
      account: receivableAccountOf(line.kind),
      amount: line.remaining.negated(),
      invoiceNumber: line.invoiceNumber,
      lineKind: line.kind,
    });
    const kind = caseLineKind(line.kind);
    entries.push({ account: receivableAccountOf(kind), amount: line.remaining, lineKind: kind, caseId: input.caseId });
  }
  if (!input.principalOutstanding.isZero()) {
    entries.push({ account: 'principal_outstanding', amount: input.principalOutstanding.negated() });
    entries.push({
      account: 'principal_invoiced',
      amount: input.principalOutstanding,
      lineKind: 'principal',
      caseId: input.caseId,
    });
  }
  return assertBalanced({
    idempotencyKey: `${input.caseId}:claim-transfer`,
    loanId: input.loanId,
    type: 'collection-transfer',
    businessDate: input.date,
    entries,
  });
}

/** A charge on the case: default interest accrued (R-COLL-1), a plan fee (R-COLL-6). */
export function caseChargePosting(input: {
  loanId: string;
  caseId: string;
  date: IsoDate;
  kind: 'default-interest' | 'other-fee' | 'collection-fee';
  amount: Decimal;
  idempotencyKey: string;
}): Posting {
  return assertBalanced({
    idempotencyKey: input.idempotencyKey,
    loanId: input.loanId,
    type: 'case-charge',
    businessDate: input.date,
    entries: [
      { account: receivableAccountOf(input.kind), amount: input.amount, lineKind: input.kind, caseId: input.caseId },
      {
        account: input.kind === 'default-interest' ? 'interest_income' : 'fee_income',
        amount: input.amount.negated(),
      },
    ],
  });
}

/** R-COLL-9: a payment to the case settles its lines as allocated; beyond the claim it is owed back (R-PAY-4). */
export function casePaymentPosting(input: {
  loanId: string;
  caseId: string;
  paymentId: string;
  date: IsoDate;
  allocation: AllocationResult;
}): Posting {
  const entries: LedgerEntry[] = [{ account: 'bank', amount: input.allocation.payment }];
  for (const item of input.allocation.items) {
    for (const line of item.lines) {
      if (line.allocated.isZero()) continue;
      entries.push({
        account: receivableAccountOf(line.kind),
        amount: line.allocated.negated(),
        lineKind: line.kind,
        caseId: input.caseId,
      });
    }
  }
  if (input.allocation.excess.greaterThan(ZERO)) {
    entries.push({ account: 'customer_credit', amount: input.allocation.excess.negated() });
  }
  return assertBalanced({
    idempotencyKey: `${input.loanId}:payment:${input.paymentId}`,
    loanId: input.loanId,
    type: 'case-payment',
    businessDate: input.date,
    entries,
  });
}

/**
 * What an operator gives up: the whole remaining claim (R-COLL-3 write-off) or part of it (a
 * dispute upheld in part, R-COLL-7), taken off the case's lines into credit losses.
 */
export function caseWriteOffPosting(input: {
  loanId: string;
  caseId: string;
  date: IsoDate;
  lines: readonly { kind: OpenLineKind; amount: Decimal }[];
  idempotencyKey: string;
}): Posting {
  const entries: LedgerEntry[] = [];
  let total = ZERO;
  for (const line of input.lines) {
    if (line.amount.isZero()) continue;
    entries.push({
      account: receivableAccountOf(line.kind),
      amount: line.amount.negated(),
      lineKind: line.kind,
      caseId: input.caseId,
    });
    total = total.plus(line.amount);
  }
  entries.push({ account: 'credit_losses', amount: new Decimal(total) });
  return assertBalanced({
    idempotencyKey: input.idempotencyKey,
    loanId: input.loanId,
    type: 'write-off',
    businessDate: input.date,
    entries,
  });
}
