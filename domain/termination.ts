/**
 * Termination for payment in advance (R-LOAN-4; seed §9, the wording of 34 § Konsumentkreditlagen
 * 2010:1846). The lender may terminate when the borrower is
 *   (a) more than one month late with an amount above 10 % of the loan claim, or
 *   (b) more than one month late with an amount above 5 % of the claim, the delay concerning two
 *       or more items that fell due at different times.
 * The notice gives at least four weeks; paying everything due plus default interest before the end
 * lapses the termination, but only once per loan.
 *
 * "More than one month late". An item due on D may be paid until the end of D; the delay starts
 * the day after. One month counted from D ends on the same day number of the next month, or that
 * month's last day when it has no such day (as in lag 1930:173 om beräkning av lagstadgad tid and
 * `addMonths`). The borrower is *more than* one month late from the day after that:
 *   due 2025-03-31 → one month ends 2025-04-30 → more than one month late from 2025-05-01;
 *   due 2025-01-31 → one month ends 2025-02-28 → from 2025-03-01.
 *
 * Both the amount and, for (b), the "two or more items" count only items that are themselves more
 * than one month late. Items less than a month overdue are ignored: the reading that never lets
 * the lender terminate where the statute might not allow it. Thresholds are strict ("överstiger").
 */
import type { Installment } from './schedule';
import { addDays, addMonths, compareDates, type IsoDate, isIsoDate } from './dates';
import { Decimal, sumAmounts, ZERO } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

export class InvalidTerminationInputError extends Error {
  constructor(detail: string) {
    super(`termination: ${detail}`);
    this.name = 'InvalidTerminationInputError';
  }
}

/**
 * R-LOAN-4: the loan claim ("lånefordran") is principal + interest + fees and costs the agreement
 * says the borrower pays over the term: the total payable of the agreed payment plan.
 */
export function loanClaim(installments: readonly Pick<Installment, 'total'>[]): Decimal {
  return sumAmounts(installments.map((installment) => installment.total));
}

/** The last day on which an item due on `dueDate` is at most one month late. */
export function oneMonthLateUntil(dueDate: IsoDate): IsoDate {
  return addMonths(dueDate, 1);
}

/** The first day on which an item due on `dueDate` is more than one month late. */
export function firstDayMoreThanOneMonthLate(dueDate: IsoDate): IsoDate {
  return addDays(oneMonthLateUntil(dueDate), 1);
}

export function isMoreThanOneMonthLate(dueDate: IsoDate, evaluationDate: IsoDate): boolean {
  return compareDates(evaluationDate, oneMonthLateUntil(dueDate)) > 0;
}

export interface OverdueItem {
  id: string;
  dueDate: IsoDate;
  /** What is still unpaid of the item as invoiced (not default interest accrued on it). */
  unpaid: Decimal;
}

export type TerminationGround =
  /** (a) more than one month late with more than 10 % of the claim. */
  | 'a'
  /** (b) more than one month late with more than 5 % of the claim over ≥ 2 due dates. */
  | 'b';

export interface TerminationGroundsRequest {
  claim: Decimal;
  overdueItems: readonly OverdueItem[];
  evaluationDate: IsoDate;
  product?: ProductParameters;
}

export interface TerminationGrounds {
  /** True when at least one ground holds. */
  allowed: boolean;
  grounds: TerminationGround[];
  /** Unpaid amount of items more than one month late. */
  amountMoreThanOneMonthLate: Decimal;
  /** Ids of those items, oldest first. */
  itemsMoreThanOneMonthLate: string[];
  /** Distinct due dates among those items. */
  distinctDueDates: number;
  /** (a): the amount must exceed this (claim × 10 %). */
  singleShareThreshold: Decimal;
  /** (b): the amount must exceed this (claim × 5 %). */
  multipleItemsThreshold: Decimal;
}

