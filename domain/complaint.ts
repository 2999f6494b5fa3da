/**
 * Complaints ("klagomål", R-LOAN-9): "Den klagande ska få ett skriftligt svar inom 14 dagar från att
 * klagomålet har inkommit" (seed 002 §17). A complaint is answered in writing within 14 days of
 * receipt; an unanswered complaint is escalated to the complaints officer ("klagomålsansvarig")
 * before that deadline.
 *
 * Deadlines are business dates (R-TIME-1): the answer is due on the receipt date + 14 calendar
 * days (the due date itself included). Escalation (product default: day 10) is moved back to a
 * banking day (R-TIME-2), so the officer is told on a working day with working days left before
 * the due date. Pure: no clock; "today" and the receipt date come in as arguments.
 */
import { bankingDayOnOrBefore } from './calendar';
import { addDays, compareDates, type IsoDate } from './dates';
import { hasForbiddenControlCharacter } from './text';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';
import type { FieldViolation } from './refusal';

export const COMPLAINT_STATUSES = ['RECEIVED', 'ESCALATED', 'ANSWERED'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Lengths the API and the workflow accept (characters). */
export const COMPLAINT_LIMITS = Object.freeze({ subjectMax: 200, textMax: 5000, answerMax: 10000 });

export interface ComplaintDeadlines {
  receivedOn: IsoDate;
  /** R-LOAN-9: the officer is told on this date if no answer has gone out. */
  escalateOn: IsoDate;
  /** R-LOAN-9: the last date the written answer may go out. */
  answerDueOn: IsoDate;
}

/** R-LOAN-9: receipt + 14 days. */
export function complaintAnswerDueOn(receivedOn: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  return addDays(receivedOn, product.loan.complaintAnswerDays);
}

/**
 * R-LOAN-9: receipt + the escalation day (default 10), moved back to the last banking day on or
 * before it, but never onto the receipt date itself. Always strictly before the answer due date.
 */
export function complaintEscalationOn(receivedOn: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  const { complaintEscalationDays: days, complaintAnswerDays: due } = product.loan;
  if (!Number.isInteger(days) || days < 1 || days >= due) {
    throw new RangeError(`complaintEscalationDays must be an integer in 1…${due - 1}, got ${days}`);
  }
  const nominal = addDays(receivedOn, days);
  const banking = bankingDayOnOrBefore(nominal);
  return compareDates(banking, receivedOn) > 0 ? banking : nominal;
}

export function complaintDeadlines(
  receivedOn: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): ComplaintDeadlines {
  return {
    receivedOn,
    escalateOn: complaintEscalationOn(receivedOn, product),
    answerDueOn: complaintAnswerDueOn(receivedOn, product),
  };
}

/** R-LOAN-9: answered on or before the due date. */
export function answeredInTime(answeredOn: IsoDate, answerDueOn: IsoDate): boolean {
  return compareDates(answeredOn, answerDueOn) <= 0;
}

/**
 * The instant a timer for a business date fires: 05:00 UTC is that Europe/Stockholm date all year
 * (06:00 CET, 07:00 CEST), before office hours (same convention as the loan workflow).
 */
export function businessMorningMs(date: IsoDate): number {
  return Date.parse(`${date}T05:00:00Z`);
}

/** The written answer: not blank, not longer than the limit. */
export function answerViolations(answer: unknown): FieldViolation[] {
  if (typeof answer !== 'string' || answer.trim().length === 0)
    return [{ field: 'answer', message: 'must not be empty' }];
  if (answer.length > COMPLAINT_LIMITS.answerMax)
    return [{ field: 'answer', message: `must be at most ${COMPLAINT_LIMITS.answerMax} characters` }];
  // PostgreSQL stores no NUL: an answer that cannot be recorded is refused, not retried for ever.
  if (hasForbiddenControlCharacter(answer))
    return [{ field: 'answer', message: 'must not contain control characters' }];
  return [];
}
