/**
 * R-COLL-9: a payment to a loan in collection (to the case's OCR reference, or to the loan's own
 * after the handover, R-PAY-1) is applied to the case at once: default interest posted up to the
 * payment date, then the payment allocated fees → interest → principal; anything beyond the claim
 * is owed back to the customer (R-PAY-4). A repeat returns the first outcome.
 */
import { type CollectionCaseRow, lockCollectionCase, recordCaseEvent } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { postInTransaction } from '../../db/ledger-repository';
import { findPayment, markPaymentApplied } from '../../db/loan-repository';
import { allocateCasePayment, claimTotal } from '../../domain/collection';
import { casePaymentPosting } from '../../domain/collection-ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { accrueCaseDefaultInterest, caseClaim } from './case-ledger';

export interface CasePaymentOutcome {
  caseId: string;
  caseNumber: string;
  amount: string;
  excess: string;
  /** What the case still claims after the payment. */
  balance: string;
}

/** Whether a loan's case (one per loan) is open and its claim moved under it: payments go to it. */
export function isCaseOpen(row: Pick<CollectionCaseRow, 'case_number' | 'status'>): boolean {
  return !!row.case_number && row.status === 'OPEN';
}

/** Applies the payment to the case; call in the payment's transaction, with the payment row unlocked-read. */
export async function applyPaymentToCase(trx: Db, paymentId: string, caseId: string): Promise<CasePaymentOutcome> {
  const row = await lockCollectionCase(trx, caseId);
  const payment = (await findPayment(trx, paymentId))!;
  const stored = payment.allocation as (Partial<CasePaymentOutcome> & { caseId?: string }) | null;
  if (payment.status === 'APPLIED' && stored?.caseId) {
    return {
      caseId,
      caseNumber: row.case_number!,
      amount: payment.amount,
      excess: stored.excess ?? '0.00',
      balance: stored.balance ?? '0.00',
    };
  }
  await accrueCaseDefaultInterest(trx, row, payment.payment_date);
  const allocation = allocateCasePayment(new Decimal(payment.amount), row.id, await caseClaim(trx, row.id));
  await postInTransaction(
    trx,
    casePaymentPosting({ loanId: row.loan_id, caseId: row.id, paymentId, date: payment.payment_date, allocation }),
  );
  const balance = formatAmount(claimTotal(await caseClaim(trx, row.id)));
  const excess = formatAmount(allocation.excess);
  await markPaymentApplied(trx, paymentId, {
    caseId: row.id,
    lines: allocation.items.flatMap((i) =>
      i.lines.filter((l) => !l.allocated.isZero()).map((l) => ({ kind: l.kind, amount: formatAmount(l.allocated) })),
    ),
    excess,
    balance,
  });
  await recordCaseEvent(trx, {
    caseId: row.id,
    idempotencyKey: `${row.id}:payment:${paymentId}`,
    date: payment.payment_date,
    kind: 'payment',
    detail: { amount: payment.amount, balance },
  });
  return { caseId: row.id, caseNumber: row.case_number!, amount: payment.amount, excess, balance };
}
