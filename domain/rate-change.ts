/**
 * Rate change (R-LOAN-5, R-LOAN-10): the lender may change the variable rate; the borrower is told
 * the new monthly payment before the change takes effect, and a change takes effect at the earliest
 * one month after the borrower is notified. Default: the annuity is recomputed over the remaining
 * term (same number of installments, new payment).
 *
 * When is the borrower "notified"? Seed §22: a message is deemed to have reached the borrower the
 * day after it was made available on "Mina sidor" or sent by email. So the month runs from the day
 * after publication: published 2025-03-14 → notified 2025-03-15 → effective 2025-04-15 at the
 * earliest (`addMonths`, which clamps 31 Jan + 1 month to the end of February).
 */
import { annuityPayment, monthlyRate } from './annuity';
import { addDays, addMonths, compareDates, daysBetween, firstOfMonth, type IsoDate, isIsoDate } from './dates';
import { invoiceIssueDate } from './invoicing';
import { Decimal, formatAmount, roundOre, ZERO } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';
import { installmentDueDate } from './schedule';

export class InvalidRateChangeError extends Error {
  constructor(detail: string) {
    super(`rate change: ${detail}`);
    this.name = 'InvalidRateChangeError';
  }
}

export class RateChangeNoticeTooShortError extends Error {
  constructor(
    readonly effectiveFrom: IsoDate,
    readonly earliestEffectiveDate: IsoDate,
  ) {
    super(
      `a change notified this way can take effect on ${earliestEffectiveDate} at the earliest ` +
        `(R-LOAN-10: one month after notification), not on ${effectiveFrom}`,
    );
    this.name = 'RateChangeNoticeTooShortError';
  }
}

/** The day the borrower is deemed notified of a message published on `publishedOn` (seed §22). */
export function deemedNotifiedOn(publishedOn: IsoDate): IsoDate {
  requireDate('publishedOn', publishedOn);
  return addDays(publishedOn, 1);
}

/** R-LOAN-10: the earliest date a change published on `publishedOn` may take effect. */
export function earliestChangeEffectiveDate(
  publishedOn: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): IsoDate {
  return addMonths(deemedNotifiedOn(publishedOn), product.loan.termsChangeNoticeMonths);
}

export type ChangeNoticeCheck =
  | { ok: true; earliestEffectiveDate: IsoDate }
  | {
      ok: false;
      earliestEffectiveDate: IsoDate;
      error: RateChangeNoticeTooShortError;
    };

/** R-LOAN-10 validator: `effectiveFrom` must be on or after `earliestChangeEffectiveDate`. */
export function checkChangeNotice(
  publishedOn: IsoDate,
  effectiveFrom: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): ChangeNoticeCheck {
  requireDate('effectiveFrom', effectiveFrom);
  const earliestEffectiveDate = earliestChangeEffectiveDate(publishedOn, product);
  if (compareDates(effectiveFrom, earliestEffectiveDate) >= 0) return { ok: true, earliestEffectiveDate };
  return {
    ok: false,
    earliestEffectiveDate,
    error: new RateChangeNoticeTooShortError(effectiveFrom, earliestEffectiveDate),
  };
}

/** Throwing form of `checkChangeNotice`. */
export function assertChangeNotice(
  publishedOn: IsoDate,
  effectiveFrom: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): void {
  const check = checkChangeNotice(publishedOn, effectiveFrom, product);
  if (!check.ok) throw check.error;
}

export interface RateChangeRequest {
  /** Principal outstanding when the new rate starts (after the last installment at the old rate). */
  outstandingPrincipal: Decimal;
  /** Installments left at the new rate; unchanged by default (R-LOAN-5). */
  remainingInstallments: number;
  newNominalRatePercent: Decimal;
}

export interface RecomputedAnnuity {
  /** Rounded to öre half-up (annuityPayment); the last installment absorbs rounding (R-PROD-3). */
  monthlyPayment: Decimal;
  /** Unrounded fraction, nominal / 12 (R-PROD-3). */
  monthlyRate: Decimal;
  remainingInstallments: number;
}

/** R-LOAN-5: the new monthly payment over the remaining term at the new rate. */
export function recomputeAnnuityForRateChange(request: RateChangeRequest): RecomputedAnnuity {
  const { outstandingPrincipal, remainingInstallments, newNominalRatePercent } = request;
  if (!outstandingPrincipal.isFinite() || !outstandingPrincipal.greaterThan(0)) {
    throw new InvalidRateChangeError(`outstanding principal must be > 0, got ${outstandingPrincipal.toString()}`);
  }
  if (!Number.isInteger(remainingInstallments) || remainingInstallments < 1) {
    throw new InvalidRateChangeError(`remaining installments must be an integer ≥ 1, got ${remainingInstallments}`);
  }
  if (!newNominalRatePercent.isFinite() || newNominalRatePercent.isNegative()) {
    throw new InvalidRateChangeError(`the new nominal rate must be ≥ 0, got ${newNominalRatePercent.toString()}`);
  }
  const rate = monthlyRate(newNominalRatePercent);
  return {
    monthlyPayment: annuityPayment(outstandingPrincipal, rate, remainingInstallments),
    monthlyRate: rate,
    remainingInstallments,
  };
}