/** Whether the lender may terminate the loan on `evaluationDate` (R-LOAN-4 (a), (b)). */
export function evaluateTerminationGrounds(request: TerminationGroundsRequest): TerminationGrounds {
  const product = request.product ?? DEFAULT_PRODUCT;
  const { claim, overdueItems, evaluationDate } = request;
  if (!claim.isFinite() || !claim.greaterThan(0)) {
    throw new InvalidTerminationInputError(`the loan claim must be > 0, got ${claim.toString()}`);
  }
  requireDate('evaluationDate', evaluationDate);
  for (const item of overdueItems) {
    requireDate(`due date of ${item.id}`, item.dueDate);
    if (!item.unpaid.isFinite() || item.unpaid.lessThan(0)) {
      throw new InvalidTerminationInputError(`unpaid amount of ${item.id} must be ≥ 0, got ${item.unpaid.toString()}`);
    }
  }

  const late = overdueItems
    .filter((item) => item.unpaid.greaterThan(0) && isMoreThanOneMonthLate(item.dueDate, evaluationDate))
    .sort((a, b) => compareDates(a.dueDate, b.dueDate));
  const amount = sumAmounts(late.map((item) => item.unpaid));
  const distinctDueDates = new Set(late.map((item) => item.dueDate)).size;
  // Thresholds are not rounded: "above 10 % of the claim" compares against the exact share.
  const singleShareThreshold = claim.times(product.loan.terminationSingleItemShare);
  const multipleItemsThreshold = claim.times(product.loan.terminationMultipleItemsShare);

  const grounds: TerminationGround[] = [];
  if (amount.greaterThan(singleShareThreshold)) grounds.push('a');
  if (amount.greaterThan(multipleItemsThreshold) && distinctDueDates >= 2) grounds.push('b');
  return {
    allowed: grounds.length > 0,
    grounds,
    amountMoreThanOneMonthLate: late.length > 0 ? amount : ZERO,
    itemsMoreThanOneMonthLate: late.map((item) => item.id),
    distinctDueDates,
    singleShareThreshold,
    multipleItemsThreshold,
  };
}

/**
 * R-LOAN-4: the last day of the notice period, sent date + 4 weeks (28 days by default). The period
 * counts from when the notice is sent (seed §9: "räknat från den tidpunkt då Wästgöta Finans
 * sänder"). A cure payment received on or before this day counts; if there is none, the whole
 * debt is due at the end of this day and goes to collection the day after.
 */
export function terminationNoticeEndDate(sentDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  requireDate('sentDate', sentDate);
  return addDays(sentDate, product.loan.terminationNoticeDays);
}

export interface CureRequest {
  noticeEndDate: IsoDate;
  /** The date of the payment that is claimed to cure. */
  paidOn: IsoDate;
  /**
   * What is still unpaid, after that payment, of everything fallen due by `paidOn` plus default
   * interest accrued up to `paidOn` (seed §9: "vad som förfallit jämte dröjsmålsränta").
   */
  stillDueAfterPayment: Decimal;
  /** Terminations this loan has already escaped by curing. */
  curesAlreadyUsed: number;
  product?: ProductParameters;
}

export type CureRefusal = 'cure-already-used' | 'paid-after-notice-end' | 'amount-still-due';

export type CureDecision =
  { lapses: true; curesUsed: number } | { lapses: false; reason: CureRefusal; message: string };

/** R-LOAN-4: whether a payment during the notice period lapses the termination. */
export function evaluateCure(request: CureRequest): CureDecision {
  const product = request.product ?? DEFAULT_PRODUCT;
  requireDate('noticeEndDate', request.noticeEndDate);
  requireDate('paidOn', request.paidOn);
  if (!Number.isInteger(request.curesAlreadyUsed) || request.curesAlreadyUsed < 0) {
    throw new InvalidTerminationInputError(`curesAlreadyUsed must be an integer ≥ 0, got ${request.curesAlreadyUsed}`);
  }
  if (request.curesAlreadyUsed >= product.loan.terminationCuresAllowed) {
    return {
      lapses: false,
      reason: 'cure-already-used',
      message: `a termination can be cured ${product.loan.terminationCuresAllowed} time(s) per loan; already used`,
    };
  }
  if (compareDates(request.paidOn, request.noticeEndDate) > 0) {
    return {
      lapses: false,
      reason: 'paid-after-notice-end',
      message: `paid on ${request.paidOn}, after the notice period ended on ${request.noticeEndDate}`,
    };
  }
  if (request.stillDueAfterPayment.greaterThan(0)) {
    return {
      lapses: false,
      reason: 'amount-still-due',
      message: `${request.stillDueAfterPayment.toFixed(2)} of the overdue amount and default interest is still unpaid`,
    };
  }
  return { lapses: true, curesUsed: request.curesAlreadyUsed + 1 };
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidTerminationInputError(`${name} is not a date: ${JSON.stringify(value)}`);
}
