/**
 * Collection cases through the API (R-COLL-2…9, R-SEC-1) on the dev server with a real worker: the
 * debtor sees only their own cases (anyone else's is a 404), with the claim itemised and the OCR
 * reference to pay; a payment to that reference lowers the balance at once; postponement, plan
 * and dispute are the case workflow's updates (a refusal is a 409 naming the rule, bad input a 400
 * naming the field); operators list, answer the dispute and write off.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { stockholmDate } from '../../domain/dates';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { openHandedOverCase, terminateCases } from '../support/collection-case';
import { expectLedgerBalanced } from '../support/ledger';

describe('collection cases API (R-COLL-2, R-SEC-1)', () => {
  let h: ApiHarness;
  const alice = `customer-${randomUUID()}`;
  const bob = `customer-${randomUUID()}`;
  const aliceLoan = randomUUID();
  let caseNumber = '';
  let ocrReference = '';
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asAlice = () => bearer({ role: 'customer', sub: alice });
  const asBob = () => bearer({ role: 'customer', sub: bob });
  const asOperator = () => bearer({ role: 'operator', sub: 'op-karin' });
  const today = () => stockholmDate(new Date());

  /** A loan of 30 000 handed over today: the case opened (claim moved under it, fee 180) and its workflow started. */
  beforeAll(async () => {
    h = await startApiHarness();
    ({ caseNumber } = await openHandedOverCase(h, { customerId: alice, amount: '30000.00', loanId: aliceLoan }));
  });
  afterAll(async () => {
    await terminateCases(h, [caseNumber]);
    await h?.stop();
  });

  it('R-COLL-2: the debtor sees their case: claim itemised, the OCR and bankgiro to pay, the timeline; others get 404', async () => {
    const list = await request(h.app).get('/v1/collection-cases').set('authorization', asAlice()).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      caseNumber,
      status: 'OPEN',
      claim: { principal: '30000.00', collectionFee: '180.00', total: '30180.00' },
    });
    ocrReference = list.body.items[0].payTo.ocrReference;
    expect(ocrReference).toHaveLength(8);
    expect(
      (await request(h.app).get('/v1/collection-cases').set('authorization', asBob()).expect(200)).body.items,
    ).toEqual([]);
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asBob()).expect(404);
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/postponement`)
      .set('authorization', asBob())
      .send({ newDueDate: today() })
      .expect(404);
    // R-COLL-2: the loan's original invoices (none issued on this loan) and a copy of one that does not exist.
    const invoices = await request(h.app)
      .get(`/v1/collection-cases/${caseNumber}/invoices`)
      .set('authorization', asAlice())
      .expect(200);
    expect(invoices.body.items).toEqual([]);
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/invoices/1/copy`)
      .set('authorization', asAlice())
      .expect(404);
    await request(h.app).get(`/v1/collection-cases/${caseNumber}/invoices`).set('authorization', asBob()).expect(404);
    const one = await eventually(async () => {
      const res = await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asAlice());
      return res.body.timeline?.some((e: { kind: string }) => e.kind === 'demand') ? res : undefined;
    }, 'the demand');
    expect(one.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'demand']);
  });

  it('R-COLL-9: a payment to the case OCR through POST /v1/payments lowers the balance at once, fees first', async () => {
    await request(h.app)
      .post('/v1/payments')
      .set('authorization', asOperator())
      .send({ bankReference: `bank-${randomUUID()}`, ocrReference, amount: '1180.00', paymentDate: today() })
      .expect(201);
    const after = await eventually(async () => {
      const res = await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asAlice());
      return res.body.claim.total === '29000.00' ? res : undefined;
    }, 'the payment applied');
    expect(after.body.claim).toMatchObject({ collectionFee: '0.00', principal: '29000.00' });
  });

  it('R-COLL-5, R-COLL-6: bad input is a 400 naming the field; a refusal is a 409 naming the rule', async () => {
    const bad = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/postponement`)
      .set('authorization', asAlice())
      .send({ newDueDate: 'soon' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('body.newDueDate');
    const low = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/installment-plan`)
      .set('authorization', asAlice())
      .send({ monthlyAmount: '100.00', dayOfMonth: 25 })
      .expect(409);
    expect(low.body).toMatchObject({ rule: 'R-COLL-6' });
    expect(low.body.detail).toContain('smallest acceptable monthly amount');
    const newDueDate = stockholmDate(new Date(Date.now() + 20 * 86_400_000));
    const ok = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/postponement`)
      .set('authorization', asAlice())
      .send({ newDueDate })
      .expect(200);
    expect(ok.body).toMatchObject({ stage: 'POSTPONED', nextDueDate: newDueDate, postponementsUsed: 1 });
    const again = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/postponement`)
      .set('authorization', asAlice())
      .send({ newDueDate: stockholmDate(new Date(Date.now() + 25 * 86_400_000)) })
      .expect(409);
    expect(again.body).toMatchObject({ rule: 'R-COLL-5' });
  });

  it('R-COLL-7, R-COLL-3: a dispute pauses the case; the operator rejects it, lists the case and writes it off', async () => {
    const disputed = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/dispute`)
      .set('authorization', asAlice())
      .send({ reason: 'Jag har betalat.' })
      .expect(200);
    expect(disputed.body).toMatchObject({ stage: 'DISPUTED', nextDueDate: null });
    await request(h.app)
      .post(`/v1/operator/collection-cases/${caseNumber}/dispute-answer`)
      .set('authorization', asAlice())
      .send({ outcome: 'rejected', answer: 'Nej.' })
      .expect(403);
    const answered = await request(h.app)
      .post(`/v1/operator/collection-cases/${caseNumber}/dispute-answer`)
      .set('authorization', asOperator())
      .send({ outcome: 'rejected', answer: 'Betalningen avsåg ett annat lån.' })
      .expect(200);
    expect(answered.body).toMatchObject({ stage: 'DEMAND' });
    const listed = await request(h.app)
      .get('/v1/operator/collection-cases?status=OPEN&limit=500')
      .set('authorization', asOperator())
      .expect(200);
    expect(listed.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);
    const written = await request(h.app)
      .post(`/v1/operator/collection-cases/${caseNumber}/write-off`)
      .set('authorization', asOperator())
      .send({ reason: 'Dödsbo utan tillgångar.' })
      .expect(200);
    expect(written.body).toMatchObject({ status: 'WRITTEN_OFF', claim: { total: '0.00' } });
    await request(h.app)
      .post(`/v1/operator/collection-cases/${caseNumber}/write-off`)
      .set('authorization', asOperator())
      .send({ reason: 'igen' })
      .expect(409);
    const timeline = await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asOperator());
    expect(timeline.body.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'opened',
      'demand',
      'payment',
      'postponed',
      'dispute-filed',
      'dispute-answered',
      'written-off',
    ]);
    await expectLedgerBalanced(h.db);
  });
});
