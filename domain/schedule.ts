/**
 * Payment plan of a new annuity loan (R-PROD-2, R-PROD-3, R-PROD-4, R-LOAN-1, R-LOAN-12).
 *
 * Interest from payout to the first interest period is capitalised (R-PROD-4); the annuity is then
 * computed on amount + capitalised interest (R-PROD-3); installment k falls due on the last banking
 * day of the k-th month after the payout month (R-LOAN-1); the last installment absorbs rounding so
 * the balance ends at exactly 0.00 (R-PROD-3).
 */
import { annuityPayment, monthlyRate } from './annuity';
import { lastBankingDayOfMonth } from './calendar';
import { addMonths, daysBetween, firstOfMonth, type IsoDate, isIsoDate, parseIsoDate } from './dates';
import { Decimal, maxAmount, minAmount, roundOre, ZERO } from './money';
import { DEFAULT_PRODUCT, type NoticeChannel, type ProductParameters } from './product';

export interface ScheduleRequest {
  /** The amount paid out (R-PROD-1). */
  amount: Decimal;
  termMonths: number;
  /** Nominal annual rate in percent, e.g. 9.95. */
  nominalRatePercent: Decimal;
  noticeChannel: NoticeChannel;
  /** Assumed payout date; it decides capitalised interest (R-PROD-4) and the due dates (R-LOAN-1). */
  payoutDate: IsoDate;
  product?: ProductParameters;
}

export interface Installment {
  /** 1-based. */
  number: number;
  dueDate: IsoDate;
  principal: Decimal;
  interest: Decimal;
  /** noticeFee + setupFee. */
  fees: Decimal;
  /** R-PROD-2: notice fee of the chosen channel, on every installment. */
  noticeFee: Decimal;
  /** R-PROD-2: setup fee, on the first installment only. */
  setupFee: Decimal;
  /** principal + interest + fees. */
  total: Decimal;
  /** Principal outstanding after this installment is paid. */
  balanceAfter: Decimal;
}

/** An installment as a quote or the remaining payment plan shows it: the fees together. */
export type PlannedInstallment = Omit<Installment, 'noticeFee' | 'setupFee'>;

export interface Schedule {
  amount: Decimal;
  termMonths: number;
  nominalRatePercent: Decimal;
  noticeChannel: NoticeChannel;
  payoutDate: IsoDate;
  /** R-PROD-4: interest from payout to the first interest period, added to the debt. */
  capitalisedInterest: Decimal;
  /** amount + capitalisedInterest: the principal the annuity repays. */
  initialPrincipal: Decimal;
  /** R-PROD-3: principal + interest of every installment but (possibly) the last. */
  monthlyPayment: Decimal;
  installments: Installment[];
}

/** The first day of the first interest period: the 1st of the month after payout (R-PROD-4). */
export function firstInterestPeriodStart(payoutDate: IsoDate): IsoDate {
  return addMonths(firstOfMonth(payoutDate), 1);
}

/**
 * R-PROD-4: interest on `amount` from the payout date to the start of the first interest period,
 * actual days / 365, rounded half-up to öre (R-MONEY-2: it becomes a fact when added to the debt).
 */
export function capitalisedInterest(
  amount: Decimal,
  nominalRatePercent: Decimal,
  payoutDate: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): Decimal {
  const stubDays = daysBetween(payoutDate, firstInterestPeriodStart(payoutDate));
  return roundOre(amount.times(nominalRatePercent).div(100).times(stubDays).div(product.dayCountBasis));
}

/** R-LOAN-1: installment `number` (1-based) falls due on the last banking day of payout month + number. */
export function installmentDueDate(payoutDate: IsoDate, number: number): IsoDate {
  return dueDateInMonth(monthIndex(payoutDate) + number);
}

/** Months since year 0 (year·12 + month − 1), so "payout month + k" is integer addition. */
function monthIndex(date: IsoDate): number {
  const { year, month } = parseIsoDate(date);
  return year * 12 + month - 1;
}

function dueDateInMonth(index: number): IsoDate {
  return lastBankingDayOfMonth(Math.floor(index / 12), (index % 12) + 1);
}