/**
 * R-LOAN-5 (default): a new nominal rate is a percentage from 0 to the product's maximum with at
 * most the product's decimals. The API's request schema and the loan workflow's validator both ask this.
 */
export function checkNewRatePercent(
  value: string,
  product: ProductParameters = DEFAULT_PRODUCT,
): { ok: true } | { ok: false; message: string } {
  const { maxNewRatePercent, newRateDecimals } = product.loan;
  const shape = new RegExp(`^\\d{1,${maxNewRatePercent.length}}(\\.\\d{1,${newRateDecimals}})?$`);
  if (shape.test(value) && new Decimal(value).lessThanOrEqualTo(maxNewRatePercent)) return { ok: true };
  return {
    ok: false,
    message: `must be a percentage from 0 to ${maxNewRatePercent} with at most ${newRateDecimals} decimals, e.g. "10.45"`,
  };
}

/** R-LOAN-5: the first installment at a new rate: the first invoiced on or after `effectiveFrom`. */
export function firstInstallmentAtNewRate(
  payoutDate: IsoDate,
  nextInstallment: number,
  effectiveFrom: IsoDate,
): number {
  let first = nextInstallment;
  while (compareDates(invoiceIssueDate(installmentDueDate(payoutDate, first)), effectiveFrom) < 0) first++;
  return first;
}

/** A rate change as announced (R-LOAN-5): from `firstInstallment`, for `remainingInstallments`. */
export interface ScheduledRateChange {
  changeId: string;
  firstInstallment: number;
  remainingInstallments: number;
  newRatePercent: string;
  newMonthlyPayment: string;
}

/**
 * R-LOAN-5: the rate and monthly payment in force for installment `number`: those of the latest
 * scheduled change starting on or before it. A payment-free month since the announcement moved the
 * term and added interest: the annuity is then recomputed over what is left now (R-LOAN-5 default,
 * R-LOAN-6). `applied` are the changes that take effect with this installment.
 */
export function rateInForce(input: {
  number: number;
  termMonths: number;
  nominalRatePercent: string;
  monthlyPayment: string;
  principalOutstanding: Decimal;
  scheduled: readonly ScheduledRateChange[];
}): { nominalRatePercent: string; monthlyPayment: string; applied: ScheduledRateChange[] } {
  const applied = input.scheduled
    .filter((c) => c.firstInstallment <= input.number)
    .sort((a, b) => a.firstInstallment - b.firstInstallment);
  let rate = input.nominalRatePercent;
  let payment = input.monthlyPayment;
  for (const change of applied) {
    rate = change.newRatePercent;
    payment = change.newMonthlyPayment;
    const announcedTerm = change.firstInstallment + change.remainingInstallments - 1;
    if (announcedTerm !== input.termMonths && input.principalOutstanding.greaterThan(0))
      payment = formatAmount(
        recomputeAnnuityForRateChange({
          outstandingPrincipal: input.principalOutstanding,
          remainingInstallments: Math.max(1, input.termMonths - input.number + 1),
          newNominalRatePercent: new Decimal(rate),
        }).monthlyPayment,
      );
  }
  return { nominalRatePercent: rate, monthlyPayment: payment, applied };
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidRateChangeError(`${name} is not a date: ${JSON.stringify(value)}`);
}

/**
 * R-LOAN-5 with R-PROD-4: interest periods are calendar months, and a change effective within the
 * month an installment's interest covers (its due date's month) must not reach back before its
 * effective date: those days bear the old rate. The installment's interest, split at the scheduled
 * rate, is corrected by principal · (old − new) · days / 365 (actual/365) for the days of the month
 * before `effectiveFrom`, rounded to öre; 0 when the change takes effect on the 1st or outside the month.
 */
export function rateChangeMonthAdjustment(input: {
  principal: Decimal;
  oldRatePercent: Decimal;
  newRatePercent: Decimal;
  dueDate: IsoDate;
  effectiveFrom: IsoDate;
  product?: ProductParameters;
}): Decimal {
  const product = input.product ?? DEFAULT_PRODUCT;
  const monthStart = firstOfMonth(input.dueDate);
  const nextMonth = addMonths(monthStart, 1);
  if (compareDates(input.effectiveFrom, monthStart) <= 0 || compareDates(input.effectiveFrom, nextMonth) >= 0)
    return ZERO;
  const days = daysBetween(monthStart, input.effectiveFrom);
  return roundOre(
    input.principal
      .times(input.oldRatePercent.minus(input.newRatePercent))
      .div(100)
      .times(days)
      .div(product.dayCountBasis),
  );
}
