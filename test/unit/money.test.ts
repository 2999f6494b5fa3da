import fc from 'fast-check';
import { Decimal, formatAmount, InvalidAmountError, parseAmount, roundOre, sumAmounts } from '../../domain/money';

describe('money (R-MONEY-1, R-MONEY-2)', () => {
  it('R-MONEY-2: rounds half-up to öre', () => {
    expect(roundOre(new Decimal('0.005')).toFixed(2)).toBe('0.01');
    expect(roundOre(new Decimal('0.0049')).toFixed(2)).toBe('0.00');
    expect(roundOre(new Decimal('599.7260273')).toFixed(2)).toBe('599.73');
    expect(roundOre(new Decimal('-0.005')).toFixed(2)).toBe('-0.01'); // half away from zero
  });

  it('R-MONEY-1: parses decimal strings with at most two decimals and rejects everything else', () => {
    expect(parseAmount('100000').toFixed(2)).toBe('100000.00');
    expect(parseAmount('1234.5').toFixed(2)).toBe('1234.50');
    for (const bad of ['1.234', '1e5', ' 1', '1,00', '', '.5', 'NaN', '0x10']) {
      expect(() => parseAmount(bad)).toThrow(InvalidAmountError);
    }
  });

  it('R-MONEY-1: formatAmount always writes exactly two decimals, equal to rounding then toFixed', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.integer({ min: 0, max: 6 }),
        (units, scale) => {
          const d = new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale));
          const text = formatAmount(d);
          return /^-?\d+\.\d{2}$/.test(text) && text === roundOre(d).toFixed(2);
        },
      ),
      { seed: 20261121, numRuns: 2000 },
    );
  });

  it('sums exactly where floats would not', () => {
    expect(sumAmounts([new Decimal('0.1'), new Decimal('0.2')]).toString()).toBe('0.3');
  });
});
