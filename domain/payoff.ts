/**
 * R-LOAN-7 on the loan's ledger: what settles the whole loan on a date, and when a partial early
 * repayment quote is refused.
 */
import type { OpenItem } from './allocation';
import { compareDates, type IsoDate } from './dates';
import { currentInterestPeriodStart, wholeEarlyRepayment } from './early-repayment';
import { customerDebt, type LedgerAccount } from './ledger';
import { Decimal, formatAmount, maxAmount, sumAmounts, ZERO } from './money';
import { lineRemaining } from './overdue';

/** An installment invoice as written: its lines as invoiced. */
export interface InvoicedInstallment {
  number: number;
  dueDate: IsoDate;
  lines: readonly { kind: string; amount: string }[];
}

export interface Payoff {
  /** Interest invoiced for periods not yet due: not earned, credited. */
  unearnedInterest: { invoiceNumber: number; amount: Decimal }[];
  /** Principal not yet invoiced. */
  principal: Decimal;
  interestToCharge: Decimal;
  interestToRefund: Decimal;
  accruedInterest: Decimal;
  unpaidInterest: Decimal;
  unpaidFees: Decimal;
  unpaidPrincipal: Decimal;
  total: Decimal;
}

/**
 * R-LOAN-7 whole: what settles the loan on `date`. Interest invoiced for periods not yet due is not
 * earned (credited); interest accrues from the start of the current interest period (R-PROD-4:
 * calendar months) on the principal not yet repaid of that period; interest already paid for the
 * current period is set against it (a surplus is refunded). Earlier unpaid items are paid as they are.
 */
export function payoffOn(input: {
  date: IsoDate;
  payoutDate: IsoDate;
  nominalRatePercent: Decimal;
  openItems: readonly OpenItem[];
  balances: Record<LedgerAccount, Decimal>;
  installments: readonly InvoicedInstallment[];
  paymentFreeDueDates: readonly IsoDate[];
}): Payoff {
  const { date, openItems: items, balances, installments } = input;
  const notYetDue = installments.filter((i) => compareDates(i.dueDate, date) >= 0);
  const periodStart = currentInterestPeriodStart({
    paymentDate: date,
    payoutDate: input.payoutDate,
    installmentDueDates: installments.map((i) => i.dueDate),
    paymentFreeDueDates: input.paymentFreeDueDates,
  });
  const invoiced = (i: InvoicedInstallment, kind: string) =>
    sumAmounts(i.lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));
  const unpaidInterestOf = (i: InvoicedInstallment) =>
    lineRemaining(
      items.find((it) => it.id === String(i.number)),
      'interest',
    );
  const unearnedInterest = notYetDue
    .map((i) => ({ invoiceNumber: i.number, amount: unpaidInterestOf(i) }))
    .filter((u) => u.amount.greaterThan(0));
  const paidCurrentInterest = sumAmounts(notYetDue.map((i) => invoiced(i, 'interest').minus(unpaidInterestOf(i))));
  const principalBase = balances.principal_outstanding.plus(sumAmounts(notYetDue.map((i) => invoiced(i, 'principal'))));
  const whole = wholeEarlyRepayment({
    outstandingPrincipal: maxAmount(ZERO, principalBase),
    nominalRatePercent: input.nominalRatePercent,
    interestPeriodStart: compareDates(periodStart, date) <= 0 ? periodStart : date,
    paymentDate: date,
    unpaidInterest: ZERO,
    unpaidFees: ZERO,
  });
  const net = whole.accruedInterest.minus(paidCurrentInterest);
  const credited = sumAmounts(unearnedInterest.map((u) => u.amount));
  const interestToCharge = maxAmount(ZERO, net);
  const interestToRefund = maxAmount(ZERO, net.negated());
  return {
    unearnedInterest,
    principal: balances.principal_outstanding,
    interestToCharge,
    interestToRefund,
    accruedInterest: whole.accruedInterest,
    unpaidInterest: balances.interest_receivable.plus(balances.default_interest_receivable).minus(credited),
    unpaidFees: balances.fees_receivable,
    unpaidPrincipal: balances.principal_outstanding.plus(balances.principal_invoiced),
    total: maxAmount(ZERO, customerDebt(balances).minus(credited).plus(interestToCharge).minus(interestToRefund)),
  };
}

/**
 * R-LOAN-7 partial: a partial amount must leave something to repay (else it is a whole repayment)
 * and exceed what is already invoiced and unpaid (the rest prepays principal). The refusal, or the
 * prepayment of principal.
 */
export function partialRepaymentPrepayment(input: {
  /** As the borrower asked for it, e.g. "20000" or "20000.00". */
  amount: string;
  payoff: Pick<Payoff, 'total' | 'principal'>;
  /** Everything invoiced and still unpaid. */
  openTotal: Decimal;
}): { prepayment: Decimal } | { refused: string; field: 'amount' } {
  const { payoff, openTotal } = input;
  const amount = new Decimal(input.amount);
  if (amount.greaterThanOrEqualTo(payoff.total))
    return {
      refused: `${input.amount} repays the whole loan (${formatAmount(payoff.total)}): ask for a whole quote`,
      field: 'amount',
    };
  const prepayment = amount.minus(openTotal);
  if (!prepayment.greaterThan(0) || !payoff.principal.greaterThan(prepayment))
    return {
      refused: `the amount must exceed what is already invoiced and unpaid (${formatAmount(openTotal)})`,
      field: 'amount',
    };
  return { prepayment };
}
