/**
 * Right of withdrawal (ångerrätt), R-LOAN-8; seed §16 (12 § Konsumentkreditlagen 2010:1846).
 *
 * - The period is 14 days from the day the agreement is concluded, or from the later day the
 *   borrower received the contract documentation. The start day is not counted, so an agreement of
 *   2025-03-03 may be withdrawn through 2025-03-17.
 * - The borrower then repays, within 30 days of the withdrawal notice, the principal paid out plus
 *   interest from the payout date until it is fully repaid (actual days / 365 at the nominal rate).
 * - Fees the borrower paid to the lender for the loan are refunded.
 *
 * Both periods are statutory, so by lag (1930:173) om beräkning av lagstadgad tid a last day on a
 * Saturday, Sunday, public holiday, midsummer eve, Christmas eve or New Year's eve moves to the
 * next weekday — exactly the next banking day of R-TIME-2.
 */
import { bankingDayOnOrAfter } from './calendar';
import { addDays, compareDates, daysBetween, type IsoDate, isIsoDate } from './dates';
import { Decimal, roundOre } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

export class InvalidWithdrawalError extends Error {
  constructor(detail: string) {
    super(`withdrawal: ${detail}`);
    this.name = 'InvalidWithdrawalError';
  }
}

export class WithdrawalPeriodExpiredError extends Error {
  constructor(
    readonly noticeDate: IsoDate,
    readonly lastDay: IsoDate,
  ) {
    super(`the withdrawal period ended on ${lastDay}; a notice on ${noticeDate} is too late (R-LOAN-8)`);
    this.name = 'WithdrawalPeriodExpiredError';
  }
}

/** R-LOAN-8: the last day a withdrawal notice may be given. */
export function withdrawalPeriodLastDay(agreementDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  requireDate('agreementDate', agreementDate);
  return bankingDayOnOrAfter(addDays(agreementDate, product.loan.withdrawalDays));
}

/** R-LOAN-8: the last day to repay after a withdrawal notice given on `noticeDate`. */
export function withdrawalRepaymentDueDate(noticeDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  requireDate('noticeDate', noticeDate);
  return bankingDayOnOrAfter(addDays(noticeDate, product.loan.withdrawalRepaymentDays));
}

export type WithdrawalEligibility =
  | { eligible: true; lastDay: IsoDate; repaymentDueDate: IsoDate }
  | {
      eligible: false;
      lastDay: IsoDate;
      error: WithdrawalPeriodExpiredError | InvalidWithdrawalError;
    };

/**
 * R-LOAN-8: whether a withdrawal notice given on `noticeDate` is in time. `agreementDate` is the
 * day the agreement was concluded, or the later day the documentation reached the borrower.
 */
export function checkWithdrawalEligibility(
  agreementDate: IsoDate,
  noticeDate: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): WithdrawalEligibility {
  requireDate('noticeDate', noticeDate);
  const lastDay = withdrawalPeriodLastDay(agreementDate, product);
  if (compareDates(noticeDate, agreementDate) < 0) {
    const error = new InvalidWithdrawalError(`notice ${noticeDate} is before the agreement date ${agreementDate}`);
    return { eligible: false, lastDay, error };
  }
  if (compareDates(noticeDate, lastDay) > 0) {
    return {
      eligible: false,
      lastDay,
      error: new WithdrawalPeriodExpiredError(noticeDate, lastDay),
    };
  }
  return {
    eligible: true,
    lastDay,
    repaymentDueDate: withdrawalRepaymentDueDate(noticeDate, product),
  };
}

/**
 * R-LOAN-8 for a running loan: the agreement was concluded at signing, before the loan started, so
 * a notice before the payout date is in time; the 14 days run from the payout date.
 */
export function checkLoanWithdrawalEligibility(
  payoutDate: IsoDate,
  noticeDate: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): WithdrawalEligibility {
  const agreementDate = compareDates(noticeDate, payoutDate) < 0 ? noticeDate : payoutDate;
  return checkWithdrawalEligibility(agreementDate, noticeDate, product);
}

