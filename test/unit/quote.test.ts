import fc from 'fast-check';
import { Decimal, formatAmount, sumAmounts } from '../../domain/money';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS } from '../../domain/product';
import {
  InvalidQuoteRequestError,
  quote,
  QUOTE_LIMITS,
  quoteRequestViolations,
  toQuoteResponse,
} from '../../domain/quote';
import { WORKED_EXAMPLE } from '../support/worked-example';

const FAST_CHECK = { seed: 20260310, numRuns: 100 };
const d = (s: string): Decimal => new Decimal(s);

const TWO_DECIMALS = /^-?\d+\.\d{2}$/;

const quoteRequest = fc.record({
  amount: fc.integer({ min: 3_000_000, max: 20_000_000 }).map((ore) => new Decimal(ore).div(100)),
  termMonths: fc.integer({ min: 24, max: 120 }),
  nominalRatePercent: fc.integer({ min: 0, max: 4000 }).map((h) => new Decimal(h).div(100)),
  noticeChannel: fc.constantFrom(...NOTICE_CHANNELS),
  payoutDate: fc.constantFrom('2026-03-10', '2026-01-31', '2027-12-24', '2028-02-29', '2030-06-20'),
});

describe('R-PROD-6: quote of the worked example', () => {
  const response = toQuoteResponse(quote(WORKED_EXAMPLE));

  it('R-PROD-6: monthly payment, total cost, total payable, APR and the plan', () => {
    const { schedule, ...summary } = response;
    expect(summary).toEqual({
      amount: '100000.00',
      termMonths: 60,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      payoutDate: '2026-03-10',
      capitalisedInterest: '599.73',
      monthlyPayment: '2134.97',
      totalInterest: '28098.37',
      totalFees: '350.00',
      totalCost: '28448.37',
      totalPayable: '128448.37',
      aprPercent: '10.58',
    });
    expect(schedule).toHaveLength(60);
    expect(schedule[0]).toEqual({
      number: 1,
      dueDate: '2026-04-30',
      principal: '1300.83',
      interest: '834.14',
      fees: '350.00',
      total: '2484.97',
      balanceAfter: '99298.90',
    });
    expect(schedule[59]).toEqual({
      number: 60,
      dueDate: '2031-03-31',
      principal: '2117.58',
      interest: '17.56',
      fees: '0.00',
      total: '2135.14',
      balanceAfter: '0.00',
    });
  });

  it('R-MONEY-1: every amount and rate is a string with exactly two decimals', () => {
    const strings = [
      response.amount,
      response.nominalRatePercent,
      response.capitalisedInterest,
      response.monthlyPayment,
      response.totalInterest,
      response.totalFees,
      response.totalCost,
      response.totalPayable,
      response.aprPercent,
      ...response.schedule.flatMap((i) => [i.principal, i.interest, i.fees, i.total, i.balanceAfter]),
    ];
    for (const s of strings) expect(s).toMatch(TWO_DECIMALS);
  });

  it('R-MONEY-1: the rate is echoed normalised ("7.5" → "7.50", "12" → "12.00")', () => {
    expect(toQuoteResponse(quote({ ...WORKED_EXAMPLE, nominalRatePercent: d('7.5') })).nominalRatePercent).toBe('7.50');
    expect(toQuoteResponse(quote({ ...WORKED_EXAMPLE, nominalRatePercent: d('12') })).nominalRatePercent).toBe('12.00');
  });

  it('R-PROD-6: the response is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(response))).toEqual(response);
  });
});

