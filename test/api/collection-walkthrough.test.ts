/**
 * The walkthrough of docs/collection.md ("Walkthrough") as a test, on the dev server with a real
 * worker: a sandbox loan paid out six months ago and never paid catches up with its past and is
 * handed over (R-LOAN-4, R-COLL-1); the debtor reads the case, is refused a plan below the
 * smallest amount and agrees one (R-COLL-6); a bank payment to the case's OCR reference lowers
 * the balance at once (R-COLL-9); paying the rest keeps the plan to its end: CLOSED_PAID.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { stockholmDate } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';

describe('collection walkthrough: handover to a kept installment plan (docs/collection.md)', () => {
  let h: ApiHarness;
  const debtor = `customer-${randomUUID()}`;
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asDebtor = () => bearer({ role: 'customer', sub: debtor });
  const asOperator = () => bearer({ role: 'operator', sub: 'op-walkthrough' });
  const today = () => stockholmDate(new Date());

  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('R-PROD-1: a sandbox loan outside the product limits is a 400 naming the field', async () => {
    const res = await request(h.app)
      .post('/v1/sandbox/loans/overdue')
      .send({ customerId: debtor, amount: '1000.00' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.amount']);
  });

  it('R-COLL-1, R-COLL-6, R-COLL-9: handover, plan refused then agreed, installments paid → CLOSED_PAID', async () => {
    const started = await request(h.app)
      .post('/v1/sandbox/loans/overdue')
      .send({ customerId: debtor, monthsAgo: 6 })
      .expect(201);
    expect(started.body).toMatchObject({ loanId: expect.any(String), workflowId: `loan-${started.body.loanId}` });

    // The loan catches up with six months and hands over; the case sends its demand today.
    const opened = await eventually(
      async () => {
        const res = await request(h.app).get('/v1/collection-cases').set('authorization', asDebtor()).expect(200);
        const c = res.body.items[0];
        return c?.stage === 'DEMAND' && c.nextDueDate ? c : undefined;
      },
      'the collection demand',
      60_000,
    );
    expect(opened).toMatchObject({ status: 'OPEN', contractNumber: started.body.contractNumber });
    expect(opened.claim.collectionFee).toBe('180.00');
    expect(new Decimal(opened.claim.defaultInterest).greaterThan(0)).toBe(true); // handed over weeks ago
    const caseNumber: string = opened.caseNumber;
    const one = await request(h.app)
      .get(`/v1/collection-cases/${caseNumber}`)
      .set('authorization', asDebtor())
      .expect(200);
    expect(one.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'demand']);
    expect(one.body.payTo.ocrReference).toHaveLength(8);

    // Too little a month: refused with the smallest acceptable amount (R-COLL-6).
    const low = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/installment-plan`)
      .set('authorization', asDebtor())
      .send({ monthlyAmount: '100.00', dayOfMonth: 25 })
      .expect(409);
    expect(low.body.detail).toContain('smallest acceptable monthly amount');
    const smallest = /(\d+\.\d{2}) SEK/.exec(low.body.detail)![1]!;

    // Three months' worth a month: accepted, the plan fee added to the claim.
    const monthly = new Decimal(opened.claim.total).plus(170).div(3).ceil().toFixed(2);
    expect(new Decimal(monthly).greaterThanOrEqualTo(smallest)).toBe(true);
    const plan = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/installment-plan`)
      .set('authorization', asDebtor())
      .send({ monthlyAmount: monthly, dayOfMonth: 25 })
      .expect(200);
    expect(plan.body.stage).toBe('PLAN');
    expect(plan.body.plan.installments).toHaveLength(3);
    expect(plan.body.nextDueDate).toBe(plan.body.plan.installments[0].dueDate);

    // The first installment, paid from the bank to the case's OCR reference (R-COLL-9).
    const pay = (amount: string, ref: string) =>
      request(h.app)
        .post('/v1/payments')
        .set('authorization', asOperator())
        .send({ bankReference: ref, ocrReference: one.body.payTo.ocrReference, amount, paymentDate: today() })
        .expect(201);
    await pay(plan.body.plan.installments[0].amount, `walk-${randomUUID()}`);
    const afterFirst = await eventually(async () => {
      const res = await request(h.app)
        .get(`/v1/collection-cases/${caseNumber}`)
        .set('authorization', asDebtor())
        .expect(200);
      return res.body.timeline.some((e: { kind: string }) => e.kind === 'payment') ? res.body : undefined;
    }, 'the first installment');
    expect(afterFirst.status).toBe('OPEN');
    expect(afterFirst.stage).toBe('PLAN');
    expect(new Decimal(afterFirst.claim.total).toFixed(2)).toBe(
      new Decimal(plan.body.claim.total).minus(plan.body.plan.installments[0].amount).toFixed(2),
    );

    // The rest of the plan at once: the claim of today, to the öre → the plan is kept, the case closed.
    await pay(afterFirst.claim.total, `walk-${randomUUID()}`);
    const closed = await eventually(async () => {
      const res = await request(h.app)
        .get(`/v1/collection-cases/${caseNumber}`)
        .set('authorization', asDebtor())
        .expect(200);
      return res.body.status === 'CLOSED_PAID' ? res.body : undefined;
    }, 'the case closing');
    expect(closed.claim.total).toBe('0.00');
    expect(closed.timeline.map((e: { kind: string }) => e.kind).slice(-4)).toEqual([
      'plan-installment',
      'payment',
      'payment',
      'closed-paid',
    ]);
    await expectLedgerBalanced(h.db);
  });
});
