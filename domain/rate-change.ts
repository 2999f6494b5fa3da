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
import { addDays, addMonths, compareDates, type IsoDate, isIsoDate } from './dates';
import { Decimal } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

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

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidRateChangeError(`${name} is not a date: ${JSON.stringify(value)}`);
}
