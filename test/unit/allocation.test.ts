import fc from 'fast-check';
import {
  ALLOCATION_ORDER,
  allocatePayment,
  CATEGORY_OF_LINE_KIND,
  InvalidOpenItemError,
  InvalidPaymentError,
  type OpenItem,
  type OpenLineKind,
  totalRemaining,
} from '../../domain/allocation';
import { Decimal, sumAmounts, ZERO } from '../../domain/money';

fc.configureGlobal({ seed: 20250403, numRuns: 300 });

const d = (s: string) => new Decimal(s);
const str = (x: Decimal) => x.toFixed(2);

// INV-1 is older but listed second: allocation must sort by due date.
const INV_2: OpenItem = {
  id: 'INV-2',
  dueDate: '2025-02-28',
  lines: [
    { kind: 'notice-fee', remaining: d('20.00') },
    { kind: 'interest', remaining: d('800.00') },
    { kind: 'principal', remaining: d('1276.50') },
    { kind: 'late-fee', remaining: d('95.00') },
  ],
};
const INV_1: OpenItem = {
  id: 'INV-1',
  dueDate: '2025-01-31',
  lines: [
    { kind: 'principal', remaining: d('1266.50') },
    { kind: 'interest', remaining: d('810.00') },
    { kind: 'default-interest', remaining: d('12.34') },
    { kind: 'notice-fee', remaining: d('20.00') },
    { kind: 'late-fee', remaining: d('95.00') },
    { kind: 'reminder-fee', remaining: d('60.00') },
  ],
};