describe('R-PROD-6: quote totals (properties)', () => {
  it('R-PROD-6 (property): totalPayable = amount + totalInterest + totalFees = Σ installment totals', () => {
    fc.assert(
      fc.property(quoteRequest, (request) => {
        const q = quote(request);
        return (
          q.totalPayable.equals(q.amount.plus(q.totalInterest).plus(q.totalFees)) &&
          q.totalPayable.equals(sumAmounts(q.schedule.map((i) => i.total))) &&
          q.totalCost.equals(q.totalInterest.plus(q.totalFees)) &&
          q.totalInterest.equals(q.capitalisedInterest.plus(sumAmounts(q.schedule.map((i) => i.interest))))
        );
      }),
      FAST_CHECK,
    );
  });

  it('R-PROD-2 (property): total fees = setup fee + one notice fee per installment', () => {
    fc.assert(
      fc.property(quoteRequest, (request) => {
        const q = quote(request);
        const notice = d(DEFAULT_PRODUCT.fees.notice[request.noticeChannel]);
        return q.totalFees.equals(d(DEFAULT_PRODUCT.fees.setup).plus(notice.times(request.termMonths)));
      }),
      FAST_CHECK,
    );
  });

  it('R-MONEY-1 (property): the response carries every amount exactly as formatAmount writes it', () => {
    fc.assert(
      fc.property(quoteRequest, (request) => {
        const q = quote(request);
        const r = toQuoteResponse(q);
        const pairs: [string, Decimal][] = [
          [r.amount, q.amount],
          [r.nominalRatePercent, q.nominalRatePercent],
          [r.capitalisedInterest, q.capitalisedInterest],
          [r.monthlyPayment, q.monthlyPayment],
          [r.totalInterest, q.totalInterest],
          [r.totalFees, q.totalFees],
          [r.totalCost, q.totalCost],
          [r.totalPayable, q.totalPayable],
          [r.aprPercent, q.aprPercent],
          ...q.schedule.flatMap((i, k): [string, Decimal][] => [
            [r.schedule[k]!.principal, i.principal],
            [r.schedule[k]!.interest, i.interest],
            [r.schedule[k]!.fees, i.fees],
            [r.schedule[k]!.total, i.total],
            [r.schedule[k]!.balanceAfter, i.balanceAfter],
          ]),
        ];
        return pairs.every(([text, value]) => text === formatAmount(value) && TWO_DECIMALS.test(text));
      }),
      { ...FAST_CHECK, numRuns: 50 },
    );
  });

  it('R-PROD-3 (property): the last installment of every quote leaves 0.00', () => {
    fc.assert(
      fc.property(quoteRequest, (request) => toQuoteResponse(quote(request)).schedule.at(-1)!.balanceAfter === '0.00'),
      FAST_CHECK,
    );
  });
});

describe('R-PROD-1: quote limits', () => {
  it('R-PROD-1: limits come from the product: 30 000–200 000 SEK, 24–120 months, rate 0–40 %', () => {
    expect(QUOTE_LIMITS.minAmount.toFixed(2)).toBe('30000.00');
    expect(QUOTE_LIMITS.maxAmount.toFixed(2)).toBe('200000.00');
    expect([QUOTE_LIMITS.minTermMonths, QUOTE_LIMITS.maxTermMonths]).toEqual([24, 120]);
    expect([QUOTE_LIMITS.minRatePercent.toFixed(2), QUOTE_LIMITS.maxRatePercent.toFixed(2)]).toEqual(['0.00', '40.00']);
    expect(QUOTE_LIMITS.maxDecimals).toBe(2);
  });

  it('R-PROD-1: the bounds are inclusive', () => {
    for (const request of [
      { ...WORKED_EXAMPLE, amount: d('30000'), termMonths: 24, nominalRatePercent: d('0') },
      { ...WORKED_EXAMPLE, amount: d('200000'), termMonths: 120, nominalRatePercent: d('40') },
    ]) {
      expect(quoteRequestViolations(request)).toEqual([]);
      expect(() => quote(request)).not.toThrow();
    }
  });

  it.each([
    ['amount', { amount: d('29999.99') }],
    ['amount', { amount: d('200000.01') }],
    ['amount', { amount: d('50000.001') }],
    ['termMonths', { termMonths: 23 }],
    ['termMonths', { termMonths: 121 }],
    ['termMonths', { termMonths: 60.5 }],
    ['nominalRatePercent', { nominalRatePercent: d('-0.01') }],
    ['nominalRatePercent', { nominalRatePercent: d('40.01') }],
    ['nominalRatePercent', { nominalRatePercent: d('9.955') }],
    ['noticeChannel', { noticeChannel: 'fax' as never }],
    ['payoutDate', { payoutDate: '2026-02-30' }],
  ])('R-PROD-1: rejects a bad %s (%o)', (field, change) => {
    const request = { ...WORKED_EXAMPLE, ...change };
    expect(quoteRequestViolations(request).map((v) => v.field)).toEqual([field]);
    expect(() => quote(request)).toThrow(InvalidQuoteRequestError);
  });

  it('R-PROD-1: reports every violation at once', () => {
    const violations = quoteRequestViolations({ ...WORKED_EXAMPLE, amount: d('1'), termMonths: 1 });
    expect(violations.map((v) => v.field)).toEqual(['amount', 'termMonths']);
  });
});
