/**
 * Effective annual rate, "effektiv ränta" (R-PROD-5), per the Consumer Credit Directive 2008/48/EC
 * Annex I:  Σ_k C_k·(1+X)^−t_k = Σ_l D_l·(1+X)^−s_l, with t and s in years = days / 365 from the
 * first drawdown, all fees included in the payment flows, result in percent to two decimals.
 *
 * Solving happens in JS doubles for speed (a quote must stay well under 1 ms). Doubles are only a
 * search device: the root is found to ~1e-15, and whenever it lies close enough to a rounding
 * boundary for double error to matter, the boundary is decided by evaluating the equation in
 * 40-digit Decimal. The published two-decimal figure is therefore exact.
 */
import { type IsoDate, toDayNumber } from './dates';
import { Decimal } from './money';
import { DEFAULT_PRODUCT } from './product';
import type { Schedule } from './schedule';

export interface CashFlow {
  date: IsoDate;
  /** Positive amount of money moving (direction given by the list it is in). */
  amount: Decimal;
}

export interface AprCashFlows {
  /** Drawdowns: money the lender pays out (the C_k of Annex I). */
  drawdowns: readonly CashFlow[];
  /** Repayments and charges the borrower pays (the D_l of Annex I). */
  payments: readonly CashFlow[];
}

export class AprNotDefinedError extends Error {
  constructor(reason: string) {
    super(`APR is not defined: ${reason}`);
    this.name = 'AprNotDefinedError';
  }
}

/** Internal representation: one signed flow (payments positive, drawdowns negative) at t years. */
interface SignedFlow {
  days: number;
  years: number;
  amount: number;
  exactAmount: Decimal;
}

/** Annex I: "years … expressed in 365 days" (R-PROD-5); kept as the product's day count basis. */
const DAYS_PER_YEAR = DEFAULT_PRODUCT.dayCountBasis;

const HIGHEST_RATE = 1e6;
/** Relative step / bracket width at which the double search stops: far below 0.01 % = 1e-4. */
const ROOT_TOLERANCE = 1e-14;
/**
 * When the double root is within this distance (in rate units) of a two-decimal rounding boundary
 * the boundary is re-decided in Decimal. The double root's error is ~1e-13 at worst, so 1e-9 is
 * a wide safety margin, and a real schedule practically never lands this close.
 */
const BOUNDARY_GUARD = 1e-9;
/** Net present values this small relative to the flows are indistinguishable from 0 in 40 digits. */
const EXACT_TIE_RELATIVE = new Decimal('1e-30');

/**
 * Day numbers of the dates seen so far. A plan's due dates repeat across quotes (one per month),
 * and parsing each ISO string again was most of the APR's cost. Bounded, and a pure function of
 * its key, so it is deterministic in workflow code.
 */
const dayNumbers = new Map<IsoDate, number>();
const DAY_NUMBER_CACHE_LIMIT = 50_000;

function dayNumber(date: IsoDate): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    n = toDayNumber(date);
    if (dayNumbers.size >= DAY_NUMBER_CACHE_LIMIT) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}

function signedFlows({ drawdowns, payments }: AprCashFlows): { flows: SignedFlow[]; start: IsoDate } {
  const first = [...drawdowns].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))[0];
  if (!first) throw new AprNotDefinedError('no drawdown');
  const start = first.date;
  const startDay = dayNumber(start);
  const flows: SignedFlow[] = [];
  const add = (flow: CashFlow, sign: 1 | -1): void => {
    const days = dayNumber(flow.date) - startDay;
    if (days < 0) throw new AprNotDefinedError(`payment on ${flow.date} precedes the first drawdown ${start}`);
    const exactAmount = sign === 1 ? flow.amount : flow.amount.negated();
    flows.push({ days, years: days / DAYS_PER_YEAR, amount: exactAmount.toNumber(), exactAmount });
  };
  for (const d of drawdowns) add(d, -1);
  for (const p of payments) add(p, 1);
  return { flows, start };
}

/** Net present value at rate x: Σ payments·(1+x)^−s − Σ drawdowns·(1+x)^−t. Decreasing in x. */
function npv(flows: readonly SignedFlow[], x: number): number {
  const logGrowth = Math.log1p(x);
  let sum = 0;
  for (const f of flows) sum += f.amount * Math.exp(-f.years * logGrowth);
  return sum;
}

/** NPV and its derivative in one pass, for Newton steps. */
function npvWithSlope(flows: readonly SignedFlow[], x: number): { value: number; slope: number } {
  const logGrowth = Math.log1p(x);
  let value = 0;
  let slope = 0;
  for (const f of flows) {
    const discounted = f.amount * Math.exp(-f.years * logGrowth);
    value += discounted;
    slope -= (f.years * discounted) / (1 + x);
  }
  return { value, slope };
}

