/**
 * R-COLL-1: the case's claim read from the ledger, with default interest posted up to the date
 * asked for, so every balance anyone reads is exact to that day.
 */
import {
  caseLedgerLines,
  casePaidTotal,
  type CollectionCaseRow,
  updateCollectionCase,
} from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { postInTransaction } from '../../db/ledger-repository';
import { findLoan } from '../../db/loan-repository';
import { caseDefaultInterest, type Claim, claimFromLines, claimView, type ClaimView } from '../../domain/collection';
import type { CollectionStage, CollectionStatus } from '../../domain/collection-case';
import { caseChargePosting } from '../../domain/collection-ledger';
import { compareDates, type IsoDate } from '../../domain/dates';
import { Decimal, formatAmount } from '../../domain/money';

/** What every collection activity returns: the case as the ledger and its row say on `date`. */
export interface CaseSnapshot {
  caseId: string;
  caseNumber: string;
  status: CollectionStatus;
  stage: CollectionStage | null;
  deadline: IsoDate | null;
  date: IsoDate;
  claim: ClaimView;
  /** Everything paid to the case so far. */
  paid: string;
  /** The loan's nominal rate: default interest runs at it + 5 pp (R-COLL-1). */
  nominalRatePercent: string;
}

export async function loanOfCase(db: Db, row: CollectionCaseRow) {
  const loan = await findLoan(db, row.loan_id);
  if (!loan) throw new Error(`collection case ${row.id}: loan ${row.loan_id} not found`);
  return loan;
}

/**
 * R-COLL-1, R-LOAN-3: posts the default interest on the principal part from the day after the
 * last accrual up to and including `date`, once per (case, date). Call under the case's row lock.
 */
export async function accrueCaseDefaultInterest(trx: Db, row: CollectionCaseRow, date: IsoDate): Promise<void> {
  const from = row.default_interest_accrued_until;
  if (!from || compareDates(date, from) <= 0) return;
  const loan = await loanOfCase(trx, row);
  const claim = claimFromLines(await caseLedgerLines(trx, row.id));
  const interest = caseDefaultInterest({
    principal: claim.principal,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    from,
    until: date,
  });
  if (interest.greaterThan(0)) {
    await postInTransaction(
      trx,
      caseChargePosting({
        loanId: row.loan_id,
        caseId: row.id,
        date,
        kind: 'default-interest',
        amount: interest,
        idempotencyKey: `${row.id}:default-interest:${date}`,
      }),
    );
  }
  await updateCollectionCase(trx, row.id, { default_interest_accrued_until: date });
  row.default_interest_accrued_until = date;
}

export async function caseClaim(db: Db, caseId: string): Promise<Claim> {
  return claimFromLines(await caseLedgerLines(db, caseId));
}

export async function snapshotOf(db: Db, row: CollectionCaseRow, date: IsoDate): Promise<CaseSnapshot> {
  const fresh = (await db.selectFrom('collection_cases').selectAll().where('id', '=', row.id).executeTakeFirst())!;
  return {
    caseId: fresh.id,
    caseNumber: fresh.case_number!,
    status: fresh.status,
    stage: fresh.stage,
    deadline: fresh.deadline,
    date,
    claim: claimView(await caseClaim(db, fresh.id)),
    paid: formatAmount(await casePaidTotal(db, fresh.loan_id)),
    nominalRatePercent: (await loanOfCase(db, fresh)).nominal_rate_percent,
  };
}
