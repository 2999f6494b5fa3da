/**
 * R-LOAN-9: complaint deadlines as business dates. The expected dates are worked out by hand from
 * the Swedish calendar (weekends, Easter 2026, New Year's eve), not by the code under test.
 */
import fc from 'fast-check';
import { isBankingDay } from '../../domain/calendar';
import {
  answeredInTime,
  answerViolations,
  businessMorningMs,
  complaintAnswerDueOn,
  complaintDeadlines,
  complaintEscalationOn,
  COMPLAINT_LIMITS,
} from '../../domain/complaint';
import { addDays, daysBetween, fromDayNumber, stockholmDate } from '../../domain/dates';
import { DEFAULT_PRODUCT, type ProductParameters } from '../../domain/product';

const withEscalationDay = (days: number): ProductParameters => ({
  ...DEFAULT_PRODUCT,
  loan: { ...DEFAULT_PRODUCT.loan, complaintEscalationDays: days },
});

describe('R-LOAN-9: complaint deadlines', () => {
  it('the answer is due 14 days after receipt, the due date included', () => {
    expect(complaintAnswerDueOn('2026-03-02')).toBe('2026-03-16');
    expect(complaintAnswerDueOn('2026-02-20')).toBe('2026-03-06'); // across February
    expect(complaintAnswerDueOn('2026-12-25')).toBe('2027-01-08'); // across the year end
    expect(DEFAULT_PRODUCT.loan.complaintAnswerDays).toBe(14);
  });

  it('escalation is on day 10 when that is a banking day', () => {
    expect(DEFAULT_PRODUCT.loan.complaintEscalationDays).toBe(10);
    // Monday 2 March 2026 + 10 = Thursday 12 March.
    expect(complaintDeadlines('2026-03-02')).toEqual({
      receivedOn: '2026-03-02',
      escalateOn: '2026-03-12',
      answerDueOn: '2026-03-16',
    });
  });

  it('escalation moves back to the last banking day when day 10 is not one', () => {
    // Wednesday 4 March + 10 = Saturday 14 March → Friday 13 March.
    expect(complaintEscalationOn('2026-03-04')).toBe('2026-03-13');
    // Friday 27 March + 10 = Easter Monday 6 April 2026 → over Easter Sunday, Saturday and Good Friday
    // (3 April) to Maundy Thursday 2 April.
    expect(complaintEscalationOn('2026-03-27')).toBe('2026-04-02');
    // 21 December 2025 + 10 = New Year's eve (not a banking day) → Tuesday 30 December.
    expect(complaintEscalationOn('2025-12-21')).toBe('2025-12-30');
  });

  it('the escalation day is configurable and must lie strictly between receipt and the due date', () => {
    expect(complaintEscalationOn('2026-03-02', withEscalationDay(12))).toBe('2026-03-13'); // Sat 14 → Fri 13
    expect(complaintEscalationOn('2026-03-02', withEscalationDay(1))).toBe('2026-03-03');
    // Day 1 falling on a Saturday cannot move back onto the receipt date: it stays on day 1.
    expect(complaintEscalationOn('2026-03-06', withEscalationDay(1))).toBe('2026-03-07');
    for (const bad of [0, 14, 15, 2.5]) {
      expect(() => complaintEscalationOn('2026-03-02', withEscalationDay(bad))).toThrow(RangeError);
    }
  });

  it('for every receipt date: receipt < escalation < due date, escalation on a banking day, due 14 days on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20_000, max: 25_000 }), (dayNumber) => {
        const receivedOn = fromDayNumber(dayNumber);
        const d = complaintDeadlines(receivedOn);
        expect(daysBetween(receivedOn, d.answerDueOn)).toBe(14);
        expect(daysBetween(receivedOn, d.escalateOn)).toBeGreaterThan(0);
        expect(daysBetween(d.escalateOn, d.answerDueOn)).toBeGreaterThanOrEqual(4);
        expect(daysBetween(receivedOn, d.escalateOn)).toBeLessThanOrEqual(10);
        expect(isBankingDay(d.escalateOn)).toBe(true);
      }),
      { seed: 20261121, numRuns: 500 },
    );
  });

  it('answered in time means on or before the due date', () => {
    expect(answeredInTime('2026-03-16', '2026-03-16')).toBe(true);
    expect(answeredInTime('2026-03-02', '2026-03-16')).toBe(true);
    expect(answeredInTime('2026-03-17', '2026-03-16')).toBe(false);
  });

  it('a business date’s timer instant is that Stockholm date, winter and summer', () => {
    for (const date of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25', '2026-12-31']) {
      expect(stockholmDate(new Date(businessMorningMs(date)))).toBe(date);
      expect(stockholmDate(new Date(businessMorningMs(date) - 8 * 3_600_000))).toBe(addDays(date, -1));
    }
  });
});

describe('R-LOAN-9: the written answer', () => {
  it('must not be blank or too long', () => {
    expect(answerViolations('Vi har gått igenom ditt ärende och återbetalar avgiften.')).toEqual([]);
    expect(answerViolations('')).toEqual([{ field: 'answer', message: 'must not be empty' }]);
    expect(answerViolations('  \n\t ')).toEqual([{ field: 'answer', message: 'must not be empty' }]);
    expect(answerViolations(undefined)).toEqual([{ field: 'answer', message: 'must not be empty' }]);
    expect(answerViolations('x'.repeat(COMPLAINT_LIMITS.answerMax))).toEqual([]);
    expect(answerViolations('x'.repeat(COMPLAINT_LIMITS.answerMax + 1))).toEqual([
      { field: 'answer', message: 'must be at most 10000 characters' },
    ]);
  });
});
