import fc from 'fast-check';
import { monthlyRate } from '../../domain/annuity';
import {
  currentInterestPeriodStart,
  InvalidEarlyRepaymentError,
  partialEarlyRepayment,
  planWithFixedPayment,
  wholeEarlyRepayment,
} from '../../domain/early-repayment';
import { Decimal } from '../../domain/money';
import {
  applyPaymentFreeMonth,
  checkPaymentFreeMonthEligibility,
  InvalidPaymentFreeMonthError,
} from '../../domain/payment-free-month';
import {
  assertChangeNotice,
  checkChangeNotice,
  earliestChangeEffectiveDate,
  InvalidRateChangeError,
  RateChangeNoticeTooShortError,
  recomputeAnnuityForRateChange,
} from '../../domain/rate-change';
import { buildSchedule, installmentDueDate } from '../../domain/schedule';
import {
  assertWithdrawalEligible,
  checkLoanWithdrawalEligibility,
  checkWithdrawalEligibility,
  InvalidWithdrawalError,
  WithdrawalPeriodExpiredError,
  withdrawalPeriodLastDay,
  withdrawalRepaymentDueDate,
  withdrawalSettlement,
} from '../../domain/withdrawal';

fc.configureGlobal({ seed: 20250405, numRuns: 150 });

const d = (s: string) => new Decimal(s);
const str = (x: Decimal) => x.toFixed(2);

// Annuity A = P·r·g / (g − 1) with r = nominal/12, g = (1 + r)^n, rounded half-up to öre (R-PROD-3).

describe('rate change (R-LOAN-5, R-LOAN-10)', () => {
  it('R-LOAN-5: recomputes the annuity over the remaining term at the new rate', () => {
    // 80 000.00 over 48 months: at 9.95 % A = 2 027.09; at 11.95 %: r = 0.1195/12 = 0.00995833…,
    // g = 1.00995833…^48 = 1.6090366…, A = 80 000 × 0.00995833… × 1.6090366… / 0.6090366… = 2 104.74.
    const result = recomputeAnnuityForRateChange({
      outstandingPrincipal: d('80000.00'),
      remainingInstallments: 48,
      newNominalRatePercent: d('11.95'),
    });
    expect(str(result.monthlyPayment)).toBe('2104.74');
    expect(result.remainingInstallments).toBe(48);
    expect(result.monthlyRate.equals(d('0.1195').div(12))).toBe(true);
    // The new payment repays the principal in exactly the remaining 48 installments.
    expect(planWithFixedPayment(d('80000.00'), d('11.95'), result.monthlyPayment).installments).toBe(48);
  });

  it('R-LOAN-5: a 0 % rate divides the principal evenly', () => {
    const result = recomputeAnnuityForRateChange({
      outstandingPrincipal: d('48000.00'),
      remainingInstallments: 48,
      newNominalRatePercent: d('0'),
    });
    expect(str(result.monthlyPayment)).toBe('1000.00');
  });

  it('R-LOAN-5: rejects invalid input', () => {
    const base = { outstandingPrincipal: d('1000'), remainingInstallments: 12, newNominalRatePercent: d('9.95') };
    expect(() => recomputeAnnuityForRateChange({ ...base, outstandingPrincipal: d('0') })).toThrow(
      InvalidRateChangeError,
    );
    expect(() => recomputeAnnuityForRateChange({ ...base, remainingInstallments: 0 })).toThrow(InvalidRateChangeError);
    expect(() => recomputeAnnuityForRateChange({ ...base, remainingInstallments: 1.5 })).toThrow(
      InvalidRateChangeError,
    );
    expect(() => recomputeAnnuityForRateChange({ ...base, newNominalRatePercent: d('-0.5') })).toThrow(
      InvalidRateChangeError,
    );
  });

  it('R-LOAN-10: takes effect at the earliest one month after the borrower is deemed notified', () => {
    // Published 2025-03-14 → deemed received 2025-03-15 (seed §22) → one month → 2025-04-15.
    expect(earliestChangeEffectiveDate('2025-03-14')).toBe('2025-04-15');
    expect(checkChangeNotice('2025-03-14', '2025-04-15')).toEqual({ ok: true, earliestEffectiveDate: '2025-04-15' });
    const tooEarly = checkChangeNotice('2025-03-14', '2025-04-14');
    expect(tooEarly.ok).toBe(false);
    if (!tooEarly.ok) {
      expect(tooEarly.error).toBeInstanceOf(RateChangeNoticeTooShortError);
      expect(tooEarly.error.message).toContain('2025-04-15');
    }
    expect(() => assertChangeNotice('2025-03-14', '2025-04-14')).toThrow(RateChangeNoticeTooShortError);
    // Published 30 Jan → received 31 Jan → one month = 28 Feb (no 31 Feb).
    expect(earliestChangeEffectiveDate('2025-01-30')).toBe('2025-02-28');
  });
});

