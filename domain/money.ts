/**
 * Money (R-MONEY-1, R-MONEY-2): SEK with öre precision, decimal arithmetic only.
 *
 * Amounts are `Decimal` inside the engine and decimal strings ("1234.50") at every boundary
 * (API, workflow payloads, PostgreSQL `numeric`). No JS number ever holds an amount.
 */
import DecimalJs from 'decimal.js';

/** One Decimal constructor for the whole engine: 40 significant digits, half-up rounding. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

/** A decimal string with at most two fraction digits, optionally negative. */
const AMOUNT_PATTERN = /^-?\d{1,15}(\.\d{1,2})?$/;

export const ZERO = new Decimal(0);

export class InvalidAmountError extends Error {
  constructor(readonly input: string) {
    super(`not an amount with at most two decimals: ${JSON.stringify(input)}`);
    this.name = 'InvalidAmountError';
  }
}

/** True when `s` is a decimal string with at most two fraction digits. */
export function isAmountString(s: string): boolean {
  return AMOUNT_PATTERN.test(s);
}

/** Parses a decimal string with at most two fraction digits (öre precision). */
export function parseAmount(s: string): Decimal {
  if (!isAmountString(s)) throw new InvalidAmountError(s);
  return new Decimal(s);
}

/**
 * Rounds to öre, half-up (R-MONEY-2). Call it only where an amount becomes a fact:
 * an installment, an invoice line, an interest accrual posted to the ledger.
 */
export function roundOre(d: Decimal): Decimal {
  return d.toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP);
}

/** Formats an amount as a decimal string with exactly two decimals ("100000.00"). */
export function formatAmount(d: Decimal): string {
  // Fast path for values already at öre precision (most of the serialisation cost of a 120-month
  // plan was toFixed); decimal.js prints plain notation below 1e21.
  if (d.isFinite() && d.decimalPlaces() <= 2 && d.e < 21 && !d.isNegative()) {
    const s = d.toString();
    const dot = s.indexOf('.');
    if (dot < 0) return `${s}.00`;
    return dot === s.length - 2 ? `${s}0` : s;
  }
  return roundOre(d).toFixed(2);
}

export function sumAmounts(values: readonly Decimal[]): Decimal {
  return values.reduce<Decimal>((acc, v) => acc.plus(v), ZERO);
}

export function maxAmount(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}

export function minAmount(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}
