/**
 * Annuity payment (R-PROD-3): equal monthly payments of principal + interest that repay the loan
 * over the term, with monthly rate = nominal / 12. Shared by the payment plan (schedule.ts) and the
 * loan-servicing rules that recompute the payment (rate change R-LOAN-5, payment-free month
 * R-LOAN-6, early repayment R-LOAN-7), so the signature is kept stable.
 */
import { Decimal, roundOre } from './money';

/** Monthly rate as a fraction: nominal % / 100 / 12, unrounded (R-PROD-3). */
export function monthlyRate(nominalRatePercent: Decimal): Decimal {
  return nominalRatePercent.div(100).div(12);
}

/**
 * P·r / (1 − (1 + r)^−n), rounded half-up to öre (R-PROD-3, R-MONEY-2); r = 0 gives P / n rounded.
 * `monthlyRate` is a fraction (0.0995 / 12), not a percent.
 */
export function annuityPayment(principal: Decimal, monthlyRate: Decimal, installments: number): Decimal {
  if (!Number.isInteger(installments) || installments < 1) {
    throw new RangeError(`installments must be a positive integer, got ${installments}`);
  }
  if (monthlyRate.isNegative()) throw new RangeError(`monthly rate must be ≥ 0, got ${monthlyRate.toString()}`);
  if (monthlyRate.isZero()) return roundOre(principal.div(installments));
  const growth = monthlyRate.plus(1).pow(installments); // (1 + r)^n, integer power: exact to 40 digits
  // P·r·(1+r)^n / ((1+r)^n − 1) is the same quantity without a negative power.
  return roundOre(principal.times(monthlyRate).times(growth).div(growth.minus(1)));
}