describe('payment allocation (R-LOAN-2)', () => {
  it('R-LOAN-2: fees before interest before principal, oldest item first', () => {
    // 2500.00 → INV-1 (oldest): fees 20 + 95 + 60 = 175.00 (left 2325.00);
    //   interest 810.00 + default interest 12.34 = 822.34 (left 1502.66); principal 1266.50 (left 236.16).
    // → INV-2: fees 20 + 95 = 115.00 (left 121.16); interest 121.16 of 800.00 (left 0).
    const result = allocatePayment(d('2500.00'), [INV_2, INV_1]);
    expect(result.items.map((i) => i.id)).toEqual(['INV-1', 'INV-2']);
    const [first, second] = result.items;
    expect(first!.settled).toBe(true);
    expect(first!.lines.map((l) => [l.kind, str(l.allocated)])).toEqual([
      ['principal', '1266.50'],
      ['interest', '810.00'],
      ['default-interest', '12.34'],
      ['notice-fee', '20.00'],
      ['late-fee', '95.00'],
      ['reminder-fee', '60.00'],
    ]);
    expect(second!.lines.map((l) => [l.kind, str(l.allocated), str(l.remaining)])).toEqual([
      ['notice-fee', '20.00', '0.00'],
      ['interest', '121.16', '678.84'],
      ['principal', '0.00', '1276.50'],
      ['late-fee', '95.00', '0.00'],
    ]);
    expect(str(second!.remaining)).toBe('1955.34'); // 678.84 + 1276.50
    expect(second!.settled).toBe(false);
    expect(str(result.allocatedByCategory.fee)).toBe('290.00'); // 175 + 115
    expect(str(result.allocatedByCategory.interest)).toBe('943.50'); // 822.34 + 121.16
    expect(str(result.allocatedByCategory.principal)).toBe('1266.50');
    expect(str(result.excess)).toBe('0.00');
  });

  it('R-LOAN-2, R-LOAN-7: an overpayment settles every item and the rest is excess for principal', () => {
    // Owed: INV-1 175 + 822.34 + 1266.50 = 2263.84; INV-2 115 + 800 + 1276.50 = 2191.50; total 4455.34.
    expect(str(totalRemaining([INV_1, INV_2]))).toBe('4455.34');
    const result = allocatePayment(d('6000.00'), [INV_1, INV_2]);
    expect(result.items.every((i) => i.settled)).toBe(true);
    expect(str(result.excess)).toBe('1544.66'); // 6000.00 − 4455.34
  });

  it('R-LOAN-2: with no open items the whole payment is excess', () => {
    expect(str(allocatePayment(d('100.00'), []).excess)).toBe('100.00');
  });

  it('R-LOAN-2: fee lines are settled in the order given, a partial payment stops mid-line', () => {
    // 100.00 → notice fee 20.00, late fee 80.00 of 95.00; nothing to interest or principal.
    const result = allocatePayment(d('100.00'), [INV_2]);
    expect(result.items[0]!.lines.map((l) => str(l.allocated))).toEqual(['20.00', '0.00', '0.00', '80.00']);
  });

  it('R-LOAN-2: items due the same day keep the input order', () => {
    const a: OpenItem = { id: 'A', dueDate: '2025-03-31', lines: [{ kind: 'principal', remaining: d('10.00') }] };
    const b: OpenItem = { id: 'B', dueDate: '2025-03-31', lines: [{ kind: 'late-fee', remaining: d('10.00') }] };
    const result = allocatePayment(d('10.00'), [a, b]);
    expect(result.items.map((i) => [i.id, str(i.allocated)])).toEqual([
      ['A', '10.00'],
      ['B', '0.00'],
    ]);
  });

  it('R-LOAN-2: rejects zero, negative and sub-öre payments', () => {
    for (const amount of ['0', '-1.00', '0.001', 'NaN', 'Infinity']) {
      expect(() => allocatePayment(d(amount), [INV_1])).toThrow(InvalidPaymentError);
    }
  });

  it('R-LOAN-2: rejects invalid open items', () => {
    const negative: OpenItem = { id: 'X', dueDate: '2025-01-31', lines: [{ kind: 'interest', remaining: d('-1') }] };
    expect(() => allocatePayment(d('1'), [negative])).toThrow(InvalidOpenItemError);
    expect(() => allocatePayment(d('1'), [INV_1, INV_1])).toThrow(/more than once/);
    expect(() => allocatePayment(d('1'), [{ ...INV_1, dueDate: '2025-02-30' }])).toThrow(InvalidOpenItemError);
  });

  describe('properties', () => {
    const KINDS = Object.keys(CATEGORY_OF_LINE_KIND) as OpenLineKind[];
    const ore = (max: number) => fc.integer({ min: 0, max }).map((n) => new Decimal(n).div(100));
    const itemsArb = fc
      .array(
        fc.record({
          day: fc.integer({ min: 1, max: 5 }), // few due dates, so ties happen
          lines: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), remaining: ore(500_000) }), { maxLength: 6 }),
        }),
        { maxLength: 6 },
      )
      .map((raw) => raw.map((r, i): OpenItem => ({ id: `I${i}`, dueDate: `2025-0${r.day}-28`, lines: r.lines })));
    const paymentArb = fc.integer({ min: 1, max: 3_000_000 }).map((n) => new Decimal(n).div(100));

    it('R-LOAN-2: conserves every öre: Σ allocations + excess = payment', () => {
      fc.assert(
        fc.property(itemsArb, paymentArb, (items, payment) => {
          const result = allocatePayment(payment, items);
          const allocated = sumAmounts(result.items.map((i) => i.allocated));
          expect(allocated.plus(result.excess).equals(payment)).toBe(true);
          const byCategory = sumAmounts(ALLOCATION_ORDER.map((c) => result.allocatedByCategory[c]));
          expect(byCategory.equals(allocated)).toBe(true);
          // Excess is exactly what the open items cannot absorb.
          const owed = totalRemaining(items);
          const expectedExcess = payment.greaterThan(owed) ? payment.minus(owed) : ZERO;
          expect(result.excess.equals(expectedExcess)).toBe(true);
        }),
      );
    });

    it('R-LOAN-2: nothing negative, nothing above what was owed, remaining = owed − allocated', () => {
      fc.assert(
        fc.property(itemsArb, paymentArb, (items, payment) => {
          for (const item of allocatePayment(payment, items).items) {
            for (const line of item.lines) {
              expect(line.allocated.isNegative()).toBe(false);
              expect(line.allocated.lessThanOrEqualTo(line.owed)).toBe(true);
              expect(line.remaining.equals(line.owed.minus(line.allocated))).toBe(true);
            }
          }
        }),
      );
    });

    it('R-LOAN-2: a later item or category gets money only once everything before it is paid', () => {
      fc.assert(
        fc.property(itemsArb, paymentArb, (items, payment) => {
          const result = allocatePayment(payment, items);
          // Sorted by due date.
          const dates = result.items.map((i) => i.dueDate);
          expect(dates).toEqual([...dates].sort());
          let everythingBeforeSettled = true;
          for (const item of result.items) {
            for (const category of ALLOCATION_ORDER) {
              const lines = item.lines.filter((l) => l.category === category);
              if (lines.some((l) => l.allocated.greaterThan(0))) expect(everythingBeforeSettled).toBe(true);
              if (lines.some((l) => l.remaining.greaterThan(0))) everythingBeforeSettled = false;
            }
          }
          if (result.excess.greaterThan(0)) expect(everythingBeforeSettled).toBe(true);
        }),
      );
    });
  });
});
