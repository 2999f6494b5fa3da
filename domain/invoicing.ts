/**
 * The running loan's monthly cycle (R-LOAN-1, R-LOAN-3): when an invoice is issued, what it
 * contains, and when a late invoice gets its late fee and its reminder.
 */
import type { OpenLineKind } from './allocation';
import { addBankingDays, bankingDayOnOrAfter, nextBankingDayAfter } from './calendar';
import { addDays, addMonths, firstOfMonth, formatIsoDate, type IsoDate, parseIsoDate } from './dates';
import type { InvoiceLine } from './ledger';
import { monthlyRate } from './annuity';
import { Decimal, sumAmounts } from './money';
import { DEFAULT_PRODUCT, type NoticeChannel, type ProductParameters } from './product';
import { installmentDueDate, installmentSplit, noticeFee, type PlannedInstallment } from './schedule';

/** R-LOAN-1: the invoice for an installment due in month M is issued on M's 15th or the next banking day. */
export function invoiceIssueDate(dueDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  const { year, month } = parseIsoDate(dueDate);
  return bankingDayOnOrAfter(formatIsoDate({ year, month, day: product.loan.invoiceDayOfMonth }));
}

/**
 * R-LOAN-3: an invoice not fully paid by its due date is late from the next banking day (the day
 * loans started before the settlement lag charge their late fee on).
 */
export function lateFeeDate(dueDate: IsoDate): IsoDate {
  return nextBankingDayAfter(dueDate);
}

/**
 * R-PAY-1: the first day on which every payment with a value date on or before `lastDay` has had
 * the settlement lag to arrive in a bank file: the (1 + lag)th banking day after `lastDay`.
 */
export function settledAfter(lastDay: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  return addBankingDays(lastDay, 1 + product.loan.settlementLagBankingDays);
}

/**
 * R-LOAN-3, R-PAY-1: the day a late invoice's late fee is charged: once the payments made by the due
 * date have had the settlement lag to arrive (the third banking day of the next month by default).
 */
export function lateFeeChargeDate(dueDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  return settledAfter(dueDate, product);
}

/** R-LOAN-3: the reminder goes out at the beginning of the month after the due date. */
export function reminderDate(dueDate: IsoDate): IsoDate {
  return bankingDayOnOrAfter(addMonths(firstOfMonth(dueDate), 1));
}

/** R-LOAN-3, R-PAY-1: with the settlement lag, the reminder goes with the late fee, never before it. */
export function laggedReminderDate(dueDate: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  const fee = lateFeeChargeDate(dueDate, product);
  const reminder = reminderDate(dueDate);
  return reminder > fee ? reminder : fee;
}

/** R-LOAN-3: the reminder's new due date (default 14 days after it is sent). */
export function reminderDueDate(sentOn: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  return addDays(sentOn, product.loan.reminderDueDays);
}

/** An installment's invoice lines, fees first (the order allocation settles them, R-LOAN-2). */
export function installmentInvoiceLines(parts: {
  principal: Decimal;
  interest: Decimal;
  noticeFee: Decimal;
  setupFee: Decimal;
}): InvoiceLine[] {
  const lines: { kind: OpenLineKind; amount: Decimal }[] = [
    { kind: 'setup-fee', amount: parts.setupFee },
    { kind: 'notice-fee', amount: parts.noticeFee },
    { kind: 'interest', amount: parts.interest },
    { kind: 'principal', amount: parts.principal },
  ];
  return lines.filter((l) => !l.amount.isZero());
}

export function invoiceTotal(lines: readonly InvoiceLine[]): Decimal {
  return sumAmounts(lines.map((l) => l.amount));
}

/**
 * R-LOAN-12: every installment not yet invoiced, split into principal, interest and fees, from the
 * loan's current principal, rate and monthly payment (so it follows rate changes and repayments).
 */
export function remainingPaymentPlan(loan: {
  payoutDate: IsoDate;
  termMonths: number;
  nextNumber: number;
  principalOutstanding: Decimal;
  nominalRatePercent: Decimal;
  monthlyPayment: Decimal;
  noticeChannel: NoticeChannel;
  product?: ProductParameters;
}): PlannedInstallment[] {
  const product = loan.product ?? DEFAULT_PRODUCT;
  const rate = monthlyRate(loan.nominalRatePercent);
  const plan: PlannedInstallment[] = [];
  let balance = loan.principalOutstanding;
  for (let number = loan.nextNumber; number <= loan.termMonths && balance.greaterThan(0); number++) {
    const { principal, interest } = installmentSplit(balance, rate, loan.monthlyPayment, number === loan.termMonths);
    const fees = noticeFee(loan.noticeChannel, product).plus(number === 1 ? new Decimal(product.fees.setup) : 0);
    balance = balance.minus(principal);
    plan.push({
      number,
      dueDate: installmentDueDate(loan.payoutDate, number),
      principal,
      interest,
      fees,
      total: principal.plus(interest).plus(fees),
      balanceAfter: balance,
    });
  }
  return plan;
}
