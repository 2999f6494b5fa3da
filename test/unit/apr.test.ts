import fc from 'fast-check';
import { annualPercentageRate, AprNotDefinedError, scheduleApr, scheduleCashFlows } from '../../domain/apr';
import { daysBetween, fromDayNumber, toDayNumber } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS, type ProductParameters } from '../../domain/product';
import { buildSchedule, type Schedule } from '../../domain/schedule';
import { WORKED_EXAMPLE } from '../support/worked-example';

const FAST_CHECK = { seed: 20260310, numRuns: 200 };
const d = (s: string): Decimal => new Decimal(s);

/** A product without any fee, to isolate the interest part of the APR. */
const FEE_FREE: ProductParameters = {
  ...DEFAULT_PRODUCT,
  fees: { ...DEFAULT_PRODUCT.fees, setup: '0.00', notice: { autogiro: '0.00', 'e-invoice': '0.00', paper: '0.00' } },
};

const scheduleRequest = fc.record({
  amount: fc.integer({ min: 3_000_000, max: 20_000_000 }).map((ore) => new Decimal(ore).div(100)),
  termMonths: fc.integer({ min: 24, max: 120 }),
  nominalRatePercent: fc.integer({ min: 0, max: 4000 }).map((h) => new Decimal(h).div(100)),
  noticeChannel: fc.constantFrom(...NOTICE_CHANNELS),
  payoutDate: fc.integer({ min: toDayNumber('2024-01-01'), max: toDayNumber('2040-12-31') }).map(fromDayNumber),
});

/**
 * Annex I net present value at rate x, written independently of the solver (Decimal.pow with a
 * fractional exponent instead of exp/ln): Σ payments·(1+x)^−t − amount, t = days/365.
 */
function referenceNpv(plan: Schedule, x: Decimal): Decimal {
  return plan.installments
    .reduce(
      (sum, i) => sum.plus(i.total.div(x.plus(1).pow(new Decimal(daysBetween(plan.payoutDate, i.dueDate)).div(365)))),
      new Decimal(0),
    )
    .minus(plan.amount);
}

describe('R-PROD-5: APR of the worked example', () => {
  it.each([
    ['autogiro', '10.58'],
    ['e-invoice', '11.02'],
    ['paper', '11.55'],
  ] as const)('R-PROD-5: 100 000 / 60 months / 9.95 %% / %s → APR %s %%', (noticeChannel, expected) => {
    const plan = buildSchedule({ ...WORKED_EXAMPLE, noticeChannel });
    const apr = scheduleApr(plan);
    expect(apr.toFixed(2)).toBe(expected);
    // The exact root lies in [APR − 0.005 %, APR + 0.005 %): NPV changes sign across that interval.
    const lower = apr.minus('0.005').div(100);
    const upper = apr.plus('0.005').div(100);
    expect(referenceNpv(plan, lower).isPositive()).toBe(true);
    expect(referenceNpv(plan, upper).isNegative()).toBe(true);
  });

  it('R-PROD-5: the drawdown is the amount paid out and the payments are the installment totals', () => {
    const plan = buildSchedule(WORKED_EXAMPLE);
    const flows = scheduleCashFlows(plan);
    expect(flows.drawdowns).toEqual([{ date: '2026-03-10', amount: d('100000') }]);
    expect(flows.payments).toHaveLength(60);
    expect(flows.payments[0]).toEqual({ date: '2026-04-30', amount: plan.installments[0]!.total });
  });
});

describe('R-PROD-5: Annex I on hand-checkable cash flows', () => {
  it('R-PROD-5: 1000 → 1210 after two 365-day years is exactly 10 %', () => {
    const apr = annualPercentageRate({
      drawdowns: [{ date: '2025-01-01', amount: d('1000') }],
      payments: [{ date: '2027-01-01', amount: d('1210') }],
    });
    expect(apr.toFixed(2)).toBe('10.00');
  });

  it('R-PROD-5: a leap year counts 366 days / 365 (Annex I, year = 365 days)', () => {
    // 1000 → 1100 over 366 days: X = 1.1^(365/366) − 1 = 9.9726… %.
    const apr = annualPercentageRate({
      drawdowns: [{ date: '2024-01-01', amount: d('1000') }],
      payments: [{ date: '2025-01-01', amount: d('1100') }],
    });
    expect(apr.toFixed(2)).toBe('9.97');
  });

  it('R-PROD-5 / R-MONEY-2: a root exactly on a half-hundredth rounds half-up', () => {
    // 1000 → 1100.05 after 365 days: X = 10.005 % exactly, which a double cannot tell from
    // 10.00499…; the Decimal boundary check decides it.
    const onBoundary = annualPercentageRate({
      drawdowns: [{ date: '2025-01-01', amount: d('1000') }],
      payments: [{ date: '2026-01-01', amount: d('1100.05') }],
    });
    expect(onBoundary.toFixed(2)).toBe('10.01');
    const justBelow = annualPercentageRate({
      drawdowns: [{ date: '2025-01-01', amount: d('100000') }],
      payments: [{ date: '2026-01-01', amount: d('110004.99') }],
    });
    expect(justBelow.toFixed(2)).toBe('10.00');
    const justAbove = annualPercentageRate({
      drawdowns: [{ date: '2025-01-01', amount: d('100000') }],
      payments: [{ date: '2026-01-01', amount: d('110005.01') }],
    });
    expect(justAbove.toFixed(2)).toBe('10.01');
  });

  it('R-PROD-5: paying back exactly what was lent is 0.00 %', () => {
    const plan = buildSchedule({ ...WORKED_EXAMPLE, nominalRatePercent: d('0'), product: FEE_FREE });
    expect(scheduleApr(plan).toFixed(2)).toBe('0.00');
  });

  it('R-PROD-5: paying back less than was lent gives a negative rate, not NaN', () => {
    const apr = annualPercentageRate({
      drawdowns: [{ date: '2025-01-01', amount: d('1000') }],
      payments: [{ date: '2026-01-01', amount: d('900') }],
    });
    expect(apr.toFixed(2)).toBe('-10.00');
  });

  it('R-PROD-5: cash flows without a drawdown or payment have no APR', () => {
    expect(() => annualPercentageRate({ drawdowns: [], payments: [{ date: '2026-01-01', amount: d('1') }] })).toThrow(
      AprNotDefinedError,
    );
    expect(() => annualPercentageRate({ drawdowns: [{ date: '2026-01-01', amount: d('1') }], payments: [] })).toThrow(
      AprNotDefinedError,
    );
  });
});

