/**
 * Early repayment (R-LOAN-7; seed §8: "när som helst, helt eller delvis och utan avgift"), never
 * with a fee.
 *
 * Whole: principal + interest accrued from the start of the current interest period to the payment
 * date (actual days / 365, R-PROD-4) + what is unpaid of earlier items (fees, interest, default
 * interest). Interest invoiced for the current period but not yet due is replaced by the accrued
 * interest: the caller credits that invoice line.
 *
 * Partial: the principal is reduced and the term shortened, keeping the monthly payment (default);
 * the last installment absorbs the remainder as in the payment plan (R-PROD-3).
 */
import { monthlyRate } from './annuity';
import { addDays, addMonths, compareDates, daysBetween, firstOfMonth, type IsoDate, isIsoDate } from './dates';
import { Decimal, roundOre, ZERO } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';
import { installmentDueDate } from './schedule';

export class InvalidEarlyRepaymentError extends Error {
  constructor(detail: string) {
    super(`early repayment: ${detail}`);
    this.name = 'InvalidEarlyRepaymentError';
  }
}

export interface WholeEarlyRepaymentRequest {
  /** All principal not yet repaid, including principal on open invoices. */
  outstandingPrincipal: Decimal;
  nominalRatePercent: Decimal;
  /** First day of the interest period whose interest has not been paid: normally the 1st of the month. */
  interestPeriodStart: IsoDate;
  paymentDate: IsoDate;
  /** Interest of earlier periods still unpaid, plus default interest up to the payment date. */
  unpaidInterest: Decimal;
  /** Fees and costs still unpaid (notice, late, reminder …). */
  unpaidFees: Decimal;
  product?: ProductParameters;
}

export interface WholeEarlyRepayment {
  principal: Decimal;
  /** Days from `interestPeriodStart` to the payment date (the start day counts, the payment day not). */
  accruedInterestDays: number;
  /** Rounded half-up to öre: the payoff amount is a fact once quoted and paid (R-MONEY-2). */
  accruedInterest: Decimal;
  unpaidInterest: Decimal;
  unpaidFees: Decimal;
  /** Early repayment fee: always 0 (R-LOAN-7). */
  earlyRepaymentFee: Decimal;
  /** What settles the loan on `paymentDate`. */
  total: Decimal;
}

/** R-LOAN-7: the amount that settles the whole loan on `paymentDate`. */
export function wholeEarlyRepayment(request: WholeEarlyRepaymentRequest): WholeEarlyRepayment {
  const product = request.product ?? DEFAULT_PRODUCT;
  requireAmount('outstanding principal', request.outstandingPrincipal);
  requireAmount('unpaid interest', request.unpaidInterest);
  requireAmount('unpaid fees', request.unpaidFees);
  requireRate(request.nominalRatePercent);
  requireDate('interestPeriodStart', request.interestPeriodStart);
  requireDate('paymentDate', request.paymentDate);
  if (compareDates(request.paymentDate, request.interestPeriodStart) < 0) {
    throw new InvalidEarlyRepaymentError(
      `payment date ${request.paymentDate} is before the interest period start ${request.interestPeriodStart}`,
    );
  }
  const days = daysBetween(request.interestPeriodStart, request.paymentDate);
  const accruedInterest = roundOre(
    request.outstandingPrincipal.times(request.nominalRatePercent).div(100).times(days).div(product.dayCountBasis),
  );
  return {
    principal: request.outstandingPrincipal,
    accruedInterestDays: days,
    accruedInterest,
    unpaidInterest: request.unpaidInterest,
    unpaidFees: request.unpaidFees,
    earlyRepaymentFee: ZERO,
    total: request.outstandingPrincipal.plus(accruedInterest).plus(request.unpaidInterest).plus(request.unpaidFees),
  };
}

export interface FixedPaymentPlanShape {
  /** Number of installments that repay the principal, the last one included. */
  installments: number;
  /**
   * Principal and interest of the last installment: at most the monthly payment, or a few öre more
   * when it absorbs rounding (R-PROD-3).
   */
  lastInstallment: { principal: Decimal; interest: Decimal; total: Decimal };
  /** Interest over all those installments. */
  totalInterest: Decimal;
}

/** No consumer loan runs longer than this; a guard against loops, far above R-PROD-1's 120. */
const MAX_INSTALLMENTS = 1200;

