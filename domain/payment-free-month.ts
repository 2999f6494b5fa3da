/**
 * Payment-free month (R-LOAN-6; seed §2–3): on request, when nothing is overdue, at most one per 12
 * months (product default). The month's interest and fees are still charged "enligt ordinarie
 * villkor" and are added to the debt; the term is extended by one month (default) or the term is
 * kept and the annuity recomputed over the installments left ("förhöjs den månatliga amorteringen
 * eller förlängs återbetalningstiden").
 *
 * "At most N per 12 months" is a rolling window: no 12 consecutive calendar months may hold more
 * than N payment-free months. With N = 1 two payment-free months must be at least 12 months apart
 * (March 2025 and March 2026 are fine, March 2025 and February 2026 are not).
 */
import { annuityPayment, monthlyRate } from './annuity';
import { type IsoDate, isIsoDate, parseIsoDate } from './dates';
import { Decimal, roundOre } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

export class InvalidPaymentFreeMonthError extends Error {
  constructor(detail: string) {
    super(`payment-free month: ${detail}`);
    this.name = 'InvalidPaymentFreeMonthError';
  }
}

const MONTHS_IN_WINDOW = 12;

export interface PaymentFreeMonthEligibilityRequest {
  /** Due date of the installment the borrower wants to skip. */
  installmentDueDate: IsoDate;
  /** Everything overdue on the loan today (unpaid after its due date); must be 0. */
  overdueAmount: Decimal;
  /** Due dates of installments already skipped (or granted to be skipped). */
  previousPaymentFreeMonths: readonly IsoDate[];
  product?: ProductParameters;
}

export type PaymentFreeMonthRefusal = 'amount-overdue' | 'limit-reached';

export type PaymentFreeMonthEligibility =
  | { eligible: true }
  | {
      eligible: false;
      refusals: { reason: PaymentFreeMonthRefusal; message: string }[];
    };

/** R-LOAN-6: whether the installment due on `installmentDueDate` may be made payment-free. */
export function checkPaymentFreeMonthEligibility(
  request: PaymentFreeMonthEligibilityRequest,
): PaymentFreeMonthEligibility {
  const product = request.product ?? DEFAULT_PRODUCT;
  requireDate('installmentDueDate', request.installmentDueDate);
  request.previousPaymentFreeMonths.forEach((d, i) => requireDate(`previousPaymentFreeMonths[${i}]`, d));
  if (!request.overdueAmount.isFinite() || request.overdueAmount.lessThan(0)) {
    throw new InvalidPaymentFreeMonthError(`overdue amount must be ≥ 0, got ${request.overdueAmount.toString()}`);
  }

  const refusals: { reason: PaymentFreeMonthRefusal; message: string }[] = [];
  if (request.overdueAmount.greaterThan(0)) {
    refusals.push({
      reason: 'amount-overdue',
      message: `${request.overdueAmount.toFixed(2)} is overdue; a payment-free month needs nothing overdue`,
    });
  }
  const limit = product.loan.paymentFreeMonthsPer12Months;
  const requested = monthIndex(request.installmentDueDate);
  const previous = request.previousPaymentFreeMonths.map(monthIndex);
  // Every 12-month window that contains the requested month must stay within the limit.
  for (let windowStart = requested - MONTHS_IN_WINDOW + 1; windowStart <= requested; windowStart++) {
    const windowEnd = windowStart + MONTHS_IN_WINDOW - 1;
    const inWindow = previous.filter((m) => m >= windowStart && m <= windowEnd).length;
    if (inWindow + 1 > limit) {
      refusals.push({
        reason: 'limit-reached',
        message: `at most ${limit} payment-free month(s) in any 12 consecutive months`,
      });
      break;
    }
  }
  return refusals.length === 0 ? { eligible: true } : { eligible: false, refusals };
}

export type PaymentFreeMonthMode =
  /** Default: the installments left keep their count and start a month later; the term grows by one month. */
  | 'extend-term'
  /** The end date is kept: one installment fewer, so the annuity rises. */
  | 'keep-term';

export interface PaymentFreeMonthEffectRequest {
  /** Principal outstanding before the skipped installment. */
  outstandingPrincipal: Decimal;
  /** Installments left, the skipped one included. */
  remainingInstallments: number;
  nominalRatePercent: Decimal;
  /** Fees the month still carries under the ordinary terms (e.g. the notice fee), added to the debt. */
  feesForTheMonth: Decimal;
  mode?: PaymentFreeMonthMode;
}

export interface PaymentFreeMonthEffect {
  /** The skipped month's interest, balance · nominal/12 rounded to öre as the plan does. */
  capitalisedInterest: Decimal;
  capitalisedFees: Decimal;
  /** outstandingPrincipal + capitalisedInterest + capitalisedFees. */
  newOutstandingPrincipal: Decimal;
  /** Installments after the skipped month. */
  remainingInstallments: number;
  /** The recomputed annuity over them (R-PROD-3). */
  monthlyPayment: Decimal;
  termExtendedByMonths: 0 | 1;
}

/**
 * R-LOAN-6: the parameters of the plan after the skipped month. In the default mode the payment
 * still rises a little (about one month's interest on it), because a month's interest and fees
 * were added to the debt while the installment count is unchanged.
 */
export function applyPaymentFreeMonth(request: PaymentFreeMonthEffectRequest): PaymentFreeMonthEffect {
  const mode = request.mode ?? 'extend-term';
  const { outstandingPrincipal, remainingInstallments, nominalRatePercent, feesForTheMonth } = request;
  if (!outstandingPrincipal.isFinite() || !outstandingPrincipal.greaterThan(0)) {
    throw new InvalidPaymentFreeMonthError(`outstanding principal must be > 0, got ${outstandingPrincipal.toString()}`);
  }
  if (!Number.isInteger(remainingInstallments) || remainingInstallments < 1) {
    throw new InvalidPaymentFreeMonthError(
      `remaining installments must be an integer ≥ 1, got ${remainingInstallments}`,
    );
  }
  if (mode === 'keep-term' && remainingInstallments < 2) {
    throw new InvalidPaymentFreeMonthError('the last installment cannot be skipped while keeping the term');
  }
  if (!nominalRatePercent.isFinite() || nominalRatePercent.isNegative()) {
    throw new InvalidPaymentFreeMonthError(`nominal rate must be ≥ 0, got ${nominalRatePercent.toString()}`);
  }
  if (!feesForTheMonth.isFinite() || feesForTheMonth.lessThan(0)) {
    throw new InvalidPaymentFreeMonthError(`fees must be ≥ 0, got ${feesForTheMonth.toString()}`);
  }

  const rate = monthlyRate(nominalRatePercent);
  const capitalisedInterest = roundOre(outstandingPrincipal.times(rate));
  const newOutstandingPrincipal = outstandingPrincipal.plus(capitalisedInterest).plus(feesForTheMonth);
  const installmentsAfter = mode === 'extend-term' ? remainingInstallments : remainingInstallments - 1;
  return {
    capitalisedInterest,
    capitalisedFees: feesForTheMonth,
    newOutstandingPrincipal,
    remainingInstallments: installmentsAfter,
    monthlyPayment: annuityPayment(newOutstandingPrincipal, rate, installmentsAfter),
    termExtendedByMonths: mode === 'extend-term' ? 1 : 0,
  };
}

function monthIndex(date: IsoDate): number {
  const { year, month } = parseIsoDate(date);
  return year * 12 + (month - 1);
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidPaymentFreeMonthError(`${name} is not a date: ${JSON.stringify(value)}`);
}
