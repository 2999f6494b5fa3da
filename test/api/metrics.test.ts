/**
 * Operators' metrics: `GET /metrics` in Prometheus' text format, scraped before and
 * after one application's whole journey (created → identified → submitted → offered → signed →
 * paid out) through the real app, dev server, worker and sandbox doubles. The activities' counters
 * move, the book gauges read PostgreSQL, and request durations carry route templates, never ids.
 * The worker's own listener (platform/metrics-server.ts) serves the same registry.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startMetricsServer } from '../../platform/metrics-server';
import { type ApiHarness, startApiHarness } from '../support/api';
import { goodAnswers, newPerson, waitFor } from '../support/application';

/** The value of one series (`name{a="x",b="y"}`) in a scrape; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([\w:]+)(\{(.*)\})? ([^ ]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(m[4]);
      found = true;
    }
  }
  return found ? total : 0;
}

describe('GET /metrics', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 120_000);
  afterAll(async () => h?.stop());

  const scrape = async () => {
    const res = await request(h.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return res.text;
  };

  it('counts an application journey: closed as PAID_OUT, one payout of its amount, a loan in the book', async () => {
    const before = await scrape();
    const vendor = `vendor-m-${randomUUID().slice(0, 8)}`;
    const vendorAuth = `Bearer ${h.token({ role: 'vendor', sub: 'seller-m', vendorId: vendor })}`;
    const customerAuth = `Bearer ${h.token({ role: 'customer', sub: `c-${randomUUID()}` })}`;
    const anna = newPerson();
    await request(h.app)
      .post('/v1/sandbox/bureau/persons')
      .send({ personnummer: anna.personnummer, taxedAnnualIncome: '540000.00' })
      .expect(201);
    const app = (
      await request(h.app)
        .post('/v1/applications')
        .set('authorization', vendorAuth)
        .send({
          amount: '100000',
          termMonths: 60,
          noticeChannel: 'e-invoice',
          applicants: [{ personnummer: anna.personnummer, email: anna.email, phone: anna.phone }],
        })
        .expect(201)
    ).body as { id: string };
    const mails = await waitFor(
      async () => (await request(h.app).get('/v1/sandbox/emails').query({ to: anna.email }).expect(200)).body.items,
      (items: { text: string }[]) => items.some((m) => m.text.includes(app.id)),
      'the invitation mail',
    );
    const invite = (mails as { text: string }[]).find((m) => m.text.includes(app.id))!.text;
    const inviteCode = decodeURIComponent(/invite=([\w%-]+)/.exec(invite)![1]!);
    const completeBankId = (orderRef: string) =>
      request(h.app).post(`/v1/sandbox/bankid/orders/${orderRef}/complete`).send({}).expect(200);
    const view = () => request(h.app).get(`/v1/applications/${app.id}`).set('authorization', customerAuth);

    const identification = await request(h.app)
      .post(`/v1/applications/${app.id}/identification`)
      .set('authorization', customerAuth)
      .send({ inviteCode })
      .expect(202);
    await completeBankId(identification.body.orderRef);
    await waitFor(view, (res) => res.status === 200 && res.body.applicants[0].identified, 'identification');
    await request(h.app)
      .post(`/v1/applications/${app.id}/submission`)
      .set('authorization', customerAuth)
      .send(goodAnswers())
      .expect(200);
    await waitFor(view, (res) => res.body.status === 'OFFERED', 'the offer', 60_000);
    const sign = await request(h.app)
      .post(`/v1/applications/${app.id}/acceptance`)
      .set('authorization', customerAuth)
      .expect(202);
    await completeBankId(sign.body.orderRef);
    await waitFor(view, (res) => res.body.status === 'PAID_OUT', 'the payout', 60_000);

    // The counters move when the activities commit; the projection that says PAID_OUT is one of them.
    const after = await waitFor(
      scrape,
      (text) =>
        sample(text, 'loan_engine_applications_closed_total', { outcome: 'PAID_OUT' }) >
        sample(before, 'loan_engine_applications_closed_total', { outcome: 'PAID_OUT' }),
      'the PAID_OUT counter',
    );
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('loan_engine_applications_closed_total', { outcome: 'PAID_OUT' })).toBe(1);
    expect(delta('loan_engine_payouts_total')).toBe(1);
    expect(delta('loan_engine_payout_amount_sek_total')).toBe(100_000);
    // Book gauges come from PostgreSQL at the scrape: this test's database holds the new loan.
    expect(sample(after, 'loan_engine_book_scrape_ok')).toBe(1);
    expect(sample(after, 'loan_engine_loans')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'loan_engine_applications', { status: 'PAID_OUT' })).toBeGreaterThanOrEqual(1);
    // Request durations by route template and status: the id never becomes a label.
    expect(
      delta('loan_engine_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/applications/{id}/submission',
        status: '200',
      }),
    ).toBe(1);
    expect(after).not.toContain(app.id);
    // The process' own metrics are there too.
    expect(sample(after, 'loan_engine_process_resident_memory_bytes')).toBeGreaterThan(0);
  }, 180_000);

  it('labels requests no route matched as unmatched, and the worker listener serves the same registry', async () => {
    await request(h.app).get(`/no-such-page-${randomUUID()}`).expect(404);
    const text = await scrape();
    expect(
      sample(text, 'loan_engine_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);

    const server = await startMetricsServer(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('# TYPE loan_engine_invoices_issued_total counter');
      expect(body).toContain('# TYPE loan_engine_loans gauge');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
