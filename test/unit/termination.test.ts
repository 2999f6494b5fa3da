import { Decimal, sumAmounts } from '../../domain/money';
import { buildSchedule } from '../../domain/schedule';
import {
  evaluateCure,
  evaluateTerminationGrounds,
  firstDayMoreThanOneMonthLate,
  InvalidTerminationInputError,
  isMoreThanOneMonthLate,
  loanClaim,
  type OverdueItem,
  terminationNoticeEndDate,
} from '../../domain/termination';

const d = (s: string) => new Decimal(s);

// A claim of 48 000.00: 10 % = 4 800.00 (ground a), 5 % = 2 400.00 (ground b).
const CLAIM = loanClaim(Array.from({ length: 24 }, () => ({ total: d('2000.00') })));

function grounds(items: OverdueItem[], evaluationDate: string) {
  return evaluateTerminationGrounds({ claim: CLAIM, overdueItems: items, evaluationDate });
}

describe('termination for payment in advance (R-LOAN-4)', () => {
  it('R-LOAN-4: the loan claim is the total payable of the agreed plan', () => {
    expect(CLAIM.toFixed(2)).toBe('48000.00');
    const schedule = buildSchedule({
      amount: d('100000'),
      termMonths: 60,
      nominalRatePercent: d('9.95'),
      noticeChannel: 'paper',
      payoutDate: '2025-01-15',
    });
    // principal (incl. capitalised interest) + Σ interest + Σ fees = Σ installment totals.
    const expected = schedule.initialPrincipal
      .plus(sumAmounts(schedule.installments.map((i) => i.interest)))
      .plus(sumAmounts(schedule.installments.map((i) => i.fees)));
    expect(loanClaim(schedule.installments).equals(expected)).toBe(true);
  });

  it('R-LOAN-4: "more than one month late" starts the day after due date + 1 calendar month', () => {
    // Due 15 Mar: paying until 15 Mar is in time; late from 16 Mar; one month of delay ends 15 Apr.
    expect(isMoreThanOneMonthLate('2025-03-15', '2025-04-15')).toBe(false);
    expect(isMoreThanOneMonthLate('2025-03-15', '2025-04-16')).toBe(true);
    // Month ends: 31 Mar + 1 month = 30 Apr (no 31 Apr) → more than a month late from 1 May.
    expect(isMoreThanOneMonthLate('2025-03-31', '2025-04-30')).toBe(false);
    expect(firstDayMoreThanOneMonthLate('2025-03-31')).toBe('2025-05-01');
    // 31 Jan + 1 month = 28 Feb (29 Feb in a leap year).
    expect(firstDayMoreThanOneMonthLate('2025-01-31')).toBe('2025-03-01');
    expect(firstDayMoreThanOneMonthLate('2024-01-31')).toBe('2024-03-01');
    expect(isMoreThanOneMonthLate('2024-01-31', '2024-02-29')).toBe(false);
    // 28 Feb + 1 month = 28 Mar.
    expect(firstDayMoreThanOneMonthLate('2025-02-28')).toBe('2025-03-29');
  });

  it('R-LOAN-4 (a): more than one month late with more than 10 % of the claim', () => {
    const items = [{ id: 'INV-1', dueDate: '2025-01-31', unpaid: d('4800.01') }];
    expect(grounds(items, '2025-02-28').allowed).toBe(false); // not yet more than a month
    const result = grounds(items, '2025-03-01');
    expect(result).toMatchObject({ allowed: true, grounds: ['a'], itemsMoreThanOneMonthLate: ['INV-1'] });
    expect(result.singleShareThreshold.toFixed(2)).toBe('4800.00');
  });

  it('R-LOAN-4 (a): exactly 10 % is not "above" 10 %', () => {
    expect(grounds([{ id: 'INV-1', dueDate: '2025-01-31', unpaid: d('4800.00') }], '2025-06-01').allowed).toBe(false);
  });

  it('R-LOAN-4 (b): more than 5 % over two items due at different times', () => {
    // 1 300 + 1 300 = 2 600 > 2 400 (5 %), but < 4 800 (10 %).
    const items = [
      { id: 'INV-1', dueDate: '2025-01-31', unpaid: d('1300.00') },
      { id: 'INV-2', dueDate: '2025-02-28', unpaid: d('1300.00') },
    ];
    // 28 Mar: INV-2 is exactly one month late, so only INV-1 (1 300) counts.
    expect(grounds(items, '2025-03-28')).toMatchObject({ allowed: false, itemsMoreThanOneMonthLate: ['INV-1'] });
    const result = grounds(items, '2025-03-29');
    expect(result).toMatchObject({ allowed: true, grounds: ['b'], distinctDueDates: 2 });
    expect(result.amountMoreThanOneMonthLate.toFixed(2)).toBe('2600.00');
  });

  it('R-LOAN-4 (b): two items due the same day are not "due at different times"', () => {
    const items = [
      { id: 'INV-1', dueDate: '2025-01-31', unpaid: d('1300.00') },
      { id: 'REM-1', dueDate: '2025-01-31', unpaid: d('1300.00') },
    ];
    expect(grounds(items, '2025-06-01')).toMatchObject({ allowed: false, distinctDueDates: 1 });
  });

  it('R-LOAN-4: items less than a month overdue do not count towards either threshold', () => {
    // Total overdue 2 000 + 3 000 = 5 000 > 10 %, but on 5 Mar only INV-1 (2 000) is > 1 month late.
    const items = [
      { id: 'INV-1', dueDate: '2025-01-31', unpaid: d('2000.00') },
      { id: 'INV-2', dueDate: '2025-02-28', unpaid: d('3000.00') },
    ];
    const result = grounds(items, '2025-03-05');
    expect(result.allowed).toBe(false);
    expect(result.amountMoreThanOneMonthLate.toFixed(2)).toBe('2000.00');
    // Both grounds hold once INV-2 is more than a month late too (5 000 > 4 800, two due dates).
    expect(grounds(items, '2025-03-29').grounds).toEqual(['a', 'b']);
  });

  it('R-LOAN-4: fully paid items are ignored; invalid input is rejected', () => {
    expect(grounds([{ id: 'INV-1', dueDate: '2025-01-31', unpaid: d('0') }], '2025-06-01').allowed).toBe(false);
    expect(() => evaluateTerminationGrounds({ claim: d('0'), overdueItems: [], evaluationDate: '2025-01-01' })).toThrow(
      InvalidTerminationInputError,
    );
    expect(() => grounds([{ id: 'X', dueDate: '2025-02-30', unpaid: d('1') }], '2025-06-01')).toThrow(
      InvalidTerminationInputError,
    );
  });

  it('R-LOAN-4: the notice period ends four weeks (28 days) after the notice is sent', () => {
    expect(terminationNoticeEndDate('2025-04-01')).toBe('2025-04-29');
    expect(terminationNoticeEndDate('2025-12-15')).toBe('2026-01-12');
  });

  describe('cure', () => {
    const base = { noticeEndDate: '2025-04-29', stillDueAfterPayment: d('0'), curesAlreadyUsed: 0 };

    it('R-LOAN-4: paying everything overdue plus default interest by the end lapses the termination', () => {
      expect(evaluateCure({ ...base, paidOn: '2025-04-29' })).toEqual({ lapses: true, curesUsed: 1 });
    });

    it('R-LOAN-4: the cure works only once per loan', () => {
      expect(evaluateCure({ ...base, paidOn: '2025-04-10', curesAlreadyUsed: 1 })).toMatchObject({
        lapses: false,
        reason: 'cure-already-used',
      });
    });

    it('R-LOAN-4: a payment after the notice period does not cure', () => {
      expect(evaluateCure({ ...base, paidOn: '2025-04-30' })).toMatchObject({
        lapses: false,
        reason: 'paid-after-notice-end',
      });
    });

    it('R-LOAN-4: a payment that leaves anything overdue (default interest included) does not cure', () => {
      const result = evaluateCure({ ...base, paidOn: '2025-04-20', stillDueAfterPayment: d('0.86') });
      expect(result).toMatchObject({ lapses: false, reason: 'amount-still-due' });
      if (!result.lapses) expect(result.message).toContain('0.86');
    });
  });
});
