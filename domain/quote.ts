/**
 * Loan quote (R-PROD-6): monthly payment, total cost, total payable, APR and the full payment plan
 * for an amount, term, rate and notice channel. Pure: the API layer validates the wire format
 * (with the limits exported here) and serialises with `toQuoteResponse`.
 */
import { scheduleApr } from './apr';
import { type IsoDate, isIsoDate } from './dates';
import { Decimal, formatAmount, sumAmounts } from './money';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS, type NoticeChannel, type ProductParameters } from './product';
import { buildSchedule, type PlannedInstallment, type Schedule, type ScheduleRequest } from './schedule';

/** What a quote is asked for: the schedule's request (domain/schedule.ts). */
export type QuoteRequest = ScheduleRequest;

export interface Quote {
  amount: Decimal;
  termMonths: number;
  nominalRatePercent: Decimal;
  noticeChannel: NoticeChannel;
  payoutDate: IsoDate;
  capitalisedInterest: Decimal;
  monthlyPayment: Decimal;
  /** capitalisedInterest + Σ installment interest. */
  totalInterest: Decimal;
  /** Σ installment fees (setup fee + notice fees, R-PROD-2). */
  totalFees: Decimal;
  /** R-PROD-6 "total cost" (kreditkostnad): totalInterest + totalFees. */
  totalCost: Decimal;
  /** Σ installment totals = amount + totalCost. */
  totalPayable: Decimal;
  /** R-PROD-5, percent to two decimals. */
  aprPercent: Decimal;
  schedule: PlannedInstallment[];
}

/** The wire shape: every amount (and both rates) a decimal string with exactly two decimals. */
export interface QuoteResponse {
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  noticeChannel: NoticeChannel;
  payoutDate: IsoDate;
  capitalisedInterest: string;
  monthlyPayment: string;
  totalInterest: string;
  totalFees: string;
  totalCost: string;
  totalPayable: string;
  aprPercent: string;
  schedule: {
    number: number;
    dueDate: IsoDate;
    principal: string;
    interest: string;
    fees: string;
    total: string;
    balanceAfter: string;
  }[];
}

export interface QuoteLimits {
  /** R-PROD-1 */
  minAmount: Decimal;
  maxAmount: Decimal;
  /** R-PROD-1: 2–10 years of monthly installments. */
  minTermMonths: number;
  maxTermMonths: number;
  /**
   * A quote may be asked for any rate in this range (what-if calculations), wider than the
   * 7.75–18.95 % actually offered by risk (R-PROD-1, R-APP-8), which the decision enforces.
   */
  minRatePercent: Decimal;
  maxRatePercent: Decimal;
  /** Amounts in öre, rates in hundredths of a percent. */
  maxDecimals: number;
  noticeChannels: readonly NoticeChannel[];
}

export function quoteLimits(product: ProductParameters = DEFAULT_PRODUCT): QuoteLimits {
  return Object.freeze({
    minAmount: new Decimal(product.minAmount),
    maxAmount: new Decimal(product.maxAmount),
    minTermMonths: product.minTermMonths,
    maxTermMonths: product.maxTermMonths,
    minRatePercent: new Decimal(0),
    maxRatePercent: new Decimal(40),
    maxDecimals: 2,
    noticeChannels: NOTICE_CHANNELS,
  });
}

/** Limits of the default product (inclusive bounds). */
export const QUOTE_LIMITS: QuoteLimits = quoteLimits();

export type QuoteField = 'amount' | 'termMonths' | 'nominalRatePercent' | 'noticeChannel' | 'payoutDate';

export interface QuoteViolation {
  field: QuoteField;
  message: string;
}

