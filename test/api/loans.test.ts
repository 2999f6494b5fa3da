import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addMonths, firstOfMonth, stockholmDate } from '../../domain/dates';
import { Decimal, sumAmounts } from '../../domain/money';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { type ApiHarness, startApiHarness, eventually } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';

describe('loans and payments through the API (R-LOAN-2, R-LOAN-12, R-SEC-1)', () => {
  let h: ApiHarness;
  let terms: LoanTerms;
  const customer = () => h.token({ role: 'customer', sub: terms.customerId });
  const operator = () => h.token({ role: 'operator', sub: 'op-1' });

  beforeAll(async () => {
    h = await startApiHarness();
    const loanId = randomUUID();
    terms = {
      loanId,
      contractNumber: String(200_000_000 + Math.floor(Math.random() * 799_999_999)),
      customerId: `customer-${loanId}`,
      amount: '50000.00',
      termMonths: 36,
      nominalRatePercent: '12.50',
      noticeChannel: 'paper',
      // Paid out last month: at most the first invoice exists today, none is overdue.
      payoutDate: addMonths(firstOfMonth(stockholmDate(new Date())), -1),
    };
    await h.client.workflow.start(loanWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: loanWorkflowId(loanId),
      args: [{ terms }],
    });
    await eventually(async () => {
      const res = await request(h.app).get(`/v1/loans/${loanId}`).set('authorization', `Bearer ${operator()}`);
      return res.status === 200 ? res.body : undefined;
    }, 'the loan to open');
  });
  afterAll(async () => {
    await h?.client.workflow.getHandle(loanWorkflowId(terms.loanId)).terminate('test done');
    await h?.stop();
  });

  const balance = async () =>
    (await request(h.app).get(`/v1/loans/${terms.loanId}`).set('authorization', `Bearer ${customer()}`).expect(200))
      .body.balance.total as string;

  it('the customer sees their loan with the balance from the ledger', async () => {
    const res = await request(h.app)
      .get(`/v1/loans/${terms.loanId}`)
      .set('authorization', `Bearer ${customer()}`)
      .expect(200);
    expect(res.body).toMatchObject({
      loanId: terms.loanId,
      status: 'ACTIVE',
      amount: '50000.00',
      noticeChannel: 'paper',
    });
    // Debt = amount + capitalised interest (+ the first invoice's interest and fees once issued).
    expect(new Decimal(res.body.balance.total).greaterThan('50000')).toBe(true);
    const list = await request(h.app).get('/v1/loans').set('authorization', `Bearer ${customer()}`).expect(200);
    expect(list.body.loans.map((l: { loanId: string }) => l.loanId)).toEqual([terms.loanId]);
  });

  it('R-SEC-1: another customer gets 404, a vendor 403, no token 401', async () => {
    const other = h.token({ role: 'customer', sub: 'someone-else' });
    await request(h.app).get(`/v1/loans/${terms.loanId}`).set('authorization', `Bearer ${other}`).expect(404);
    await request(h.app).get(`/v1/loans/${terms.loanId}/invoices`).set('authorization', `Bearer ${other}`).expect(404);
    const vendor = h.token({ role: 'vendor', sub: 'v', vendorId: 'v-1' });
    await request(h.app).get(`/v1/loans/${terms.loanId}`).set('authorization', `Bearer ${vendor}`).expect(403);
    await request(h.app).get(`/v1/loans/${terms.loanId}`).expect(401);
  });

  it('R-LOAN-12: the payment plan lists every future installment and repays the principal not yet invoiced', async () => {
    const [plan, invoices] = await Promise.all([
      request(h.app)
        .get(`/v1/loans/${terms.loanId}/payment-plan`)
        .set('authorization', `Bearer ${customer()}`)
        .expect(200),
      request(h.app).get(`/v1/loans/${terms.loanId}/invoices`).set('authorization', `Bearer ${customer()}`).expect(200),
    ]);
    const installments = plan.body.installments as { principal: string; fees: string; balanceAfter: string }[];
    expect(installments).toHaveLength(36 - invoices.body.invoices.length);
    expect(installments.at(-1)!.balanceAfter).toBe('0.00');
    expect(installments.every((i) => new Decimal(i.fees).greaterThanOrEqualTo('45'))).toBe(true); // paper notice fee
    const invoicedPrincipal = sumAmounts(
      invoices.body.invoices.flatMap((i: { lines: { kind: string; amount: string }[] }) =>
        i.lines.filter((l) => l.kind === 'principal').map((l) => new Decimal(l.amount)),
      ),
    );
    const planned = sumAmounts(installments.map((i) => new Decimal(i.principal)));
    const overview = await request(h.app).get(`/v1/loans/${terms.loanId}`).set('authorization', `Bearer ${customer()}`);
    expect(planned.plus(invoicedPrincipal).toFixed(2)).toBe(overview.body.balance.principal);
  });

  it('R-LOAN-2: a registered payment is allocated and the balance drops by exactly its amount', async () => {
    const before = new Decimal(await balance());
    const loan = await request(h.app).get(`/v1/loans/${terms.loanId}`).set('authorization', `Bearer ${customer()}`);
    const bankReference = `bank-${randomUUID()}`;
    const registered = await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${operator()}`)
      .send({
        bankReference,
        ocrReference: loan.body.ocrReference,
        amount: '1000',
        paymentDate: stockholmDate(new Date()),
      })
      .expect(201);
    expect(registered.body).toMatchObject({ loanId: terms.loanId, amount: '1000.00', status: 'RECEIVED' });

    const applied = await eventually(async () => {
      const res = await request(h.app)
        .get(`/v1/loans/${terms.loanId}/payments`)
        .set('authorization', `Bearer ${customer()}`);
      const p = res.body.payments.find((x: { paymentId: string }) => x.paymentId === registered.body.paymentId);
      return p?.status === 'APPLIED' ? p : undefined;
    }, 'the payment to be applied');
    expect(applied.allocation).toBeTruthy();
    expect(new Decimal(await balance()).toFixed(2)).toBe(before.minus(1000).toFixed(2));

    // The same bank payment registered again is the same payment; with other details it is a conflict.
    const again = await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${operator()}`)
      .send({
        bankReference,
        ocrReference: loan.body.ocrReference,
        amount: '1000.00',
        paymentDate: stockholmDate(new Date()),
      })
      .expect(200);
    expect(again.body.paymentId).toBe(registered.body.paymentId);
    await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${operator()}`)
      .send({
        bankReference,
        ocrReference: loan.body.ocrReference,
        amount: '999.00',
        paymentDate: stockholmDate(new Date()),
      })
      .expect(409);
    await expectLedgerBalanced(h.db);
  });

  it('an unmatched payment waits in suspense until an operator assigns it', async () => {
    const before = new Decimal(await balance());
    const registered = await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${operator()}`)
      .send({
        bankReference: `bank-${randomUUID()}`,
        ocrReference: '1234567897',
        amount: '250.50',
        paymentDate: '2026-11-20',
      })
      .expect(201);
    expect(registered.body).toMatchObject({ status: 'SUSPENSE', loanId: null });
    const suspense = await request(h.app)
      .get('/v1/payments/suspense')
      .set('authorization', `Bearer ${operator()}`)
      .expect(200);
    expect(suspense.body.payments.map((p: { paymentId: string }) => p.paymentId)).toContain(registered.body.paymentId);

    await request(h.app)
      .post(`/v1/payments/${registered.body.paymentId}/assign`)
      .set('authorization', `Bearer ${operator()}`)
      .send({ loanId: terms.loanId })
      .expect(200);
    await eventually(
      async () => ((await balance()) === before.minus('250.50').toFixed(2) ? true : undefined),
      'the assigned payment to be applied',
    );
    // A repeat of the assignment answers as the first did (and is applied once): it is idempotent.
    const repeat = await request(h.app)
      .post(`/v1/payments/${registered.body.paymentId}/assign`)
      .set('authorization', `Bearer ${operator()}`)
      .send({ loanId: terms.loanId })
      .expect(200);
    expect(repeat.body).toMatchObject({ paymentId: registered.body.paymentId, loanId: terms.loanId });
    expect(await balance()).toBe(before.minus('250.50').toFixed(2));
    await expectLedgerBalanced(h.db);
  });

  it('bad payment input is a 400 naming each field; customers may not register payments', async () => {
    const res = await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${operator()}`)
      .send({ bankReference: '', ocrReference: 'abc', amount: '0', paymentDate: '2026-13-01' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.amount',
      'body.bankReference',
      'body.ocrReference',
      'body.paymentDate',
    ]);
    await request(h.app)
      .post('/v1/payments')
      .set('authorization', `Bearer ${customer()}`)
      .send({ bankReference: 'x', ocrReference: '12', amount: '1', paymentDate: '2026-11-20' })
      .expect(403);
  });
});