/**
 * How many monthly installments of `monthlyPayment` repay `principal` at `nominalRatePercent`,
 * computed the way the payment plan is (schedule.ts): each month's interest is balance · nominal/12
 * rounded to öre, the installment repays payment − interest, and the last installment is whatever
 * principal remains plus its interest. For a payment computed by annuityPayment(P, r, n) this gives
 * back n and the payment plan's last installment.
 */
export function planWithFixedPayment(
  principal: Decimal,
  nominalRatePercent: Decimal,
  monthlyPayment: Decimal,
): FixedPaymentPlanShape {
  if (!principal.isFinite() || !principal.greaterThan(0)) {
    throw new InvalidEarlyRepaymentError(`principal must be > 0, got ${principal.toString()}`);
  }
  requireRate(nominalRatePercent);
  if (!monthlyPayment.isFinite() || !monthlyPayment.greaterThan(0)) {
    throw new InvalidEarlyRepaymentError(`monthly payment must be > 0, got ${monthlyPayment.toString()}`);
  }
  const rate = monthlyRate(nominalRatePercent);
  let balance = principal;
  let totalInterest = ZERO;
  for (let installment = 1; installment <= MAX_INSTALLMENTS; installment++) {
    const interest = roundOre(balance.times(rate));
    totalInterest = totalInterest.plus(interest);
    const lastInstallment = { principal: balance, interest, total: balance.plus(interest) };
    if (lastInstallment.total.lessThanOrEqualTo(monthlyPayment)) {
      return { installments: installment, lastInstallment, totalInterest };
    }
    const principalPart = monthlyPayment.minus(interest);
    if (!principalPart.greaterThan(0)) {
      throw new InvalidEarlyRepaymentError(
        `a monthly payment of ${monthlyPayment.toFixed(2)} does not cover the interest ${interest.toFixed(2)}`,
      );
    }
    const balanceAfter = balance.minus(principalPart);
    // R-PROD-3: the last installment absorbs rounding. A remainder no larger than what rounding the
    // payment and each month's interest (≤ 1 öre a month, compounded) can leave behind is paid with
    // this installment instead of becoming an extra installment of a few öre.
    if (balanceAfter.lessThanOrEqualTo(accumulatedRoundingBound(rate, installment))) {
      return { installments: installment, lastInstallment, totalInterest };
    }
    balance = balanceAfter;
  }
  throw new InvalidEarlyRepaymentError(`the loan would need more than ${MAX_INSTALLMENTS} installments`);
}

/** 0.01 · ((1 + r)^k − 1) / r: one öre per month of rounding, compounded over k months. */
function accumulatedRoundingBound(rate: Decimal, months: number): Decimal {
  const ore = new Decimal('0.01');
  if (rate.isZero()) return ore.times(months);
  return ore.times(rate.plus(1).pow(months).minus(1)).div(rate);
}

export interface PartialEarlyRepaymentRequest {
  /** Principal outstanding before the prepayment. */
  outstandingPrincipal: Decimal;
  prepayment: Decimal;
  nominalRatePercent: Decimal;
  /** The current monthly payment (principal + interest), kept unchanged. */
  monthlyPayment: Decimal;
  /** Installments left before the prepayment, to report how much shorter the term gets. */
  remainingInstallmentsBefore?: number;
}

export interface PartialEarlyRepayment extends FixedPaymentPlanShape {
  newOutstandingPrincipal: Decimal;
  monthlyPayment: Decimal;
  /** remainingInstallmentsBefore − installments, when the former was given. */
  termShortenedByMonths?: number;
}

/**
 * R-LOAN-7 partial: reduce the principal by `prepayment` and keep the monthly payment; returns the
 * new number of remaining installments and the last one. Interest for the current period on the
 * days before the prepayment is the caller's (interest periods, R-PROD-4): this is the plan from the
 * next installment on.
 */
