/**
 * The loan's servicing rules that the loan activities apply to the ledger: what counts as overdue
 * and the default interest it bears (R-LOAN-3, R-LOAN-4), the payoff and the partial-quote refusals
 * (R-LOAN-7), the rate in force (R-LOAN-5), the withdrawal's interest per day (R-LOAN-8), when a
 * payment wakes the loan (R-LOAN-2), and the request limits the API and the workflow share.
 */
import type { OpenItem } from '../../domain/allocation';
import { addDays } from '../../domain/dates';
import { defaultInterestOnAmount, postedDefaultInterest } from '../../domain/default-interest';
import { idempotencyKey } from '../../domain/idempotency';
import { checkEarlyRepaymentDate, currentInterestPeriodStart, wholeEarlyRepayment } from '../../domain/early-repayment';
import { balancesByAccount, customerDebt } from '../../domain/ledger';
import { ENDED_LOAN_STATUSES, hasLoanEnded, isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { paymentWakesLoan } from '../../domain/payment-wake';
import { Decimal } from '../../domain/money';
import {
  defaultInterestToAccrue,
  lineRemaining,
  overdueAmount,
  overdueItems,
  TERMINATION_COUNTED_KINDS,
} from '../../domain/overdue';
import { partialRepaymentPrepayment, payoffOn } from '../../domain/payoff';
import {
  checkNewRatePercent,
  firstInstallmentAtNewRate,
  rateInForce,
  recomputeAnnuityForRateChange,
} from '../../domain/rate-change';
import { invoiceIssueDate } from '../../domain/invoicing';
import { installmentDueDate } from '../../domain/schedule';
import { withdrawalInterestPerDay } from '../../domain/withdrawal';

const d = (s: string | number) => new Decimal(s);

const item = (id: string, dueDate: string, lines: [OpenItem['lines'][number]['kind'], string][]): OpenItem => ({
  id,
  dueDate,
  lines: lines.map(([kind, remaining]) => ({ kind, remaining: d(remaining) })),
});

describe('overdue amounts and default interest (R-LOAN-3, R-LOAN-4)', () => {
  const late = item('1', '2026-02-27', [
    ['notice-fee', '20.00'],
    ['late-fee', '95.00'],
    ['interest', '100.00'],
    ['principal', '900.00'],
  ]);

  it('R-LOAN-3: default interest is borne by the installment, not by fees', () => {
    expect(overdueAmount(late).toFixed(2)).toBe('1000.00');
    expect(lineRemaining(late, 'interest').toFixed(2)).toBe('100.00');
    expect(lineRemaining(undefined, 'interest').toFixed(2)).toBe('0.00');
  });

  it('R-LOAN-4: the termination grounds count the installment and its fees', () => {
    expect(overdueAmount(late, TERMINATION_COUNTED_KINDS).toFixed(2)).toBe('1115.00');
  });

  it('R-LOAN-3: only items due before the date are overdue', () => {
    const notDue = item('2', '2026-03-31', [['principal', '900.00']]);
    expect(overdueItems([late, notDue], '2026-03-31').map((i) => i.id)).toEqual(['1']);
  });

  it('R-LOAN-3: accrues from the due date the first time, from the last accrual after that', () => {
    const rate = d('9.95');
    const first = defaultInterestToAccrue({
      openItems: [late],
      nominalRatePercent: rate,
      accruedUntil: null,
      until: '2026-03-20',
    });
    const expected = defaultInterestOnAmount({
      overdueAmount: d('1000.00'),
      nominalRatePercent: rate,
      dueDate: '2026-02-27',
      until: '2026-03-20',
    }).interest;
    expect(first).toEqual({ posted: postedDefaultInterest(expected), onInvoice: 1 });
    const next = defaultInterestToAccrue({
      openItems: [late],
      nominalRatePercent: rate,
      accruedUntil: '2026-03-20',
      until: '2026-03-30',
    });
    const tenDays = defaultInterestOnAmount({
      overdueAmount: d('1000.00'),
      nominalRatePercent: rate,
      dueDate: '2026-03-20',
      until: '2026-03-30',
    }).interest;
    expect(next!.posted.toFixed(2)).toBe(postedDefaultInterest(tenDays).toFixed(2));
  });

  it('R-LOAN-3: nothing to accrue when already accrued up to the date, nothing posted when nothing is late', () => {
    expect(
      defaultInterestToAccrue({
        openItems: [late],
        nominalRatePercent: d(10),
        accruedUntil: '2026-03-20',
        until: '2026-03-20',
      }),
    ).toBeNull();
    expect(
      defaultInterestToAccrue({
        openItems: [late],
        nominalRatePercent: d(10),
        accruedUntil: null,
        until: '2026-02-27',
      }),
    ).toEqual({ posted: d(0), onInvoice: null });
  });
});

describe('the payoff and the partial quote (R-LOAN-7)', () => {
  const payoutDate = '2026-01-10';
  const rate = d('12');

  it('R-LOAN-7: with nothing invoiced, the debt plus the interest accrued in the current period', () => {
    const balances = balancesByAccount([
      { account: 'principal_outstanding', amount: d('10000.00') },
      { account: 'bank', amount: d('-10000.00') },
    ]);
    const date = '2026-03-20';
    const payoff = payoffOn({
      date,
      payoutDate,
      nominalRatePercent: rate,
      openItems: [],
      balances,
      installments: [],
      paymentFreeDueDates: [],
    });
    const start = currentInterestPeriodStart({
      paymentDate: date,
      payoutDate,
      installmentDueDates: [],
      paymentFreeDueDates: [],
    });
    const whole = wholeEarlyRepayment({
      outstandingPrincipal: d('10000.00'),
      nominalRatePercent: rate,
      interestPeriodStart: start,
      paymentDate: date,
      unpaidInterest: d(0),
      unpaidFees: d(0),
    });
    expect(payoff.interestToCharge.toFixed(2)).toBe(whole.accruedInterest.toFixed(2));
    expect(payoff.interestToRefund.toFixed(2)).toBe('0.00');
    expect(payoff.unearnedInterest).toEqual([]);
    expect(payoff.total.toFixed(2)).toBe(customerDebt(balances).plus(whole.accruedInterest).toFixed(2));
  });

  it('R-LOAN-7: interest invoiced for a period not yet due is credited; what was paid of it counts as paid', () => {
    const dueDate = '2026-03-31';
    const balances = balancesByAccount([
      { account: 'principal_outstanding', amount: d('9100.00') },
      { account: 'principal_invoiced', amount: d('900.00') },
      { account: 'interest_receivable', amount: d('60.00') },
      { account: 'bank', amount: d('-10060.00') },
    ]);
    const open = item('1', dueDate, [
      ['interest', '60.00'],
      ['principal', '900.00'],
    ]);
    const payoff = payoffOn({
      date: '2026-03-20',
      payoutDate,
      nominalRatePercent: rate,
      openItems: [open],
      balances,
      installments: [
        {
          number: 1,
          dueDate,
          lines: [
            { kind: 'interest', amount: '100.00' },
            { kind: 'principal', amount: '900.00' },
          ],
        },
      ],
      paymentFreeDueDates: [],
    });
    expect(payoff.unearnedInterest).toEqual([{ invoiceNumber: 1, amount: d('60.00') }]);
    const net = payoff.accruedInterest.minus('40.00');
    expect(payoff.interestToCharge.minus(payoff.interestToRefund).toFixed(2)).toBe(net.toFixed(2));
    expect(payoff.total.toFixed(2)).toBe(customerDebt(balances).minus('60.00').plus(net).toFixed(2));
    expect(payoff.unpaidPrincipal.toFixed(2)).toBe('10000.00');
  });

  it('R-LOAN-7: a partial amount that repays everything, or not more than what is invoiced, is refused', () => {
    const payoff = { total: d('10100.00'), principal: d('9000.00') };
    expect(partialRepaymentPrepayment({ amount: '10100', payoff, openTotal: d('1000.00') })).toEqual({
      refused: '10100 repays the whole loan (10100.00): ask for a whole quote',
      field: 'amount',
    });
    expect(partialRepaymentPrepayment({ amount: '1000.00', payoff, openTotal: d('1000.00') })).toEqual({
      refused: 'the amount must exceed what is already invoiced and unpaid (1000.00)',
      field: 'amount',
    });
    expect(partialRepaymentPrepayment({ amount: '3000.00', payoff, openTotal: d('1000.00') })).toEqual({
      prepayment: d('2000.00'),
    });
  });
});

describe('the rate in force (R-LOAN-5)', () => {
  const change = {
    changeId: 'c',
    firstInstallment: 5,
    remainingInstallments: 20,
    newRatePercent: '11.45',
    newMonthlyPayment: '500.00',
  };
  const base = {
    termMonths: 24,
    nominalRatePercent: '9.95',
    monthlyPayment: '460.00',
    principalOutstanding: d('9000'),
  };

  it('R-LOAN-5: before its first installment the old rate holds; from it the announced one', () => {
    expect(rateInForce({ ...base, number: 4, scheduled: [change] })).toEqual({
      nominalRatePercent: '9.95',
      monthlyPayment: '460.00',
      applied: [],
    });
    expect(rateInForce({ ...base, number: 5, scheduled: [change] })).toEqual({
      nominalRatePercent: '11.45',
      monthlyPayment: '500.00',
      applied: [change],
    });
  });

  it('R-LOAN-5, R-LOAN-6: a term moved since the announcement recomputes the annuity over what is left', () => {
    const inForce = rateInForce({ ...base, termMonths: 25, number: 5, scheduled: [change] });
    const expected = recomputeAnnuityForRateChange({
      outstandingPrincipal: d('9000'),
      remainingInstallments: 21,
      newNominalRatePercent: d('11.45'),
    }).monthlyPayment;
    expect(inForce.monthlyPayment).toBe(expected.toFixed(2));
  });

  it('R-LOAN-5: the first installment at a new rate is the first invoiced on or after the effective date', () => {
    const payoutDate = '2026-01-10';
    const effectiveFrom = invoiceIssueDate(installmentDueDate(payoutDate, 4));
    expect(firstInstallmentAtNewRate(payoutDate, 2, effectiveFrom)).toBe(4);
    expect(firstInstallmentAtNewRate(payoutDate, 2, addDays(effectiveFrom, 1))).toBe(5);
  });

  it('R-LOAN-5: a new rate is 0 to 40 percent with at most two decimals', () => {
    for (const ok of ['0', '10.45', '40', '40.00']) expect(checkNewRatePercent(ok)).toEqual({ ok: true });
    for (const bad of ['40.01', '10.455', '-1', '100', '10.5%', '']) expect(checkNewRatePercent(bad).ok).toBe(false);
  });
});

describe('the withdrawal, the payment and the loan statuses', () => {
  it('R-LOAN-8: interest per day is the principal at the nominal rate over 365 days', () => {
    expect(withdrawalInterestPerDay(d('50000'), d('9.95')).toFixed(4)).toBe('13.6301');
  });

  it('R-LOAN-2: a payment of an invoice not yet due on a running loan leaves the loan asleep', () => {
    const quiet = { somethingWasOverdue: false, debtLeft: true, settledEarlyRepayment: false, loanStatus: 'ACTIVE' };
    expect(paymentWakesLoan(quiet)).toBe(false);
    expect(paymentWakesLoan({ ...quiet, somethingWasOverdue: true })).toBe(true);
    expect(paymentWakesLoan({ ...quiet, debtLeft: false })).toBe(true);
    expect(paymentWakesLoan({ ...quiet, settledEarlyRepayment: true })).toBe(true);
    expect(paymentWakesLoan({ ...quiet, loanStatus: 'TERMINATION_NOTICE' })).toBe(true);
  });

  it('a loan runs while ACTIVE or under notice, and has ended when CLOSED, IN_COLLECTION or WITHDRAWN', () => {
    expect(['ACTIVE', 'TERMINATION_NOTICE'].map(isInvoicedLoanStatus)).toEqual([true, true]);
    expect(ENDED_LOAN_STATUSES.map(hasLoanEnded)).toEqual([true, true, true]);
    expect(hasLoanEnded('WITHDRAWAL_PENDING')).toBe(false);
  });

  it('R-LOAN-7: a quote is for today up to 30 days ahead', () => {
    const today = '2026-03-10';
    expect(checkEarlyRepaymentDate(today, today)).toEqual({ ok: true });
    expect(checkEarlyRepaymentDate(today, addDays(today, 30))).toEqual({ ok: true });
    expect(checkEarlyRepaymentDate(today, addDays(today, 31))).toEqual({
      ok: false,
      message: 'a quote can be made at most 30 days ahead',
    });
    expect(checkEarlyRepaymentDate(today, addDays(today, -1))).toEqual({
      ok: false,
      message: 'the payment date is in the past',
    });
  });
});

describe('idempotency keys', () => {
  it('are the scope and the step joined by colons', () => {
    expect(idempotencyKey('loan-123', 'bureau-late', 7)).toBe('loan-123:bureau-late:7');
    expect(`${idempotencyKey('L1', 'invoice', 3)}:notice`).toBe('L1:invoice:3:notice');
    expect(() => idempotencyKey('')).toThrow(/scope/);
  });
});