/** The same NPV in 40-digit Decimal, for deciding rounding boundaries. */
function exactNpv(flows: readonly SignedFlow[], x: Decimal): Decimal {
  const logGrowth = x.plus(1).ln();
  let sum = new Decimal(0);
  for (const f of flows) {
    const years = new Decimal(f.days).div(DAYS_PER_YEAR);
    sum =
      f.days === 0 ? sum.plus(f.exactAmount) : sum.plus(f.exactAmount.times(logGrowth.times(years).negated().exp()));
  }
  return sum;
}

/**
 * The rate X (a fraction, 0.1 = 10 %) solving Annex I, as a JS double: bracketed, Newton steps
 * accepted only while they stay inside the bracket and shrink it, bisection otherwise, so it
 * converges for every flow set with exactly one sign change in NPV.
 */
function solveRate(flows: readonly SignedFlow[]): number {
  const totalPaid = flows.reduce((s, f) => s + Math.max(f.amount, 0), 0);
  const totalDrawn = flows.reduce((s, f) => s + Math.max(-f.amount, 0), 0);
  if (totalPaid <= 0) throw new AprNotDefinedError('no payments');
  if (totalDrawn <= 0) throw new AprNotDefinedError('no drawdown');

  // NPV(0) = paid − drawn: its sign tells which side of 0 the root is on.
  let low = 0;
  let high: number;
  const atZero = npv(flows, 0);
  if (atZero === 0) return 0;
  if (atZero > 0) {
    high = 1;
    while (npv(flows, high) > 0) {
      low = high;
      high *= 2;
      if (high > HIGHEST_RATE) throw new AprNotDefinedError('rate above 10^8 %');
    }
  } else {
    // Payments worth less than the drawdowns: a negative rate, bracketed by halving the distance
    // to −100 % (where the discount factor blows up).
    high = 0;
    low = -0.5;
    for (let attempt = 0; npv(flows, low) < 0; attempt++) {
      if (attempt >= 40) throw new AprNotDefinedError('rate at or below −100 %');
      high = low;
      low = -1 + (low + 1) / 2;
    }
  }

  // Invariant: npv(low) > 0 > npv(high) (NPV decreases in x).
  let x = (low + high) / 2;
  for (let iteration = 0; iteration < 200 && high - low > ROOT_TOLERANCE * Math.max(1, Math.abs(x)); iteration++) {
    const { value, slope } = npvWithSlope(flows, x);
    if (value === 0) return x;
    if (value > 0) low = x;
    else high = x;
    const newton = slope !== 0 ? x - value / slope : NaN;
    // NPV is convex, so Newton approaches the root from one side and the bracket's far end never
    // moves: stop on the step size (quadratic convergence makes the remaining error ~step²).
    if (Number.isFinite(newton) && Math.abs(newton - x) <= ROOT_TOLERANCE * Math.max(1, Math.abs(x))) return newton;
    // Bisection whenever Newton would leave the bracket (or the slope vanished) keeps the search
    // robust far from the root.
    x = Number.isFinite(newton) && newton > low && newton < high ? newton : (low + high) / 2;
  }
  return x;
}

/**
 * APR in percent rounded half-up to two decimals (R-PROD-5) for arbitrary cash flows.
 * Time runs from the earliest drawdown, in days / 365.
 */
export function annualPercentageRate(cashFlows: AprCashFlows): Decimal {
  const { flows } = signedFlows(cashFlows);
  const root = solveRate(flows);
  const hundredthsOfPercent = root * 10_000;
  const lowerStep = Math.floor(hundredthsOfPercent);
  const distanceToBoundary = Math.abs(hundredthsOfPercent - (lowerStep + 0.5)) / 10_000;
  if (distanceToBoundary > BOUNDARY_GUARD) {
    // Far from a .xx5 boundary: the double root rounds the same way the exact root does.
    return new Decimal(Math.round(hundredthsOfPercent)).div(100);
  }
  // Near a boundary: the exact root is above the boundary iff NPV(boundary) > 0 (NPV decreases).
  const boundary = new Decimal(lowerStep).plus('0.5').div(10_000);
  const value = exactNpv(flows, boundary);
  const scale = flows.reduce((s, f) => s.plus(f.exactAmount.abs()), new Decimal(0));
  const exactTie = value.abs().lessThanOrEqualTo(scale.times(EXACT_TIE_RELATIVE));
  // Half-up (R-MONEY-2, decimal.js ROUND_HALF_UP) sends a tie away from zero.
  const roundsUp = exactTie ? lowerStep >= 0 : value.isPositive();
  return new Decimal(roundsUp ? lowerStep + 1 : lowerStep).div(100);
}

/** Annex I cash flows of a payment plan: the amount paid out, then every installment's total. */
export function scheduleCashFlows(schedule: Schedule): AprCashFlows {
  return {
    drawdowns: [{ date: schedule.payoutDate, amount: schedule.amount }],
    payments: schedule.installments.map((i) => ({ date: i.dueDate, amount: i.total })),
  };
}

/** R-PROD-5: APR of a payment plan, percent to two decimals. */
export function scheduleApr(schedule: Schedule): Decimal {
  return annualPercentageRate(scheduleCashFlows(schedule));
}