describe('payment-free month (R-LOAN-6)', () => {
  const eligibility = (installmentDueDate: string, previous: string[], overdue = '0') =>
    checkPaymentFreeMonthEligibility({
      installmentDueDate,
      overdueAmount: d(overdue),
      previousPaymentFreeMonths: previous,
    });

  it('R-LOAN-6: eligible when nothing is overdue and none was taken in the last 12 months', () => {
    expect(eligibility('2025-03-31', [])).toEqual({ eligible: true });
    // March 2024 and March 2025 are 12 months apart: allowed.
    expect(eligibility('2025-03-31', ['2024-03-29'])).toEqual({ eligible: true });
  });

  it('R-LOAN-6: refused while anything is overdue', () => {
    expect(eligibility('2025-03-31', [], '95.00')).toMatchObject({
      eligible: false,
      refusals: [{ reason: 'amount-overdue' }],
    });
  });

  it('R-LOAN-6: at most one in any 12 consecutive months (rolling, both directions)', () => {
    // April 2024 → March 2025 is 11 months: too close.
    expect(eligibility('2025-03-31', ['2024-04-30'])).toMatchObject({
      eligible: false,
      refusals: [{ reason: 'limit-reached' }],
    });
    // An already granted later month counts too.
    expect(eligibility('2025-03-31', ['2025-09-30'])).toMatchObject({ eligible: false });
    // Both refusals are reported together.
    const both = eligibility('2025-03-31', ['2025-01-31'], '10.00');
    expect(both.eligible).toBe(false);
    if (!both.eligible) expect(both.refusals.map((r) => r.reason)).toEqual(['amount-overdue', 'limit-reached']);
  });

  it('R-LOAN-6: the month interest and fees are added to the debt and the term grows by one month', () => {
    // Interest: 100 000.00 × 0.0995 / 12 = 829.1666… → 829.17; paper notice fee 45.00.
    // New principal 100 000.00 + 829.17 + 45.00 = 100 874.17, still 48 installments (one month later):
    // A = 2 556.01 (on 100 000.00 over 48 months it would be 2 533.86).
    const effect = applyPaymentFreeMonth({
      outstandingPrincipal: d('100000.00'),
      remainingInstallments: 48,
      nominalRatePercent: d('9.95'),
      feesForTheMonth: d('45.00'),
    });
    expect(str(effect.capitalisedInterest)).toBe('829.17');
    expect(str(effect.capitalisedFees)).toBe('45.00');
    expect(str(effect.newOutstandingPrincipal)).toBe('100874.17');
    expect(effect.remainingInstallments).toBe(48);
    expect(effect.termExtendedByMonths).toBe(1);
    expect(str(effect.monthlyPayment)).toBe('2556.01');
  });

  it('R-LOAN-6: keeping the term instead recomputes the annuity over one installment fewer', () => {
    // 100 874.17 over 47 months at 9.95 % → A = 2 600.34.
    const effect = applyPaymentFreeMonth({
      outstandingPrincipal: d('100000.00'),
      remainingInstallments: 48,
      nominalRatePercent: d('9.95'),
      feesForTheMonth: d('45.00'),
      mode: 'keep-term',
    });
    expect(effect).toMatchObject({ remainingInstallments: 47, termExtendedByMonths: 0 });
    expect(str(effect.monthlyPayment)).toBe('2600.34');
  });

  it('R-LOAN-6: rejects skipping the last installment while keeping the term, and invalid input', () => {
    const base = { outstandingPrincipal: d('1000'), remainingInstallments: 1, nominalRatePercent: d('9.95') };
    expect(() => applyPaymentFreeMonth({ ...base, feesForTheMonth: d('0'), mode: 'keep-term' })).toThrow(
      InvalidPaymentFreeMonthError,
    );
    expect(() => applyPaymentFreeMonth({ ...base, feesForTheMonth: d('-1') })).toThrow(InvalidPaymentFreeMonthError);
    expect(() => eligibility('2025-02-30', [])).toThrow(InvalidPaymentFreeMonthError);
  });
});