/** Throwing form of `checkWithdrawalEligibility`; returns the repayment due date. */
export function assertWithdrawalEligible(
  agreementDate: IsoDate,
  noticeDate: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): IsoDate {
  const result = checkWithdrawalEligibility(agreementDate, noticeDate, product);
  if (!result.eligible) throw result.error;
  return result.repaymentDueDate;
}

export interface WithdrawalSettlementRequest {
  /** The amount paid out to the borrower (and to creditors redeemed on their behalf, R-APP-10). */
  principalPaidOut: Decimal;
  nominalRatePercent: Decimal;
  payoutDate: IsoDate;
  /** The day the principal is (to be) fully repaid. */
  repaymentDate: IsoDate;
  /** Fees the borrower has paid to the lender for the loan (setup, notice …): refunded. */
  feesPaidToLender: Decimal;
  product?: ProductParameters;
}

export interface WithdrawalSettlement {
  principal: Decimal;
  /** Days from payout to repayment (the payout day counts, the repayment day not). */
  interestDays: number;
  /** Rounded half-up to öre: a fact once demanded (R-MONEY-2). */
  interest: Decimal;
  /** principal + interest: what the borrower owes. */
  amountToRepay: Decimal;
  /** What the lender owes back. */
  feesToRefund: Decimal;
  /** amountToRepay − feesToRefund, when the two are set off against each other. */
  netAmountToRepay: Decimal;
}

/** R-LOAN-8: what the borrower repays and gets refunded after a withdrawal. */
export function withdrawalSettlement(request: WithdrawalSettlementRequest): WithdrawalSettlement {
  const product = request.product ?? DEFAULT_PRODUCT;
  const { principalPaidOut, nominalRatePercent, payoutDate, repaymentDate, feesPaidToLender } = request;
  requireDate('payoutDate', payoutDate);
  requireDate('repaymentDate', repaymentDate);
  if (!principalPaidOut.isFinite() || principalPaidOut.lessThan(0)) {
    throw new InvalidWithdrawalError(`principal paid out must be ≥ 0, got ${principalPaidOut.toString()}`);
  }
  if (!feesPaidToLender.isFinite() || feesPaidToLender.lessThan(0)) {
    throw new InvalidWithdrawalError(`fees paid must be ≥ 0, got ${feesPaidToLender.toString()}`);
  }
  if (!nominalRatePercent.isFinite() || nominalRatePercent.isNegative()) {
    throw new InvalidWithdrawalError(`nominal rate must be ≥ 0, got ${nominalRatePercent.toString()}`);
  }
  if (compareDates(repaymentDate, payoutDate) < 0) {
    throw new InvalidWithdrawalError(`repayment date ${repaymentDate} is before the payout date ${payoutDate}`);
  }
  const interestDays = daysBetween(payoutDate, repaymentDate);
  const interest = roundOre(
    principalPaidOut.times(nominalRatePercent).div(100).times(interestDays).div(product.dayCountBasis),
  );
  const amountToRepay = principalPaidOut.plus(interest);
  return {
    principal: principalPaidOut,
    interestDays,
    interest,
    amountToRepay,
    feesToRefund: feesPaidToLender,
    netAmountToRepay: amountToRepay.minus(feesPaidToLender),
  };
}

/**
 * R-LOAN-8: the interest one day of the principal paid out costs at the nominal rate (actual/365),
 * unrounded: the withdrawal notice shows it so the borrower sees what repaying earlier saves.
 */
export function withdrawalInterestPerDay(
  principalPaidOut: Decimal,
  nominalRatePercent: Decimal,
  product: ProductParameters = DEFAULT_PRODUCT,
): Decimal {
  return principalPaidOut.times(nominalRatePercent).div(100).div(product.dayCountBasis);
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidWithdrawalError(`${name} is not a date: ${JSON.stringify(value)}`);
}
