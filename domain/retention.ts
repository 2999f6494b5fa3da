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
 */
import type { ApplicationStatus } from './application';

export interface RetentionParameters {
  /** Days after an application without a loan closed until its personal data is erased. */
  applicationWithoutLoanDays: number;
}

export const DEFAULT_RETENTION: RetentionParameters = Object.freeze({ applicationWithoutLoanDays: 90 });

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