describe('early repayment (R-LOAN-7)', () => {
  it('R-LOAN-7: whole repayment = principal + interest to the payment date + unpaid items, no fee', () => {
    // 75 000.00 × 9.95 % × 19 days (1 May → 20 May) / 365 = 141 787.5 / 365 = 388.4589… → 388.46.
    // Total 75 000.00 + 388.46 + 0 + 45.00 = 75 433.46.
    const result = wholeEarlyRepayment({
      outstandingPrincipal: d('75000.00'),
      nominalRatePercent: d('9.95'),
      interestPeriodStart: '2025-05-01',
      paymentDate: '2025-05-20',
      unpaidInterest: d('0'),
      unpaidFees: d('45.00'),
    });
    expect(result.accruedInterestDays).toBe(19);
    expect(str(result.accruedInterest)).toBe('388.46');
    expect(str(result.earlyRepaymentFee)).toBe('0.00');
    expect(str(result.total)).toBe('75433.46');
  });

  it('R-LOAN-7: paying on the first day of the interest period adds no interest', () => {
    const result = wholeEarlyRepayment({
      outstandingPrincipal: d('75000.00'),
      nominalRatePercent: d('9.95'),
      interestPeriodStart: '2025-05-01',
      paymentDate: '2025-05-01',
      unpaidInterest: d('12.34'),
      unpaidFees: d('0'),
    });
    expect(str(result.total)).toBe('75012.34');
  });

  it('R-LOAN-7: rejects a payment date before the interest period start', () => {
    expect(() =>
      wholeEarlyRepayment({
        outstandingPrincipal: d('1000'),
        nominalRatePercent: d('9.95'),
        interestPeriodStart: '2025-05-01',
        paymentDate: '2025-04-30',
        unpaidInterest: d('0'),
        unpaidFees: d('0'),
      }),
    ).toThrow(InvalidEarlyRepaymentError);
  });

  it('R-LOAN-7: a partial repayment keeps the payment and shortens the term', () => {
    // 100 000.00 over 60 months at 9.95 %: A = 2 122.25. After prepaying 20 000.00, 80 000.00 at
    // 2 122.25 a month: n = −ln(1 − r·P/A) / ln(1 + r) = −ln(1 − 663.33/2 122.25) / ln(1.0082917)
    // = 0.37484 / 0.0082575 = 45.39 → 45 full installments and a 46th, smaller one. Running the plan
    // month by month (interest rounded to öre each month) leaves 816.72 principal + 6.77 interest.
    const result = partialEarlyRepayment({
      outstandingPrincipal: d('100000.00'),
      prepayment: d('20000.00'),
      nominalRatePercent: d('9.95'),
      monthlyPayment: d('2122.25'),
      remainingInstallmentsBefore: 60,
    });
    expect(str(result.newOutstandingPrincipal)).toBe('80000.00');
    expect(result.installments).toBe(46);
    expect(result.termShortenedByMonths).toBe(14);
    expect(str(result.monthlyPayment)).toBe('2122.25');
    expect(str(result.lastInstallment.principal)).toBe('816.72');
    expect(str(result.lastInstallment.interest)).toBe('6.77');
    expect(str(result.lastInstallment.total)).toBe('823.49');
  });

  it('R-LOAN-7: rejects prepaying everything (use whole repayment) and payments below the interest', () => {
    const base = { outstandingPrincipal: d('1000'), nominalRatePercent: d('9.95'), monthlyPayment: d('100') };
    expect(() => partialEarlyRepayment({ ...base, prepayment: d('1000') })).toThrow(/wholeEarlyRepayment/);
    expect(() => partialEarlyRepayment({ ...base, prepayment: d('0') })).toThrow(InvalidEarlyRepaymentError);
    // 100 000 × 0.0995 / 12 = 829.17 interest a month > 500.
    expect(() => planWithFixedPayment(d('100000'), d('9.95'), d('500'))).toThrow(/does not cover the interest/);
  });

  it('R-PROD-3, R-LOAN-7: at the plan payment the installment count and last installment match the plan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30_000, max: 200_000 }),
        fc.integer({ min: 24, max: 120 }),
        fc.integer({ min: 775, max: 1895 }),
        fc.integer({ min: 1, max: 28 }),
        (amount, termMonths, rateBasisPoints, payoutDay) => {
          const nominalRatePercent = new Decimal(rateBasisPoints).div(100);
          const schedule = buildSchedule({
            amount: new Decimal(amount),
            termMonths,
            nominalRatePercent,
            noticeChannel: 'autogiro',
            payoutDate: `2025-03-${String(payoutDay).padStart(2, '0')}`,
          });
          const shape = planWithFixedPayment(schedule.initialPrincipal, nominalRatePercent, schedule.monthlyPayment);
          const last = schedule.installments[schedule.installments.length - 1]!;
          expect(shape.installments).toBe(termMonths);
          expect(str(shape.lastInstallment.principal)).toBe(str(last.principal));
          expect(str(shape.lastInstallment.interest)).toBe(str(last.interest));
        },
      ),
    );
  });

  it('R-LOAN-7: a larger prepayment never lengthens the term; the plan repays exactly the principal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000, max: 20_000_000 }), // principal in öre
        fc.integer({ min: 1, max: 99 }), // prepayment share in %
        fc.integer({ min: 1, max: 99 }),
        (principalOre, shareA, shareB) => {
          const principal = new Decimal(principalOre).div(100);
          const rate = d('12.5');
          const payment = new Decimal(principalOre).div(100).div(40).toDecimalPlaces(2); // roughly 48 months
          const plan = (share: number) =>
            partialEarlyRepayment({
              outstandingPrincipal: principal,
              prepayment: principal.times(share).div(100).toDecimalPlaces(2),
              nominalRatePercent: rate,
              monthlyPayment: payment,
            });
          const [small, large] = shareA <= shareB ? [plan(shareA), plan(shareB)] : [plan(shareB), plan(shareA)];
          expect(large.installments).toBeLessThanOrEqual(small.installments);
          // Σ principal parts = principal: (n − 1) · A − Σ interest of those + last principal.
          const r = monthlyRate(rate);
          let balance = small.newOutstandingPrincipal;
          for (let i = 1; i < small.installments; i++) {
            balance = balance.minus(payment.minus(balance.times(r).toDecimalPlaces(2)));
          }
          expect(str(balance)).toBe(str(small.lastInstallment.principal));
        },
      ),
    );
  });
});

