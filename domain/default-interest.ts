/**
 * Default interest (dröjsmålsränta), R-LOAN-3: accrues daily on the overdue amount at the loan's
 * nominal rate + 5 percentage points until paid, actual days / 365 (R-PROD-4).
 *
 * Day counting. A due date is the last day the payment may arrive (seed §2: "tillhanda senast den
 * sista bankdagen"), so the amount is overdue from the day after. Interest for a span is
 * `days = daysBetween(start, end)`: the days after `start` up to and including `end`. For an amount
 * due on D and paid on P that is P − D days: paid on the due date → 0, one day late → 1 day. The
 * payment day itself counts as overdue (the money arrives during it), the due date does not.
 *
 * Rounding (R-MONEY-2): every function here returns unrounded interest. Sum unrounded amounts and
 * round once with `postedDefaultInterest` where the interest becomes a ledger fact.
 *
 * What counts as "the overdue amount" (which invoice lines, never default interest itself) is the
 * caller's decision; these functions take the amount as given.
 */
import { compareDates, daysBetween, type IsoDate, isIsoDate } from './dates';
import { Decimal, roundOre, sumAmounts, ZERO } from './money';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

export class InvalidDefaultInterestInputError extends Error {
  constructor(detail: string) {
    super(`default interest: ${detail}`);
    this.name = 'InvalidDefaultInterestInputError';
  }
}

/** R-LOAN-3: nominal rate + the product's add-on (5 percentage points by default). */
export function defaultInterestRatePercent(
  nominalRatePercent: Decimal,
  product: ProductParameters = DEFAULT_PRODUCT,
): Decimal {
  if (!nominalRatePercent.isFinite() || nominalRatePercent.isNegative()) {
    throw new InvalidDefaultInterestInputError(`nominal rate must be ≥ 0, got ${nominalRatePercent.toString()}`);
  }
  return nominalRatePercent.plus(product.loan.defaultInterestAddOnPercentagePoints);
}

/** Days of default interest for an amount due on `dueDate` and paid on `paidOn` (0 if not late). */
export function overdueDays(dueDate: IsoDate, paidOn: IsoDate): number {
  return Math.max(0, daysBetween(dueDate, paidOn));
}

/** amount · rate% · days / basis, unrounded. */
function simpleInterest(amount: Decimal, ratePercent: Decimal, days: number, basis: number): Decimal {
  return amount.times(ratePercent).div(100).times(days).div(basis);
}

export interface DefaultInterestOnAmountRequest {
  overdueAmount: Decimal;
  nominalRatePercent: Decimal;
  dueDate: IsoDate;
  /** Payment date, or the date up to which interest is accrued (e.g. a posting date). */
  until: IsoDate;
  product?: ProductParameters;
}

export interface DefaultInterestOnAmount {
  days: number;
  ratePercent: Decimal;
  /** Unrounded; see `postedDefaultInterest`. */
  interest: Decimal;
}

/** Default interest on a constant overdue amount from its due date until `until` (R-LOAN-3). */
export function defaultInterestOnAmount(request: DefaultInterestOnAmountRequest): DefaultInterestOnAmount {
  const product = request.product ?? DEFAULT_PRODUCT;
  requireDate('dueDate', request.dueDate);
  requireDate('until', request.until);
  requireNonNegativeAmount('overdue amount', request.overdueAmount);
  const ratePercent = defaultInterestRatePercent(request.nominalRatePercent, product);
  const days = overdueDays(request.dueDate, request.until);
  return {
    days,
    ratePercent,
    interest: simpleInterest(request.overdueAmount, ratePercent, days, product.dayCountBasis),
  };
}

/**
 * From the end of `date` on, the overdue balance is `overdueBalance`. An invoice that is not paid
 * by its due date D raises the balance at D; a payment received on P lowers it at P (so day P is
 * still charged on the old balance, as in `overdueDays`).
 */
export interface OverdueBalanceChange {
  date: IsoDate;
  overdueBalance: Decimal;
}

export interface DefaultInterestSegment {
  /** Exclusive start: interest runs for the days after `from` … */
  from: IsoDate;
  /** … up to and including `to`. */
  to: IsoDate;
  days: number;
  overdueBalance: Decimal;
  /** Unrounded. */
  interest: Decimal;
}

export interface DefaultInterestOnBalancesRequest {
  /** Strictly increasing dates. Before the first change the overdue balance is 0. */
  changes: readonly OverdueBalanceChange[];
  nominalRatePercent: Decimal;
  /** Accrue up to and including this date; changes on or after it add nothing. */
  until: IsoDate;
  product?: ProductParameters;
}

export interface DefaultInterestOnBalances {
  ratePercent: Decimal;
  /** One per change before `until`, zero-length spans left out. */
  segments: DefaultInterestSegment[];
  /** Sum of the segments, unrounded; see `postedDefaultInterest`. */
  interest: Decimal;
}

/**
 * Default interest over a history of overdue balances (R-LOAN-3): each balance accrues from its
 * change date until the next change (or `until`). If the rate changes, split the history at the
 * change and call once per rate.
 */
export function defaultInterestOnBalances(request: DefaultInterestOnBalancesRequest): DefaultInterestOnBalances {
  const product = request.product ?? DEFAULT_PRODUCT;
  requireDate('until', request.until);
  const ratePercent = defaultInterestRatePercent(request.nominalRatePercent, product);
  request.changes.forEach((change, index) => {
    requireDate(`changes[${index}].date`, change.date);
    requireNonNegativeAmount(`changes[${index}].overdueBalance`, change.overdueBalance);
    const previous = request.changes[index - 1];
    if (previous && compareDates(previous.date, change.date) >= 0) {
      throw new InvalidDefaultInterestInputError(
        `balance changes must have strictly increasing dates: ${previous.date} then ${change.date}`,
      );
    }
  });

  const segments: DefaultInterestSegment[] = [];
  request.changes.forEach((change, index) => {
    const next = request.changes[index + 1];
    const to = next && compareDates(next.date, request.until) < 0 ? next.date : request.until;
    const days = daysBetween(change.date, to);
    if (days <= 0) return;
    segments.push({
      from: change.date,
      to,
      days,
      overdueBalance: change.overdueBalance,
      interest: simpleInterest(change.overdueBalance, ratePercent, days, product.dayCountBasis),
    });
  });
  return {
    ratePercent,
    segments,
    interest: sumAmounts(segments.map((s) => s.interest)),
  };
}

/** R-MONEY-2: default interest becomes a fact when posted: round half-up to öre then, once. */
export function postedDefaultInterest(unrounded: Decimal): Decimal {
  return roundOre(unrounded);
}

function requireDate(name: string, value: IsoDate): void {
  if (!isIsoDate(value)) throw new InvalidDefaultInterestInputError(`${name} is not a date: ${JSON.stringify(value)}`);
}

function requireNonNegativeAmount(name: string, value: Decimal): void {
  if (!value.isFinite() || value.lessThan(ZERO)) {
    throw new InvalidDefaultInterestInputError(`${name} must be ≥ 0, got ${value.toString()}`);
  }
}
