import request from 'supertest';
import { stockholmDate } from '../../domain/dates';
import { Decimal, sumAmounts } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { type ApiHarness, startApiHarness } from '../support/api';

const EXAMPLE = {
  amount: '100000',
  termMonths: 60,
  nominalRatePercent: '9.95',
  noticeChannel: 'autogiro',
  payoutDate: '2026-03-10',
};
const TWO_DECIMALS = /^\d+\.\d{2}$/;

describe('POST /v1/quotes (R-PROD-6)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h?.stop());

  it('R-PROD-3/4/5: answers the contract example with the true capitalised interest and monthly payment', async () => {
    const res = await request(h.app).post('/v1/quotes').send(EXAMPLE).expect(200);
    const q = res.body;
    expect(q).toMatchObject({
      amount: '100000.00',
      termMonths: 60,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      payoutDate: '2026-03-10',
      capitalisedInterest: '599.73',
      monthlyPayment: '2134.97',
      aprPercent: '10.58',
    });
    expect(q.schedule).toHaveLength(60);
    expect(q.schedule[0]).toMatchObject({ number: 1, dueDate: '2026-04-30', fees: '350.00' });
    expect(q.schedule[59]).toMatchObject({ number: 60, dueDate: '2031-03-31', balanceAfter: '0.00' });

    const sum = (key: string) => sumAmounts(q.schedule.map((i: Record<string, string>) => new Decimal(i[key]!)));
    expect(sum('principal').toFixed(2)).toBe(new Decimal('100000').plus(q.capitalisedInterest).toFixed(2));
    expect(q.totalInterest).toBe(new Decimal(q.capitalisedInterest).plus(sum('interest')).toFixed(2));
    expect(q.totalFees).toBe(sum('fees').toFixed(2));
    expect(q.totalPayable).toBe(sum('total').toFixed(2));
    for (const i of q.schedule) {
      for (const key of ['principal', 'interest', 'fees', 'total', 'balanceAfter'])
        expect(i[key]).toMatch(TWO_DECIMALS);
    }
  });

  it('R-PROD-2: paper invoices add the notice fee to every installment', async () => {
    const res = await request(h.app)
      .post('/v1/quotes')
      .send({ ...EXAMPLE, noticeChannel: 'paper' })
      .expect(200);
    expect(res.body.schedule[0].fees).toBe('395.00'); // setup 350 + notice 45
    expect(res.body.schedule[1].fees).toBe('45.00');
    expect(res.body.totalFees).toBe('3050.00');
  });

  it('R-TIME-1: without payoutDate the quote assumes today in Stockholm', async () => {
    const before = stockholmDate(new Date());
    const { payoutDate: _omitted, ...withoutDate } = EXAMPLE;
    const res = await request(h.app).post('/v1/quotes').send(withoutDate).expect(200);
    expect([before, stockholmDate(new Date())]).toContain(res.body.payoutDate);
  });

  it.each([
    ['amount below R-PROD-1', { amount: '29999.99' }, 'body.amount'],
    ['amount above R-PROD-1', { amount: '200000.01' }, 'body.amount'],
    ['amount with three decimals', { amount: '100000.001' }, 'body.amount'],
    ['amount as a JSON number', { amount: 100000 }, 'body.amount'],
    ['negative amount', { amount: '-50000' }, 'body.amount'],
    ['term below 24', { termMonths: 23 }, 'body.termMonths'],
    ['term above 120', { termMonths: 121 }, 'body.termMonths'],
    ['fractional term', { termMonths: 24.5 }, 'body.termMonths'],
    ['rate above 40', { nominalRatePercent: '40.01' }, 'body.nominalRatePercent'],
    ['negative rate', { nominalRatePercent: '-1' }, 'body.nominalRatePercent'],
    ['rate with three decimals', { nominalRatePercent: '9.955' }, 'body.nominalRatePercent'],
    ['unknown channel', { noticeChannel: 'fax' }, 'body.noticeChannel'],
    ['impossible date', { payoutDate: '2026-02-30' }, 'body.payoutDate'],
    ['not a date', { payoutDate: 'tomorrow' }, 'body.payoutDate'],
    ['unknown field', { discount: '10' }, 'body.discount'],
  ])('rejects %s with 400 problem+json naming the field', async (_name, change, field) => {
    const res = await request(h.app)
      .post('/v1/quotes')
      .send({ ...EXAMPLE, ...change })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('names every invalid field at once', async () => {
    const res = await request(h.app)
      .post('/v1/quotes')
      .send({ amount: '5', termMonths: 300, nominalRatePercent: 'high', noticeChannel: 'pigeon', payoutDate: '10/3' })
      .expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual([
      'body.amount',
      'body.nominalRatePercent',
      'body.noticeChannel',
      'body.payoutDate',
      'body.termMonths',
    ]);
  });

  it('a missing body is a 400 naming the required fields, never a 500', async () => {
    const res = await request(h.app).post('/v1/quotes').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.amount', 'body.termMonths', 'body.nominalRatePercent', 'body.noticeChannel']),
    );
  });

  it('GET /v1/products/default returns the product parameters (R-PROD-1/2)', async () => {
    const res = await request(h.app).get('/v1/products/default').expect(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(DEFAULT_PRODUCT)));
    expect(res.body.fees.notice.paper).toBe('45.00');
  });

  it('the quote endpoint is in the OpenAPI document', async () => {
    const res = await request(h.app).get('/openapi.json').expect(200);
    expect(res.body.paths['/v1/quotes'].post.operationId).toBe('createQuote');
    expect(res.body.components.schemas.QuoteRequest.required).toEqual(
      expect.arrayContaining(['amount', 'termMonths', 'nominalRatePercent', 'noticeChannel']),
    );
    expect(res.body.paths['/v1/products/default'].get).toBeDefined();
  });
});
