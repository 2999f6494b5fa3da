/**
 * Complaints through the API (R-LOAN-9, R-SEC-1) on the dev server with a real worker: a customer
 * files on their own loan only (anyone else's loan is a 404), bodies are validated field by field
 * (400 naming the field), operators see the queue and answer in writing; a blank answer is refused
 * by the workflow's validator (400 `body.answer`) and a second answer is a 409.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { findComplaint } from '../../db/complaint-repository';
import { listMailboxMessages } from '../../db/mailbox-repository';
import { complaintDeadlines } from '../../domain/complaint';
import { stockholmDate } from '../../domain/dates';
import { complaintWorkflowId } from '../../domain/complaint-state';
import { type ApiHarness, startApiHarness, eventually } from '../support/api';
import { insertTestLoan } from '../support/loans';

describe('complaints API (R-LOAN-9, R-SEC-1)', () => {
  let h: ApiHarness;
  const alice = `customer-${randomUUID()}`;
  const bob = `customer-${randomUUID()}`;
  const aliceLoan = randomUUID();
  const bobLoan = randomUUID();
  const started: string[] = [];
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asAlice = () => bearer({ role: 'customer', sub: alice });
  const asBob = () => bearer({ role: 'customer', sub: bob });
  const asOperator = () => bearer({ role: 'operator', sub: 'op-karin' });

  const loan = (id: string, customerId: string) => insertTestLoan(h.db, { id, customer_id: customerId });

  const file = (loanId: string, auth: string, body: unknown) =>
    request(h.app)
      .post(`/v1/loans/${loanId}/complaints`)
      .set('authorization', auth)
      .send(body as object);

  beforeAll(async () => {
    h = await startApiHarness();
    await loan(aliceLoan, alice);
    await loan(bobLoan, bob);
  });
  afterAll(async () => {
    for (const id of started) {
      const handle = h?.client.workflow.getHandle(id);
      if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('test done');
    }
    await h?.stop();
  });

  it('R-LOAN-9: a customer files a complaint on their own loan: received today, answer due in 14 days, a written receipt', async () => {
    const res = await file(aliceLoan, asAlice(), {
      subject: '  Fel ränta  ',
      text: 'Räntan på min avi är fel.',
    }).expect(201);
    started.push(complaintWorkflowId(res.body.id));
    const today = stockholmDate(new Date());
    expect(res.headers.location).toBe(`/v1/loans/${aliceLoan}/complaints`);
    expect(res.body).toEqual({
      id: expect.any(String),
      loanId: aliceLoan,
      status: 'RECEIVED',
      receivedOn: today,
      answerDueOn: complaintDeadlines(today).answerDueOn,
      subject: 'Fel ränta',
      text: 'Räntan på min avi är fel.',
      answeredOn: null,
      answer: null,
    });
    // The workflow runs and the receipt reaches the customer's mailbox.
    const receipt = await eventually(async () => {
      const m = await listMailboxMessages(h.db, alice);
      return m.find((x) => x.kind === 'complaint-received');
    }, 'the receipt');
    expect(receipt.body).toContain(complaintDeadlines(today).answerDueOn);

    const list = await request(h.app)
      .get(`/v1/loans/${aliceLoan}/complaints`)
      .set('authorization', asAlice())
      .expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
  });

  it('R-SEC-1: customer A cannot complain on, or read the complaints of, customer B’s loan (404), nor a vendor (403)', async () => {
    const onBob = await file(bobLoan, asAlice(), { subject: 'Hej', text: 'Inte mitt lån.' }).expect(404);
    expect(onBob.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(onBob.body).toMatchObject({ status: 404, detail: `no loan ${bobLoan}` });
    await file(randomUUID(), asAlice(), { subject: 'Hej', text: 'Finns inte.' }).expect(404);
    await request(h.app).get(`/v1/loans/${bobLoan}/complaints`).set('authorization', asAlice()).expect(404);
    await file(aliceLoan, bearer({ role: 'vendor', sub: 'v', vendorId: 'v-1' }), { subject: 'a', text: 'b' }).expect(
      403,
    );
    await file(aliceLoan, '', { subject: 'a', text: 'b' }).expect(401);
    // Nothing was filed on Bob's loan.
    const bobs = await request(h.app).get(`/v1/loans/${bobLoan}/complaints`).set('authorization', asBob()).expect(200);
    expect(bobs.body.items).toEqual([]);
  });

  it('R-LOAN-9: a bad body is a 400 naming every invalid field', async () => {
    const cases: [unknown, string[]][] = [
      [{ subject: '', text: 'x' }, ['body.subject']],
      [{ subject: '   ', text: 'x' }, ['body.subject']],
      [{ subject: 's'.repeat(201), text: 'x' }, ['body.subject']],
      [{ subject: 'ok' }, ['body.text']],
      [{ subject: 'ok', text: 't'.repeat(5001) }, ['body.text']],
      [{ subject: 42, text: '' }, ['body.subject', 'body.text']],
      [{ subject: 'ok', text: 'ok', priority: 'high' }, ['body.priority']],
    ];
    for (const [body, fields] of cases) {
      const res = await file(aliceLoan, asAlice(), body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
    }
    // Limits are inclusive.
    const max = await file(aliceLoan, asAlice(), { subject: 's'.repeat(200), text: 't'.repeat(5000) }).expect(201);
    started.push(complaintWorkflowId(max.body.id));
  });

  it('R-LOAN-9: operators list the queue and answer in writing; a blank answer is 400 body.answer, a second is 409', async () => {
    const filed = await file(aliceLoan, asAlice(), { subject: 'Avgift', text: 'För hög avgift.' }).expect(201);
    const id = filed.body.id as string;
    started.push(complaintWorkflowId(id));

    const queue = await request(h.app)
      .get('/v1/operator/complaints?status=RECEIVED&limit=100')
      .set('authorization', asOperator())
      .expect(200);
    expect(queue.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id, customerId: alice, status: 'RECEIVED', escalatedOn: null, answeredBy: null }),
      ]),
    );
    const badStatus = await request(h.app)
      .get('/v1/operator/complaints?status=OPEN')
      .set('authorization', asOperator())
      .expect(400);
    expect(badStatus.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.status']);
    await request(h.app).get('/v1/operator/complaints').set('authorization', asAlice()).expect(403);
    await request(h.app)
      .post(`/v1/operator/complaints/${id}/answer`)
      .set('authorization', asAlice())
      .send({ answer: 'Jag svarar själv.' })
      .expect(403);

    // Blank: refused by the workflow's validator, named as the body field.
    const blank = await request(h.app)
      .post(`/v1/operator/complaints/${id}/answer`)
      .set('authorization', asOperator())
      .send({ answer: '   ' })
      .expect(400);
    expect(blank.body).toMatchObject({ status: 400, errors: [{ field: 'body.answer', message: 'must not be empty' }] });
    const missing = await request(h.app)
      .post(`/v1/operator/complaints/${id}/answer`)
      .set('authorization', asOperator())
      .send({})
      .expect(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.answer']);

    const answered = await request(h.app)
      .post(`/v1/operator/complaints/${id}/answer`)
      .set('authorization', asOperator())
      .send({ answer: 'Avgiften följer prislistan; vi bjuder på den denna gång.' })
      .expect(200);
    expect(answered.body).toMatchObject({
      id,
      status: 'ANSWERED',
      answeredOn: stockholmDate(new Date()),
      answeredBy: 'op-karin',
      answer: 'Avgiften följer prislistan; vi bjuder på den denna gång.',
    });

    const again = await request(h.app)
      .post(`/v1/operator/complaints/${id}/answer`)
      .set('authorization', asOperator())
      .send({ answer: 'Ett andra svar.' })
      .expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await findComplaint(h.db, id))!.answer).toBe('Avgiften följer prislistan; vi bjuder på den denna gång.');

    // The customer reads the answer on the loan and in the mailbox (in writing, R-LOAN-9).
    const mine = await request(h.app)
      .get(`/v1/loans/${aliceLoan}/complaints`)
      .set('authorization', asAlice())
      .expect(200);
    const view = mine.body.items.find((c: { id: string }) => c.id === id);
    expect(view).toMatchObject({
      status: 'ANSWERED',
      answer: 'Avgiften följer prislistan; vi bjuder på den denna gång.',
    });
    expect(view.answeredBy).toBeUndefined(); // operators' fields stay with operators
    const letters = (await listMailboxMessages(h.db, alice)).filter((m) => m.kind === 'complaint-answer');
    expect(letters.some((m) => m.body.includes('vi bjuder på den denna gång'))).toBe(true);

    await request(h.app)
      .post(`/v1/operator/complaints/${randomUUID()}/answer`)
      .set('authorization', asOperator())
      .send({ answer: 'Till ingen.' })
      .expect(404);
    const one = await request(h.app)
      .get(`/v1/operator/complaints/${id}`)
      .set('authorization', asOperator())
      .expect(200);
    expect(one.body).toMatchObject({
      id,
      status: 'ANSWERED',
      escalateOn: complaintDeadlines(filed.body.receivedOn).escalateOn,
    });
  });
});
