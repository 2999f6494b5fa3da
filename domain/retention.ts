/**
 * Personal-data retention (R-SEC-2: personal data is "deletable per the retention rules";
 * ARCHITECTURE.md "Personal data"). DOMAIN.md names no period, so the period is a product decision,
 * kept here as one typed parameter:
 *
 * An application that never became a loan (rejected, expired, offer expired, deleted by the vendor,
 * cancelled by the customer) keeps its applicants' personal data — personal identity numbers,
 * email and phone, the KALP/KYC answers, the payout account, consolidation references, income
 * verification details and the mailbox notices about it — for `applicationWithoutLoanDays` after it
 * closed (default 90 days: long enough for questions and complaints about the decision, R-LOAN-9,
 * and longer than the R-APP-6 prefill window of 30 days, which needs the earlier answers). Then the
 * personal data is erased and the non-personal projection stays: status, dates, amounts, offer
 * figures, decision outcome, event history (which never held personal data).
 *
 * A PAYOUT_FAILED application is not erased automatically: money may have left, an operator
 * follows it up. Applications that became loans follow the loan's retention (not here).
 *
 * The same rule for the personal data of two records that end before the loan or case they serve:
 * - a direct-debit (autogiro) mandate that ended — cancelled (by the customer, an operator or the
 *   payer's bank) or never signed (FAILED) — keeps the payer's personnummer, account and BankID
 *   signature for `endedMandateDays` after it ended (default 90), then they are erased; the row
 *   (status, dates, the draws made under it) stays. A live mandate is never erased: it is in use.
 * - a collection power of attorney (R-COLL-8) that ended — revoked, its signing failed, or past the
 *   date it was given until — keeps the helper's personnummer for `endedPowerOfAttorneyDays` after
 *   it ended (default 90), then it is erased; the helper's customer id stays, so every act recorded
 *   as the helper's still names who acted (pseudonymous, as the rest of the history).
 */
import type { ApplicationStatus } from './application';

export interface RetentionParameters {
  /** Days after an application without a loan closed until its personal data is erased. */
  applicationWithoutLoanDays: number;
  /** Days after a direct-debit mandate ended until the payer's data is erased. Default 90. */
  endedMandateDays?: number;
  /** Days after a power of attorney ended until the helper's personnummer is erased. Default 90. */
  endedPowerOfAttorneyDays?: number;
}

export const DEFAULT_RETENTION: RetentionParameters = Object.freeze({
  applicationWithoutLoanDays: 90,
  endedMandateDays: 90,
  endedPowerOfAttorneyDays: 90,
});

/** Mandate statuses that have ended (their payer's data is erased after the period). */
export const ENDED_MANDATE_STATUSES = ['FAILED', 'CANCELLED'] as const;

/** Power-of-attorney statuses that have ended (an ACTIVE one ends at its date). */
export const ENDED_POWER_OF_ATTORNEY_STATUSES = ['REVOKED', 'SIGNING_FAILED'] as const;

/** The closed statuses whose personal data is erased after the retention period. */
export const ERASABLE_APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'REJECTED',
  'EXPIRED',
  'OFFER_EXPIRED',
  'DELETED',
  'CANCELLED',
];

const DAY_MS = 86_400_000;

/** Applications closed before this instant are due for erasure at `now`. */
export function erasureCutoff(now: Date, retention: RetentionParameters = DEFAULT_RETENTION): Date {
  if (!Number.isInteger(retention.applicationWithoutLoanDays) || retention.applicationWithoutLoanDays < 0) {
    throw new RangeError('applicationWithoutLoanDays must be a non-negative whole number of days');
  }
  return new Date(now.getTime() - retention.applicationWithoutLoanDays * DAY_MS);
}

function daysBefore(now: Date, days: number, name: string): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`${name} must be a non-negative whole number of days`);
  return new Date(now.getTime() - days * DAY_MS);
}

/** Mandates that ended before this instant are due for erasure at `now`. */
export function mandateErasureCutoff(now: Date, retention: RetentionParameters = DEFAULT_RETENTION): Date {
  return daysBefore(now, retention.endedMandateDays ?? DEFAULT_RETENTION.endedMandateDays!, 'endedMandateDays');
}

/** Powers of attorney that ended before this instant are due for erasure at `now`. */
export function powerOfAttorneyErasureCutoff(now: Date, retention: RetentionParameters = DEFAULT_RETENTION): Date {
  return daysBefore(
    now,
    retention.endedPowerOfAttorneyDays ?? DEFAULT_RETENTION.endedPowerOfAttorneyDays!,
    'endedPowerOfAttorneyDays',
  );
}

/** Whether an application is due for erasure at `now`. */
export function isDueForErasure(
  application: { status: string; loanId: string | null; closedAt: Date | null; erasedAt: Date | null },
  now: Date,
  retention: RetentionParameters = DEFAULT_RETENTION,
): boolean {
  return (
    application.erasedAt === null &&
    application.loanId === null &&
    application.closedAt !== null &&
    (ERASABLE_APPLICATION_STATUSES as readonly string[]).includes(application.status) &&
    application.closedAt.getTime() < erasureCutoff(now, retention).getTime()
  );
}