describe('R-PROD-5: APR properties', () => {
  it('R-PROD-5 (property): APR ≥ nominal rate when fees > 0', () => {
    fc.assert(
      fc.property(scheduleRequest, (request) => {
        const plan = buildSchedule(request); // DEFAULT_PRODUCT: setup fee 350 on installment 1
        return scheduleApr(plan).greaterThanOrEqualTo(request.nominalRatePercent);
      }),
      FAST_CHECK,
    );
  });

  it('R-PROD-5 (property): more fees never lower the APR (paper ≥ e-invoice ≥ autogiro)', () => {
    fc.assert(
      fc.property(scheduleRequest, (request) => {
        const [autogiro, eInvoice, paper] = (['autogiro', 'e-invoice', 'paper'] as const).map((noticeChannel) =>
          scheduleApr(buildSchedule({ ...request, noticeChannel })),
        );
        return paper!.greaterThanOrEqualTo(eInvoice!) && eInvoice!.greaterThanOrEqualTo(autogiro!);
      }),
      { ...FAST_CHECK, numRuns: 80 },
    );
  });

  it('R-PROD-5 (property): always a finite two-decimal percent on valid input (no NaN/∞)', () => {
    fc.assert(
      fc.property(scheduleRequest, (request) => {
        const apr = scheduleApr(buildSchedule(request));
        return apr.isFinite() && apr.decimalPlaces() <= 2 && apr.greaterThanOrEqualTo(0) && apr.lessThan(100);
      }),
      FAST_CHECK,
    );
  });

  it('R-PROD-5 (property): the two-decimal APR brackets the exact root', () => {
    fc.assert(
      fc.property(scheduleRequest, (request) => {
        const plan = buildSchedule(request);
        const apr = scheduleApr(plan);
        if (apr.isZero()) return referenceNpv(plan, d('0.00005')).isNegative();
        return (
          !referenceNpv(plan, apr.minus('0.005').div(100)).isNegative() &&
          referenceNpv(plan, apr.plus('0.005').div(100)).isNegative()
        );
      }),
      { ...FAST_CHECK, numRuns: 25 }, // the Decimal reference is slow
    );
  });

  /**
   * Without fees the APR is the nominal rate's effective rate (1 + r/12)^12 − 1, up to day counts:
   * the schedule charges each calendar month 1/12 year of interest (February's 28 days too), due
   * dates move up to four days before the month end (weekends, Easter, nyårsafton), and the stub
   * to the first period is simple interest, while Annex I discounts by actual days / 365. Those
   * are a few days' worth of interest, spread over the loan's life, so the gap is bounded by
   * effective × (14 days / 365) / term in years (every payout day of 2026 at 0–40 % and 24–120
   * months stays under 12.6 days by that measure), plus 0.005 for rounding the APR.
   */
  it('R-PROD-5 (property): fee-free APR ≈ effective rate of the nominal, within day-count effects', () => {
    fc.assert(
      fc.property(scheduleRequest, (request) => {
        const plan = buildSchedule({ ...request, product: FEE_FREE });
        const r = request.nominalRatePercent.div(1200);
        const effectivePercent = r.plus(1).pow(12).minus(1).times(100);
        const years = request.termMonths / 12;
        const tolerance = effectivePercent.times(14).div(365).div(years).plus('0.005');
        return scheduleApr(plan).minus(effectivePercent).abs().lessThanOrEqualTo(tolerance);
      }),
      FAST_CHECK,
    );
  });

  it('R-PROD-5: fee-free APR is within 0.02 points of the effective rate for a typical 10-year loan', () => {
    const plan = buildSchedule({ ...WORKED_EXAMPLE, termMonths: 120, product: FEE_FREE });
    // (1 + 0.0995/12)^12 − 1 = 10.4165… %
    expect(scheduleApr(plan).minus('10.4165').abs().lessThanOrEqualTo('0.02')).toBe(true);
  });
});