/** Every way `request` breaks the quote limits; empty when it is valid. */
export function quoteRequestViolations(
  request: QuoteRequest,
  limits: QuoteLimits = limitsOf(request),
): QuoteViolation[] {
  const violations: QuoteViolation[] = [];
  const { amount, termMonths, nominalRatePercent, noticeChannel } = request;
  const decimalIn = (value: Decimal, min: Decimal, max: Decimal): boolean =>
    value.isFinite() && value.greaterThanOrEqualTo(min) && value.lessThanOrEqualTo(max);

  if (!decimalIn(amount, limits.minAmount, limits.maxAmount)) {
    violations.push({
      field: 'amount',
      message: `amount must be ${formatAmount(limits.minAmount)}–${formatAmount(limits.maxAmount)} SEK (R-PROD-1)`,
    });
  } else if (amount.decimalPlaces() > limits.maxDecimals) {
    violations.push({
      field: 'amount',
      message: `amount must have at most ${limits.maxDecimals} decimals (R-MONEY-1)`,
    });
  }
  if (!Number.isInteger(termMonths) || termMonths < limits.minTermMonths || termMonths > limits.maxTermMonths) {
    violations.push({
      field: 'termMonths',
      message: `termMonths must be a whole number ${limits.minTermMonths}–${limits.maxTermMonths} (R-PROD-1)`,
    });
  }
  if (!decimalIn(nominalRatePercent, limits.minRatePercent, limits.maxRatePercent)) {
    violations.push({
      field: 'nominalRatePercent',
      message: `nominalRatePercent must be ${limits.minRatePercent.toFixed(2)}–${limits.maxRatePercent.toFixed(2)}`,
    });
  } else if (nominalRatePercent.decimalPlaces() > limits.maxDecimals) {
    violations.push({
      field: 'nominalRatePercent',
      message: `nominalRatePercent must have at most ${limits.maxDecimals} decimals`,
    });
  }
  if (!limits.noticeChannels.includes(noticeChannel)) {
    violations.push({
      field: 'noticeChannel',
      message: `noticeChannel must be one of ${limits.noticeChannels.join(', ')}`,
    });
  }
  if (!isIsoDate(request.payoutDate)) {
    violations.push({ field: 'payoutDate', message: 'payoutDate must be a calendar date YYYY-MM-DD' });
  }
  return violations;
}

function limitsOf(request: QuoteRequest): QuoteLimits {
  return request.product ? quoteLimits(request.product) : QUOTE_LIMITS;
}

export class InvalidQuoteRequestError extends Error {
  constructor(readonly violations: readonly QuoteViolation[]) {
    super(`invalid quote request: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
    this.name = 'InvalidQuoteRequestError';
  }
}

/** R-PROD-6. Throws InvalidQuoteRequestError when the request breaks the quote limits. */
export function quote(request: QuoteRequest): Quote {
  const violations = quoteRequestViolations(request);
  if (violations.length > 0) throw new InvalidQuoteRequestError(violations);
  return quoteFromSchedule(buildSchedule(request));
}

/** Totals and APR of an already built payment plan (no limit checks). */
export function quoteFromSchedule(plan: Schedule): Quote {
  const installments = plan.installments;
  const totalInterest = plan.capitalisedInterest.plus(sumAmounts(installments.map((i) => i.interest)));
  const totalFees = sumAmounts(installments.map((i) => i.fees));
  return {
    amount: plan.amount,
    termMonths: plan.termMonths,
    nominalRatePercent: plan.nominalRatePercent,
    noticeChannel: plan.noticeChannel,
    payoutDate: plan.payoutDate,
    capitalisedInterest: plan.capitalisedInterest,
    monthlyPayment: plan.monthlyPayment,
    totalInterest,
    totalFees,
    totalCost: totalInterest.plus(totalFees),
    // Σ totals = Σ principal + Σ interest + Σ fees, and Σ principal = amount + capitalised interest.
    totalPayable: plan.amount.plus(totalInterest).plus(totalFees),
    aprPercent: scheduleApr(plan),
    schedule: installments.map(({ number, dueDate, principal, interest, fees, total, balanceAfter }) => ({
      number,
      dueDate,
      principal,
      interest,
      fees,
      total,
      balanceAfter,
    })),
  };
}

/** Serialises a quote for the API (R-MONEY-1): decimal strings with exactly two decimals. */
export function toQuoteResponse(q: Quote): QuoteResponse {
  return {
    amount: formatAmount(q.amount),
    termMonths: q.termMonths,
    nominalRatePercent: formatAmount(q.nominalRatePercent),
    noticeChannel: q.noticeChannel,
    payoutDate: q.payoutDate,
    capitalisedInterest: formatAmount(q.capitalisedInterest),
    monthlyPayment: formatAmount(q.monthlyPayment),
    totalInterest: formatAmount(q.totalInterest),
    totalFees: formatAmount(q.totalFees),
    totalCost: formatAmount(q.totalCost),
    totalPayable: formatAmount(q.totalPayable),
    aprPercent: formatAmount(q.aprPercent),
    schedule: q.schedule.map(toInstallmentResponse),
  };
}

/** One planned installment for the API (R-MONEY-1): amounts with exactly two decimals. */
export function toInstallmentResponse(i: PlannedInstallment): QuoteResponse['schedule'][number] {
  return {
    number: i.number,
    dueDate: i.dueDate,
    principal: formatAmount(i.principal),
    interest: formatAmount(i.interest),
    fees: formatAmount(i.fees),
    total: formatAmount(i.total),
    balanceAfter: formatAmount(i.balanceAfter),
  };
}
