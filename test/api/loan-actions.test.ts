/**
 * Loan actions through the API (R-LOAN-5…8, R-LOAN-10, R-SEC-1): bad requests are 400s naming the
 * field, other people's loans 404s, a refusal by the loan workflow a 409 naming the reason (and the
 * field), an ended loan a 409, and a rate change for many loans answers per loan.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { findLoan, setLoanStatus } from '../../db/loan-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { earliestChangeEffectiveDate } from '../../domain/rate-change';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { type ApiHarness, startApiHarness, eventually } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';

describe('loan actions through the API (R-LOAN-5…8, R-LOAN-10, R-SEC-1)', () => {
  let h: ApiHarness;
  const loans: LoanTerms[] = [];
  let a: LoanTerms; // the customer's loan the actions are asked of
  let b: LoanTerms; // another customer's loan
  let withdrawn: LoanTerms;
  let closed: LoanTerms;

  const operator = () => h.token({ role: 'operator', sub: 'op-1' });
  const customerOf = (t: LoanTerms) => h.token({ role: 'customer', sub: t.customerId });
  const post = (path: string, token: string, body?: object) => {
    const r = request(h.app).post(path).set('authorization', `Bearer ${token}`);
    return body === undefined ? r : r.send(body);
  };
  const today = () => stockholmDate(new Date());

  async function openLoan(overrides: Partial<LoanTerms> = {}): Promise<LoanTerms> {
    const loanId = randomUUID();
    const terms: LoanTerms = {
      loanId,
      contractNumber: String(300_000_000 + Math.floor(Math.random() * 699_999_999)),
      customerId: `customer-${loanId}`,
      amount: '50000.00',
      termMonths: 36,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      // Paid out today: within the withdrawal period, nothing invoiced yet.
      payoutDate: today(),
      ...overrides,
    };
    await h.client.workflow.start(loanWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: loanWorkflowId(loanId),
      args: [{ terms }],
    });
    await eventually(async () => ((await findLoan(h.db, loanId)) ? true : undefined), `loan ${loanId} to open`);
    loans.push(terms);
    return terms;
  }

  beforeAll(async () => {
    h = await startApiHarness();
    [a, b, withdrawn, closed] = await Promise.all([openLoan(), openLoan(), openLoan(), openLoan()]);
    // A loan whose life has ended: its workflow is gone and PostgreSQL says CLOSED.
    await h.client.workflow.getHandle(loanWorkflowId(closed.loanId)).terminate('test: the loan ended');
    await setLoanStatus(h.db, closed.loanId, 'CLOSED', today());
  });
  afterAll(async () => {
    for (const t of loans) {
      await h?.client.workflow
        .getHandle(loanWorkflowId(t.loanId))
        .terminate('test done')
        .catch(() => undefined);
    }
    await h?.stop();
  });

  it('bad bodies are 400s naming the field', async () => {
    const cases: [string, object, string[]][] = [
      [`/v1/loans/${a.loanId}/early-repayment/quotes`, { kind: 'partial' }, ['body.amount']],
      [`/v1/loans/${a.loanId}/early-repayment/quotes`, { kind: 'some' }, ['body.kind']],
      [`/v1/loans/${a.loanId}/early-repayment/quotes`, { kind: 'partial', amount: '-5' }, ['body.amount']],
      [
        `/v1/loans/${a.loanId}/early-repayment/quotes`,
        { kind: 'whole', paymentDate: '2026-02-30' },
        ['body.paymentDate'],
      ],
      [`/v1/loans/${a.loanId}/early-repayment/quotes`, { kind: 'whole', amount: '100' }, ['body.amount']],
      [`/v1/loans/${a.loanId}/payment-free-months`, { installmentNumber: 'next' }, ['body.installmentNumber']],
      [`/v1/loans/${a.loanId}/withdrawal`, { noticeDate: '2026-01-01' }, ['body.noticeDate']],
    ];
    for (const [path, body, fields] of cases) {
      const res = await post(path, customerOf(a), body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
    const rate = await post(`/v1/operator/loans/${a.loanId}/rate-changes`, operator(), {
      changeId: 'c',
      newNominalRatePercent: '10.5%',
    });
    expect(rate.status).toBe(400);
    expect(rate.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.effectiveFrom',
      'body.newNominalRatePercent',
    ]);
    const many = await post('/v1/operator/rate-changes', operator(), {
      changeId: 'c',
      newNominalRatePercent: '10.50',
      effectiveFrom: '2030-01-01',
      loanIds: Array.from({ length: 501 }, (_, i) => `loan-${i}`),
    });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].field).toBe('body.loanIds');
    const none = await post('/v1/operator/rate-changes', operator(), {
      changeId: 'c',
      newNominalRatePercent: '10.50',
      effectiveFrom: '2030-01-01',
      loanIds: [],
    });
    expect(none.status).toBe(400);
  });

  it('R-SEC-1: another customer’s loan and an unknown loan are 404s; a customer may not change rates', async () => {
    for (const path of [
      `/v1/loans/${b.loanId}/early-repayment/quotes`,
      `/v1/loans/${b.loanId}/payment-free-months`,
      `/v1/loans/${b.loanId}/withdrawal`,
    ]) {
      const res = await post(path, customerOf(a), path.endsWith('quotes') ? { kind: 'whole' } : {});
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    await post(`/v1/loans/${b.loanId}/early-repayment/quotes/q-1/confirm`, customerOf(a)).expect(404);
    await post(`/v1/loans/${randomUUID()}/withdrawal`, operator(), {}).expect(404);
    await post(`/v1/operator/loans/${a.loanId}/rate-changes`, customerOf(a), {
      changeId: 'c',
      newNominalRatePercent: '10.50',
      effectiveFrom: '2030-01-01',
    }).expect(403);
    const vendor = h.token({ role: 'vendor', sub: 'v', vendorId: 'v-1' });
    await post(`/v1/loans/${a.loanId}/withdrawal`, vendor, {}).expect(403);
  });

  it('R-LOAN-10: a rate change effective too soon is refused: 409 naming body.effectiveFrom; then accepted', async () => {
    const earliest = earliestChangeEffectiveDate(today());
    const tooSoon = await post(`/v1/operator/loans/${a.loanId}/rate-changes`, operator(), {
      changeId: `too-soon-${a.loanId}`,
      newNominalRatePercent: '10.45',
      effectiveFrom: addDays(earliest, -1),
    }).expect(409);
    expect(tooSoon.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(tooSoon.body).toMatchObject({ type: '/problems/update-refused', status: 409 });
    expect(tooSoon.body.reason).toEqual(expect.any(String));
    expect(tooSoon.body.errors[0].field).toBe('body.effectiveFrom');

    const ok = await post(`/v1/operator/loans/${a.loanId}/rate-changes`, operator(), {
      changeId: `ok-${a.loanId}`,
      newNominalRatePercent: '10.45',
      effectiveFrom: earliest,
    }).expect(201);
    expect(ok.body).toMatchObject({ effectiveFrom: earliest, newNominalRatePercent: '10.45' });
    expect(ok.body.newMonthlyPayment).toMatch(/^\d+\.\d{2}$/);
  });

  it('R-LOAN-6: a payment-free month is granted once; a second within 12 months is a 409 naming body.installmentNumber', async () => {
    // The next installment of a fresh loan is the first, which carries the setup fee: refused.
    const first = await post(`/v1/loans/${a.loanId}/payment-free-months`, customerOf(a), {}).expect(409);
    expect(first.body.errors[0].field).toBe('body.installmentNumber');
    const grant = await post(`/v1/loans/${a.loanId}/payment-free-months`, customerOf(a), {
      installmentNumber: 2,
    }).expect(201);
    expect(grant.body).toMatchObject({ installmentNumber: 2, termMonths: 37 });
    const second = await post(`/v1/loans/${a.loanId}/payment-free-months`, customerOf(a), {
      installmentNumber: 4,
    }).expect(409);
    expect(second.body.errors[0].field).toBe('body.installmentNumber');
  });

  it('R-LOAN-7: a whole quote, an unknown quote refused (409 params.quoteId), the quote confirmed', async () => {
    const quote = await post(`/v1/loans/${a.loanId}/early-repayment/quotes`, customerOf(a), { kind: 'whole' }).expect(
      201,
    );
    expect(quote.body).toMatchObject({ kind: 'whole', fee: '0.00', paymentDate: today() });
    // A payment date in the past is wrong whatever the loan: a 400 (test/api/bad-input.test.ts).
    const past = await post(`/v1/loans/${a.loanId}/early-repayment/quotes`, customerOf(a), {
      kind: 'whole',
      paymentDate: addDays(today(), -1),
    }).expect(400);
    expect(past.body.errors[0].field).toBe('body.paymentDate');
    // Well-formed but not allowed for this loan: a "partial" that repays everything.

    const everything = await post(`/v1/loans/${a.loanId}/early-repayment/quotes`, customerOf(a), {
      kind: 'partial',
      amount: '999999',
    }).expect(409);
    expect(everything.body.errors[0].field).toBe('body.amount');
    const unknown = await post(
      `/v1/loans/${a.loanId}/early-repayment/quotes/not-a-quote/confirm`,
      customerOf(a),
    ).expect(409);
    expect(unknown.body.errors[0].field).toBe('params.quoteId');
    const order = await post(
      `/v1/loans/${a.loanId}/early-repayment/quotes/${encodeURIComponent(quote.body.quoteId)}/confirm`,
      customerOf(a),
    ).expect(200);
    expect(order.body).toMatchObject({ quoteId: quote.body.quoteId, status: 'CONFIRMED', total: quote.body.total });
  });

  it('R-LOAN-8: withdrawal within 14 days gives the repayment order; a loan that has ended is a 409', async () => {
    const order = await post(`/v1/loans/${withdrawn.loanId}/withdrawal`, customerOf(withdrawn), {}).expect(201);
    expect(order.body).toMatchObject({ noticeDate: today(), principal: '50000.00', status: 'AWAITING_REPAYMENT' });
    // Withdrawn, awaiting repayment: nothing else can be asked.
    const again = await post(`/v1/loans/${withdrawn.loanId}/payment-free-months`, customerOf(withdrawn), {}).expect(
      409,
    );
    expect(again.body.type).toBe('/problems/update-refused');

    const ended = await post(`/v1/loans/${closed.loanId}/withdrawal`, customerOf(closed), {}).expect(409);
    expect(ended.body).toMatchObject({ type: '/problems/loan-ended', loanStatus: 'CLOSED', status: 409 });
    // A workflow that ended before PostgreSQL says so (a race): still a 409, never a 500.
    const racing = await openLoan();
    await h.client.workflow.getHandle(loanWorkflowId(racing.loanId)).terminate('test: ended a moment ago');
    const gone = await post(`/v1/loans/${racing.loanId}/payment-free-months`, customerOf(racing), {}).expect(409);
    expect(gone.body.type).toBe('/problems/loan-ended');
    await expectLedgerBalanced(h.db);
  });

  it('R-LOAN-5: one rate change for many loans answers per loan; a refusal never stops the others', async () => {
    // After the withdrawal test: `withdrawn` awaits repayment and refuses; `closed` has ended.
    await eventually(
      async () => ((await findLoan(h.db, withdrawn.loanId))?.status !== 'ACTIVE' ? true : undefined),
      'the withdrawal to be recorded',
    ).catch(() => undefined);
    const extra = await Promise.all(Array.from({ length: 20 }, () => openLoan()));
    const unknown = randomUUID();
    const loanIds = [b.loanId, withdrawn.loanId, ...extra.map((t) => t.loanId), unknown, closed.loanId];
    const body = {
      changeId: `book-${randomUUID()}`,
      newNominalRatePercent: '11.20',
      effectiveFrom: earliestChangeEffectiveDate(today()),
      loanIds,
    };
    const res = await post('/v1/operator/rate-changes', operator(), body).expect(200);
    expect(res.body.results.map((r: { loanId: string }) => r.loanId)).toEqual(loanIds);
    const byLoan = new Map(res.body.results.map((r: { loanId: string }) => [r.loanId, r]));
    expect(byLoan.get(withdrawn.loanId)).toMatchObject({ outcome: 'refused', status: 409, reason: expect.any(String) });
    expect(byLoan.get(unknown)).toMatchObject({ outcome: 'refused', status: 404, reason: 'not-found' });
    expect(byLoan.get(closed.loanId)).toMatchObject({ outcome: 'refused', status: 409, reason: 'loan-ended' });
    for (const id of [b.loanId, ...extra.map((t) => t.loanId)])
      expect(byLoan.get(id)).toMatchObject({
        outcome: 'accepted',
        notice: { changeId: body.changeId, newNominalRatePercent: '11.20', effectiveFrom: body.effectiveFrom },
      });
    expect(res.body).toMatchObject({ accepted: 21, refused: 3 });

    // The same change again is safe: the same notices.
    const again = await post('/v1/operator/rate-changes', operator(), body).expect(200);
    expect(again.body.results.filter((r: { outcome: string }) => r.outcome === 'accepted')).toEqual(
      res.body.results.filter((r: { outcome: string }) => r.outcome === 'accepted'),
    );
  });
});
