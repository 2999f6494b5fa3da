/** R-PAY-1: what a payment judged at its value date would have prevented (domain/value-date.ts). */
import type { OpenItem } from '../../domain/allocation';
import { Decimal } from '../../domain/money';
import { chargesPreventedBy, spreadOver } from '../../domain/value-date';

const d = (v: string | number) => new Decimal(v);

/** Invoice 1 due 2027-02-26: 1 000 installment (900 principal, 100 interest), a late fee and a reminder fee after it. */
const items = (): OpenItem[] => [
  {
    id: '1',
    dueDate: '2027-02-26',
    lines: [
      { kind: 'late-fee', remaining: d('95.00') },
      { kind: 'reminder-fee', remaining: d('60.00') },
      { kind: 'interest', remaining: d('100.00') },
      { kind: 'default-interest', remaining: d('3.00') },
      { kind: 'principal', remaining: d('900.00') },
    ],
  },
];
const chargesAfter = [
  { invoiceNumber: 1, kind: 'late-fee' as const, amount: d('95.00') },
  { invoiceNumber: 1, kind: 'reminder-fee' as const, amount: d('60.00') },
  { invoiceNumber: 1, kind: 'default-interest' as const, amount: d('3.00') },
];

describe('chargesPreventedBy (R-PAY-1)', () => {
  it('R-PAY-1: a payment of the installment on its due date prevents the fees and all later default interest', () => {
    const judged = chargesPreventedBy({
      valueDate: '2027-02-26',
      amount: d('1000.00'),
      openItems: items(),
      chargesAfter,
      defaultInterestAccruedUntil: '2027-03-03',
      defaultInterestPostedThrough: null,
      nominalRatePercent: d('9.95'),
    });
    expect(judged.reversals.map((r) => [r.kind, r.amount.toFixed(2)])).toEqual([
      ['late-fee', '95.00'],
      ['reminder-fee', '60.00'],
      ['default-interest', '3.00'],
    ]);
    expect(judged.bureauReportsPrevented).toEqual([1]);
  });

  it('R-PAY-1, R-LOAN-3: paid a day late, the late fee stands; the reminder fee goes; default interest to the day paid stays', () => {
    const judged = chargesPreventedBy({
      valueDate: '2027-02-27',
      amount: d('1000.00'),
      openItems: items(),
      chargesAfter,
      defaultInterestAccruedUntil: '2027-03-03',
      defaultInterestPostedThrough: null,
      nominalRatePercent: d('9.95'),
    });
    const kinds = judged.reversals.map((r) => r.kind);
    expect(kinds).not.toContain('late-fee');
    expect(kinds).toContain('reminder-fee');
    // 1 000 · 14.95 % · 1 day / 365 = 0.41 stays; 3.00 − 0.41 is reversed.
    expect(judged.reversals.find((r) => r.kind === 'default-interest')?.amount.toFixed(2)).toBe('2.59');
  });

  it('R-PAY-1: a payment too small to settle the invoice by its value date prevents no fee', () => {
    const judged = chargesPreventedBy({
      valueDate: '2027-02-26',
      amount: d('500.00'),
      openItems: items(),
      chargesAfter: chargesAfter.filter((c) => c.kind !== 'default-interest'),
      defaultInterestAccruedUntil: '2027-03-03',
      defaultInterestPostedThrough: null,
      nominalRatePercent: d('9.95'),
    });
    expect(judged.reversals).toEqual([]);
  });

  it('spreads a reversal over the open lines oldest first; the rest goes on the oldest line', () => {
    const spread = spreadOver(
      [
        { id: '1', dueDate: '2027-01-29', lines: [{ kind: 'default-interest', remaining: d('1.00') }] },
        { id: '2', dueDate: '2027-02-26', lines: [{ kind: 'default-interest', remaining: d('2.00') }] },
      ],
      'default-interest',
      d('4.50'),
    );
    expect(spread.map((r) => [r.invoiceNumber, r.amount.toFixed(2)])).toEqual([
      [1, '2.50'],
      [2, '2.00'],
    ]);
  });
});