describe('early repayment interest period (R-LOAN-7, R-PROD-4)', () => {
  // Paid out 2025-12-10: the first interest period is January 2026, whose due date is Fri 2026-01-30.
  const payoutDate = '2025-12-10';
  const dues = (n: number) => Array.from({ length: n }, (_, k) => installmentDueDate(payoutDate, k + 1));
  const start = (paymentDate: string, invoiced: number, paymentFreeDueDates: string[] = []) =>
    currentInterestPeriodStart({ paymentDate, payoutDate, installmentDueDates: dues(invoiced), paymentFreeDueDates });

  it('is the 1st of the payment date’s month, whatever day the last installment fell due', () => {
    expect(dues(1)).toEqual(['2026-01-30']);
    expect(start('2026-02-10', 1)).toBe('2026-02-01');
    expect(start('2026-05-20', 5)).toBe('2026-05-01'); // May's invoice issued, not yet due
  });

  it('moves to the next month when the month’s installment fell due before the payment date (month end on a weekend)', () => {
    expect(start('2026-01-31', 1)).toBe('2026-02-01');
  });

  it('moves past a month whose interest a payment-free month capitalised (R-LOAN-6)', () => {
    const may = installmentDueDate(payoutDate, 5);
    expect(start('2026-05-20', 4, [may])).toBe('2026-06-01');
    expect(start('2026-06-10', 4, [may])).toBe('2026-06-01');
  });

  it('is never before the first interest period (interest to it was capitalised at payout)', () => {
    expect(start('2025-12-20', 0)).toBe('2026-01-01');
  });
});