export function partialEarlyRepayment(request: PartialEarlyRepaymentRequest): PartialEarlyRepayment {
  const { outstandingPrincipal, prepayment, nominalRatePercent, monthlyPayment } = request;
  requireAmount('outstanding principal', outstandingPrincipal);
  if (!prepayment.isFinite() || !prepayment.greaterThan(0)) {
    throw new InvalidEarlyRepaymentError(`a prepayment must be > 0, got ${prepayment.toString()}`);
  }
  if (prepayment.greaterThanOrEqualTo(outstandingPrincipal)) {
    throw new InvalidEarlyRepaymentError(
      `a prepayment of ${prepayment.toFixed(2)} repays the whole principal ${outstandingPrincipal.toFixed(2)}: ` +
        'settle the loan with wholeEarlyRepayment instead',
    );
  }
  const newOutstandingPrincipal = outstandingPrincipal.minus(prepayment);
  const shape = planWithFixedPayment(newOutstandingPrincipal, nominalRatePercent, monthlyPayment);
  const before = request.remainingInstallmentsBefore;
  return {
    ...shape,
    newOutstandingPrincipal,
    monthlyPayment,
    ...(before === undefined ? {} : { termShortenedByMonths: before - shape.installments }),
  };
}

function requireAmount(name: string, value: Decimal): void {
  if (!value.isFinite() || value.lessThan(0)) {
    throw new InvalidEarlyRepaymentError(`${name} must be ≥ 0, got ${value.toString()}`);
  }
}

function requireRate(value: Decimal): void {
  if (!value.isFinite() || value.isNegative()) {
    throw new InvalidEarlyRepaymentError(`nominal rate must be ≥ 0, got ${value.toString()}`);
  }
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidEarlyRepaymentError(`${name} is not a date: ${JSON.stringify(value)}`);
}

/**
 * R-LOAN-7 with R-PROD-4: where a whole early repayment's accrued interest starts. Interest periods
 * are calendar months, so it is the payment date's month, unless that month's interest is already
 * owed in full: its installment fell due before the payment date (a due date on the last banking
 * day can precede the month's end), or a payment-free month capitalised it (R-LOAN-6). Never before
 * the first interest period (the interest up to it was capitalised at payout).
 */
export function currentInterestPeriodStart(input: {
  paymentDate: IsoDate;
  payoutDate: IsoDate;
  /** Due dates of the installments invoiced so far. */
  installmentDueDates: readonly IsoDate[];
  /** Due dates of the installments a payment-free month replaced (capitalised). */
  paymentFreeDueDates: readonly IsoDate[];
}): IsoDate {
  const covered = [
    ...input.installmentDueDates.filter((d) => compareDates(d, input.paymentDate) < 0),
    ...input.paymentFreeDueDates.filter((d) => compareDates(firstOfMonth(d), input.paymentDate) <= 0),
  ];
  return [
    firstOfMonth(input.paymentDate),
    firstOfMonth(installmentDueDate(input.payoutDate, 1)),
    ...covered.map((d) => addMonths(firstOfMonth(d), 1)),
  ]
    .sort(compareDates)
    .pop()!;
}

/**
 * R-LOAN-7 (default): an early repayment is quoted for a payment date from today up to the
 * product's number of days ahead. The API's request schema and the loan workflow's validator both ask this.
 */
export function checkEarlyRepaymentDate(
  today: IsoDate,
  paymentDate: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): { ok: true } | { ok: false; message: string } {
  const daysAhead = product.loan.earlyRepaymentQuoteMaxDaysAhead;
  if (compareDates(paymentDate, today) < 0) return { ok: false, message: 'the payment date is in the past' };
  if (compareDates(paymentDate, addDays(today, daysAhead)) > 0)
    return { ok: false, message: `a quote can be made at most ${daysAhead} days ahead` };
  return { ok: true };
}

/**
 * R-LOAN-7 partial: the current month's interest on principal repaid on `repaidOn` from that day to
 * the month's end (the repayment day itself not owed, as `wholeEarlyRepayment` counts), actual/365,
 * rounded to öre: not earned once the installment of the month was invoiced on the higher principal.
 */
export function unearnedInterestOnPrepayment(input: {
  prepaid: Decimal;
  nominalRatePercent: Decimal;
  repaidOn: IsoDate;
  product?: ProductParameters;
}): Decimal {
  const product = input.product ?? DEFAULT_PRODUCT;
  const days = daysBetween(input.repaidOn, addMonths(firstOfMonth(input.repaidOn), 1));
  return roundOre(input.prepaid.times(input.nominalRatePercent).div(100).times(days).div(product.dayCountBasis));
}