export function noticeFee(channel: NoticeChannel, product: ProductParameters = DEFAULT_PRODUCT): Decimal {
  return new Decimal(product.fees.notice[channel]);
}

export interface InstallmentSplit {
  principal: Decimal;
  interest: Decimal;
  /** The installment is the regular annuity (principal + interest = monthlyPayment). */
  paysAnnuity: boolean;
}

/**
 * One month of an annuity (R-PROD-3, R-PROD-4): interest periods are calendar months, so the
 * interest is balance · r rounded to öre; the principal is the annuity's remainder, and the last
 * installment takes whatever balance is left. Used by the quote and by the running loan, so both
 * invoice the same amounts.
 */
export function installmentSplit(
  balance: Decimal,
  rate: Decimal,
  monthlyPayment: Decimal,
  isLast: boolean,
): InstallmentSplit {
  const interest = roundOre(balance.times(rate));
  // Clamping to [0, balance] guards a payment below the interest (impossible for valid
  // products): it must neither grow the balance nor overshoot it.
  const annuityPrincipal = monthlyPayment.minus(interest);
  const paysAnnuity = !isLast && !annuityPrincipal.isNegative() && annuityPrincipal.lessThanOrEqualTo(balance);
  const principal = paysAnnuity
    ? annuityPrincipal
    : isLast
      ? balance
      : minAmount(balance, maxAmount(ZERO, annuityPrincipal));
  return { principal, interest, paysAnnuity };
}

export function buildSchedule(request: ScheduleRequest): Schedule {
  const { amount, termMonths, nominalRatePercent, noticeChannel, payoutDate } = request;
  const product = request.product ?? DEFAULT_PRODUCT;
  if (!amount.isFinite() || amount.lessThanOrEqualTo(0)) throw new RangeError(`amount must be > 0, got ${amount}`);
  if (!Number.isInteger(termMonths) || termMonths < 1)
    throw new RangeError(`termMonths must be ≥ 1, got ${termMonths}`);
  if (!nominalRatePercent.isFinite() || nominalRatePercent.isNegative()) {
    throw new RangeError(`nominal rate must be ≥ 0, got ${nominalRatePercent}`);
  }
  if (!isIsoDate(payoutDate)) throw new RangeError(`payoutDate is not a date: ${payoutDate}`);
  const channelFee = product.fees.notice[noticeChannel];
  if (channelFee === undefined) throw new RangeError(`unknown notice channel: ${String(noticeChannel)}`);

  const capitalised = capitalisedInterest(amount, nominalRatePercent, payoutDate, product);
  const initialPrincipal = amount.plus(capitalised);
  const rate = monthlyRate(nominalRatePercent);
  const monthlyPayment = annuityPayment(initialPrincipal, rate, termMonths);
  const perInvoiceFee = new Decimal(channelFee);
  const setupFee = new Decimal(product.fees.setup);

  const payoutMonth = monthIndex(payoutDate);
  // Installments whose principal + interest is the annuity share one total; computing it once
  // keeps a 120-month plan well under a millisecond (bench/quote.ts).
  const regularTotal = monthlyPayment.plus(perInvoiceFee);
  const installments: Installment[] = [];
  let balance = initialPrincipal;
  for (let number = 1; number <= termMonths; number++) {
    const { principal, interest, paysAnnuity } = installmentSplit(balance, rate, monthlyPayment, number === termMonths);
    const installmentSetupFee = number === 1 ? setupFee : ZERO;
    const fees = number === 1 ? perInvoiceFee.plus(setupFee) : perInvoiceFee;
    const total = paysAnnuity && number !== 1 ? regularTotal : principal.plus(interest).plus(fees);
    balance = balance.minus(principal);
    installments.push({
      number,
      dueDate: dueDateInMonth(payoutMonth + number),
      principal,
      interest,
      fees,
      noticeFee: perInvoiceFee,
      setupFee: installmentSetupFee,
      total,
      balanceAfter: balance,
    });
  }

  return {
    amount,
    termMonths,
    nominalRatePercent,
    noticeChannel,
    payoutDate,
    capitalisedInterest: capitalised,
    initialPrincipal,
    monthlyPayment,
    installments,
  };
}