describe('withdrawal (R-LOAN-8)', () => {
  it('R-LOAN-8: 14 days from the agreement date, the start day not counted', () => {
    // 2025-03-03 (Monday) + 14 = 2025-03-17 (Monday).
    expect(withdrawalPeriodLastDay('2025-03-03')).toBe('2025-03-17');
    expect(checkWithdrawalEligibility('2025-03-03', '2025-03-17')).toEqual({
      eligible: true,
      lastDay: '2025-03-17',
      repaymentDueDate: '2025-04-16', // 17 Mar + 30 = 16 Apr, a Wednesday
    });
    const late = checkWithdrawalEligibility('2025-03-03', '2025-03-18');
    expect(late.eligible).toBe(false);
    if (!late.eligible) expect(late.error).toBeInstanceOf(WithdrawalPeriodExpiredError);
    expect(() => assertWithdrawalEligible('2025-03-03', '2025-03-18')).toThrow(/ended on 2025-03-17/);
  });

  it("R-LOAN-8: a notice given before a running loan's payout date is in time; the 14 days run from the payout", () => {
    expect(checkLoanWithdrawalEligibility('2026-11-30', '2026-11-29')).toMatchObject({
      eligible: true,
      lastDay: '2026-12-14',
    });
    expect(checkLoanWithdrawalEligibility('2026-11-30', '2026-12-15')).toMatchObject({ eligible: false });
  });

  it('R-LOAN-8: a last day on a weekend or holiday moves to the next banking day', () => {
    // 2025-03-01 + 14 = Saturday 2025-03-15 → Monday 2025-03-17.
    expect(withdrawalPeriodLastDay('2025-03-01')).toBe('2025-03-17');
    // 2025-12-10 + 14 = Christmas eve; 25–26 Dec holidays, 27–28 weekend → Monday 2025-12-29.
    expect(withdrawalPeriodLastDay('2025-12-10')).toBe('2025-12-29');
    // Repayment: 2025-05-07 + 30 = Friday 6 June, national day → Monday 2025-06-09.
    expect(withdrawalRepaymentDueDate('2025-05-07')).toBe('2025-06-09');
  });

  it('R-LOAN-8: a notice before the agreement date is rejected with a clear error', () => {
    const result = checkWithdrawalEligibility('2025-03-03', '2025-03-02');
    expect(result.eligible).toBe(false);
    if (!result.eligible) expect(result.error).toBeInstanceOf(InvalidWithdrawalError);
  });

  it('R-LOAN-8: repay principal + interest from payout; fees paid are refunded', () => {
    // 100 000.00 × 9.95 % × 30 days (5 Mar → 4 Apr) / 365 = 298 500 / 365 = 817.808… → 817.81.
    const result = withdrawalSettlement({
      principalPaidOut: d('100000.00'),
      nominalRatePercent: d('9.95'),
      payoutDate: '2025-03-05',
      repaymentDate: '2025-04-04',
      feesPaidToLender: d('350.00'),
    });
    expect(result.interestDays).toBe(30);
    expect(str(result.interest)).toBe('817.81');
    expect(str(result.amountToRepay)).toBe('100817.81');
    expect(str(result.feesToRefund)).toBe('350.00');
    expect(str(result.netAmountToRepay)).toBe('100467.81');
    expect(() => withdrawalSettlement({ ...sampleSettlement, repaymentDate: '2025-03-04' })).toThrow(
      InvalidWithdrawalError,
    );
  });
});

const sampleSettlement = {
  principalPaidOut: d('1000.00'),
  nominalRatePercent: d('9.95'),
  payoutDate: '2025-03-05',
  repaymentDate: '2025-03-10',
  feesPaidToLender: d('0'),
};
