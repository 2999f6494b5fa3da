import fc from 'fast-check';
import { addDays } from '../../domain/dates';
import {
  defaultInterestOnAmount,
  defaultInterestOnBalances,
  defaultInterestRatePercent,
  InvalidDefaultInterestInputError,
  overdueDays,
  postedDefaultInterest,
} from '../../domain/default-interest';
import { Decimal } from '../../domain/money';

fc.configureGlobal({ seed: 20250404, numRuns: 200 });

const d = (s: string) => new Decimal(s);
const NOMINAL = d('9.95'); // default rate 9.95 + 5 = 14.95 %

describe('default interest (R-LOAN-3)', () => {
  it('R-LOAN-3: the default rate is the nominal rate + 5 percentage points', () => {
    expect(defaultInterestRatePercent(NOMINAL).toString()).toBe('14.95');
    expect(() => defaultInterestRatePercent(d('-1'))).toThrow(InvalidDefaultInterestInputError);
  });

  it('R-LOAN-3: days run from the due date (excluded) to the payment date (included)', () => {
    expect(overdueDays('2025-01-31', '2025-01-31')).toBe(0); // paid on the due date: not late
    expect(overdueDays('2025-01-31', '2025-02-01')).toBe(1);
    expect(overdueDays('2025-01-31', '2025-02-20')).toBe(20);
    expect(overdueDays('2025-01-31', '2025-01-15')).toBe(0); // paid early
    expect(overdueDays('2024-02-28', '2024-03-01')).toBe(2); // leap day counts: actual days
  });

  it('R-LOAN-3: 2 096.50 due 2025-01-31 and paid 2025-02-20 → 17.17', () => {
    // 2096.50 × 14.95 % × 20 / 365 = 313.42675 × 20 / 365 = 6268.535 / 365 = 17.174068… → 17.17.
    const result = defaultInterestOnAmount({
      overdueAmount: d('2096.50'),
      nominalRatePercent: NOMINAL,
      dueDate: '2025-01-31',
      until: '2025-02-20',
    });
    expect(result.days).toBe(20);
    expect(result.ratePercent.toString()).toBe('14.95');
    expect(result.interest.toFixed(8)).toBe('17.17406849'); // unrounded until posted
    expect(postedDefaultInterest(result.interest).toFixed(2)).toBe('17.17');
  });

  it('R-LOAN-3: one day late costs one day: 2 096.50 × 14.95 % / 365 = 0.8587… → 0.86', () => {
    const result = defaultInterestOnAmount({
      overdueAmount: d('2096.50'),
      nominalRatePercent: NOMINAL,
      dueDate: '2025-01-31',
      until: '2025-02-01',
    });
    expect(postedDefaultInterest(result.interest).toFixed(2)).toBe('0.86');
  });

  it('R-MONEY-2: posting rounds half-up to öre', () => {
    // 36.50 × 5 % (nominal 0 + 5) × 1 / 365 = 0.005 exactly → 0.01.
    const result = defaultInterestOnAmount({
      overdueAmount: d('36.50'),
      nominalRatePercent: d('0'),
      dueDate: '2025-01-31',
      until: '2025-02-01',
    });
    expect(result.interest.toString()).toBe('0.005');
    expect(postedDefaultInterest(result.interest).toFixed(2)).toBe('0.01');
  });

  it('R-LOAN-3: accrues on a changing overdue balance, segment by segment', () => {
    // 2025-01-31 INV-1 unpaid: 2096.50   → 10 days to 02-10: 2096.50 × 10 = 20 965.00
    // 2025-02-10 1 000.00 paid: 1096.50  → 18 days to 02-28: 1096.50 × 18 = 19 737.00
    // 2025-02-28 INV-2 unpaid: 3193.00   → 10 days to 03-10: 3193.00 × 10 = 31 930.00
    // Σ balance-days 72 632.00 × 14.95 % / 365 = 10 858.484 / 365 = 29.749271… → 29.75.
    const result = defaultInterestOnBalances({
      changes: [
        { date: '2025-01-31', overdueBalance: d('2096.50') },
        { date: '2025-02-10', overdueBalance: d('1096.50') },
        { date: '2025-02-28', overdueBalance: d('3193.00') },
      ],
      nominalRatePercent: NOMINAL,
      until: '2025-03-10',
    });
    expect(result.segments.map((s) => [s.from, s.to, s.days])).toEqual([
      ['2025-01-31', '2025-02-10', 10],
      ['2025-02-10', '2025-02-28', 18],
      ['2025-02-28', '2025-03-10', 10],
    ]);
    expect(postedDefaultInterest(result.interest).toFixed(2)).toBe('29.75');
  });

  it('R-LOAN-3: changes on or after `until` add nothing; a zero balance accrues nothing', () => {
    const result = defaultInterestOnBalances({
      changes: [
        { date: '2025-01-31', overdueBalance: d('1000.00') },
        { date: '2025-02-05', overdueBalance: d('0') },
        { date: '2025-02-20', overdueBalance: d('500.00') },
      ],
      nominalRatePercent: NOMINAL,
      until: '2025-02-20',
    });
    // Only 1000.00 for 5 days: 1000 × 14.95 % × 5 / 365 = 747.5 / 365 = 2.047945… → 2.05.
    expect(result.segments.map((s) => s.days)).toEqual([5, 15]);
    expect(postedDefaultInterest(result.interest).toFixed(2)).toBe('2.05');
  });

  it('R-LOAN-3: rejects unordered changes and negative balances', () => {
    const base = { nominalRatePercent: NOMINAL, until: '2025-03-01' };
    expect(() =>
      defaultInterestOnBalances({
        ...base,
        changes: [
          { date: '2025-02-10', overdueBalance: d('1') },
          { date: '2025-02-10', overdueBalance: d('2') },
        ],
      }),
    ).toThrow(/strictly increasing/);
    expect(() =>
      defaultInterestOnBalances({ ...base, changes: [{ date: '2025-02-10', overdueBalance: d('-1') }] }),
    ).toThrow(InvalidDefaultInterestInputError);
    expect(() => defaultInterestOnAmount({ ...base, overdueAmount: d('1'), dueDate: '2025-02-30' })).toThrow(
      InvalidDefaultInterestInputError,
    );
  });

  it('R-LOAN-3: splitting a constant balance into segments does not change the interest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 400 }),
        (ore, firstDays, secondDays) => {
          const amount = new Decimal(ore).div(100);
          const dueDate = '2025-01-31';
          const until = addDays(dueDate, firstDays + secondDays);
          const whole = defaultInterestOnAmount({ overdueAmount: amount, nominalRatePercent: NOMINAL, dueDate, until });
          const split = defaultInterestOnBalances({
            changes: [
              { date: dueDate, overdueBalance: amount },
              { date: addDays(dueDate, firstDays), overdueBalance: amount },
            ],
            nominalRatePercent: NOMINAL,
            until,
          });
          expect(split.interest.toDecimalPlaces(20).equals(whole.interest.toDecimalPlaces(20))).toBe(true);
        },
      ),
    );
  });
});
