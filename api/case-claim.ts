/**
 * A collection case's claim as anyone reads it: exact to today (R-COLL-1, R-COLL-2). Shared by the
 * case routes and the pages.
 */
import { type CaseListRow, caseLedgerLines } from '../db/collection-case-repository';
import { findLoan } from '../db/loan-repository';
import { claimFromLines, claimOn } from '../domain/collection';
import { compareDates } from '../domain/dates';
import { Decimal } from '../domain/money';
import type { ApiDeps } from './deps';
import { stockholmToday } from './schemas';

/** What the ledger holds for the case plus, while it is open, default interest up to today (R-COLL-1). */
export async function caseClaimToday(deps: ApiDeps, row: CaseListRow) {
  const loan = (await findLoan(deps.db, row.loan_id))!;
  const posted = claimFromLines(await caseLedgerLines(deps.db, row.id));
  const today = stockholmToday();
  const accruedUntil = row.default_interest_accrued_until ?? today;
  return row.status === 'OPEN' && compareDates(accruedUntil, today) < 0
    ? claimOn({
        claim: posted,
        nominalRatePercent: new Decimal(loan.nominal_rate_percent),
        accruedUntil,
        date: today,
      })
    : posted;
}
