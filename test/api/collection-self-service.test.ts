/**
 * The debtor's self-service on collection cases through the API, part 2 (R-COLL-2, R-COLL-6,
 * R-COLL-8, R-SEC-1), on the dev server with a real worker: receipts with a file checked by its
 * first bytes (its own 5 MB limit), decided by an operator; the message thread; the operators'
 * list filters; the suggested solution; a power of attorney signed with BankID, used by the
 * helper (every act recorded as theirs) and revoked. Others' cases are 404s, bad input a 400
 * naming the field, a refusal a 409 naming the rule.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertPowerOfAttorney, listCaseMessages, listHelperActs } from '../../db/collection-self-service-repository';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { personnummerCheckDigit } from '../../domain/personnummer';
import { type ApiHarness, eventually, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { openHandedOverCase, terminateCases } from '../support/collection-case';
import { expectLedgerBalanced } from '../support/ledger';

const pnr = (yymmdd: string, nnn: string) => `19${yymmdd}${nnn}${personnummerCheckDigit(`${yymmdd}${nnn}`)}`;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20)]);

describe('collection self-service API, part 2 (R-COLL-2, R-COLL-8, R-SEC-1)', () => {
  let h: ApiHarness;
  const alicePnr = pnr('800412', '345');
  const hugoPnr = pnr('850709', '238');
  let alice = '';
  let hugo = '';
  const bob = `customer-${randomUUID()}`;
  const aliceLoan = randomUUID();
  let caseNumber = '';
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asAlice = () => bearer({ role: 'customer', sub: alice });
  const asHugo = () => bearer({ role: 'customer', sub: hugo });
  const asBob = () => bearer({ role: 'customer', sub: bob });
  const asOperator = () => bearer({ role: 'operator', sub: 'op-karin' });
  const today = () => stockholmDate(new Date());

  /** A loan of 30 000 handed over today: the case opened and its workflow started (as in collection.test.ts). */
  beforeAll(async () => {
    h = await startApiHarness();
    // The people as the BankID login knows them (web/bankid.ts): ids derived from their numbers.
    alice = await customerIdForPersonnummer(h.db, TEST_JWT_SECRET, alicePnr);
    hugo = await customerIdForPersonnummer(h.db, TEST_JWT_SECRET, hugoPnr);
    ({ caseNumber } = await openHandedOverCase(h, { customerId: alice, amount: '30000.00', loanId: aliceLoan }));
    await eventually(async () => {
      const res = await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asAlice());
      return res.body.timeline?.some((e: { kind: string }) => e.kind === 'demand') ? true : undefined;
    }, 'the demand');
  });
  afterAll(async () => {
    await terminateCases(h, [caseNumber]);
    await h?.stop();
  });

  const operatorList = async (query: string) =>
    (
      await request(h.app)
        .get(`/v1/operator/collection-cases?${query}&limit=500`)
        .set('authorization', asOperator())
        .expect(200)
    ).body.items.map((c: { caseNumber: string }) => c.caseNumber) as string[];

  it('R-COLL-2: a receipt with its file (checked by its first bytes); the operator sees it, reads the file and rejects it', async () => {
    const upload = (auth: string, type: string, bytes: Buffer) =>
      request(h.app)
        .post(`/v1/collection-cases/${caseNumber}/receipt-files`)
        .set('authorization', auth)
        .set('content-type', type)
        .send(bytes);
    // An HTML page called a PDF, a text file, someone else's case, a file over 5 MB.
    const fake = await upload(asAlice(), 'application/pdf', Buffer.from('<html><script>')).expect(400);
    expect(fake.body.errors[0].field).toBe('body');
    const text = await upload(asAlice(), 'text/plain', Buffer.from('hello')).expect(400);
    expect(text.body.errors[0].field).toBe('headers.content-type');
    await upload(asBob(), 'application/pdf', PDF).expect(404);
    await upload(asAlice(), 'application/pdf', Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)])).expect(413);
    const file = await upload(asAlice(), 'application/pdf', PDF).expect(201);
    expect(file.body).toMatchObject({ contentType: 'application/pdf', size: PDF.length });

    const bad = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/receipts`)
      .set('authorization', asAlice())
      .send({ bankReference: 'SEB 1', paidOn: addDays(today(), 2), amount: '100.00' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('body.paidOn');
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/receipts`)
      .set('authorization', asBob())
      .send({ bankReference: 'SEB 1', paidOn: today(), amount: '100.00' })
      .expect(404);
    const receipt = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/receipts`)
      .set('authorization', asAlice())
      .send({ bankReference: 'SEB 1', paidOn: today(), amount: '100.00', fileId: file.body.fileId })
      .expect(201);
    expect(receipt.body).toMatchObject({ status: 'CHECKING', hasFile: true, amount: '100.00' });

    expect(await operatorList('openReceipt=true')).toContain(caseNumber);
    expect(await operatorList('openReceipt=false')).not.toContain(caseNumber);
    const stored = await request(h.app)
      .get(`/v1/operator/collection-receipt-files/${file.body.fileId}`)
      .set('authorization', asOperator())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(stored.headers['content-type']).toContain('application/pdf');
    expect(Buffer.compare(stored.body as Buffer, PDF)).toBe(0);
    await request(h.app)
      .get(`/v1/operator/collection-receipt-files/${file.body.fileId}`)
      .set('authorization', asAlice())
      .expect(403);

    const decision = `/v1/operator/collection-cases/${caseNumber}/receipts/${receipt.body.id}/decision`;
    const noReason = await request(h.app)
      .post(decision)
      .set('authorization', asOperator())
      .send({ outcome: 'rejected' })
      .expect(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    const rejected = await request(h.app)
      .post(decision)
      .set('authorization', asOperator())
      .send({ outcome: 'rejected', reason: 'Kvittot gäller ett annat konto.' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'Kvittot gäller ett annat konto.' });
    const twice = await request(h.app)
      .post(decision)
      .set('authorization', asOperator())
      .send({ outcome: 'accepted' })
      .expect(409);
    expect(twice.body.rule).toBe('R-COLL-2');
    const mine = await request(h.app)
      .get(`/v1/collection-cases/${caseNumber}/receipts`)
      .set('authorization', asAlice())
      .expect(200);
    expect(mine.body.items.map((r: { status: string }) => r.status)).toEqual(['REJECTED']);
    // R-SEC-1: the operator's actions are audited as every operator request is.
    const audit = await h.db
      .selectFrom('operator_audit')
      .selectAll()
      .where('route', '=', '/v1/operator/collection-cases/{caseNumber}/receipts/{receiptId}/decision')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it('R-COLL-2: messages: the debtor writes, the thread is unanswered until an operator answers', async () => {
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asBob())
      .send({ body: 'Hej' })
      .expect(404);
    const empty = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asAlice())
      .send({ body: '' })
      .expect(400);
    expect(empty.body.errors[0].field).toBe('body.body');
    const sent = await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asAlice())
      .send({ body: 'Jag betalar på fredag.' })
      .expect(201);
    expect(sent.body.items.map((m: { from: string }) => m.from)).toEqual(['customer']);
    expect(await operatorList('unansweredMessage=true')).toContain(caseNumber);
    await request(h.app)
      .post(`/v1/operator/collection-cases/${caseNumber}/messages`)
      .set('authorization', asOperator())
      .send({ body: 'Tack, vi noterar det.' })
      .expect(201);
    expect(await operatorList('unansweredMessage=true')).not.toContain(caseNumber);
    expect(await operatorList('unansweredMessage=false&status=OPEN&minDaysInCollection=0')).toContain(caseNumber);
    expect(await operatorList('minDaysInCollection=1')).not.toContain(caseNumber);
    const thread = await request(h.app)
      .get(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asAlice())
      .expect(200);
    expect(thread.body.items.map((m: { body: string }) => m.body)).toEqual([
      'Jag betalar på fredag.',
      'Tack, vi noterar det.',
    ]);
    // R-LOAN-11: the answer is in the debtor's mailbox (which sends the new-mail SMS/email).
    const mail = await request(h.app).get('/v1/mailbox').set('authorization', asAlice()).expect(200);
    expect(JSON.stringify(mail.body)).toContain('Nytt meddelande om ärende');
  });

  it('R-COLL-8: a power of attorney signed with BankID lets the helper read and act as themself, until revoked', async () => {
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(404);
    const badPnr = await request(h.app)
      .post('/v1/powers-of-attorney')
      .set('authorization', asAlice())
      .send({
        helperPersonnummer: hugoPnr.slice(0, 11) + String((Number(hugoPnr[11]) + 1) % 10),
        validUntil: addDays(today(), 30),
      })
      .expect(400);
    expect(badPnr.body.errors[0].field).toBe('body.helperPersonnummer');
    const self = await request(h.app)
      .post('/v1/powers-of-attorney')
      .set('authorization', asAlice())
      .send({ helperPersonnummer: alicePnr, validUntil: addDays(today(), 30) })
      .expect(409);
    expect(self.body.rule).toBe('R-COLL-8');

    const started = await request(h.app)
      .post('/v1/powers-of-attorney')
      .set('authorization', asAlice())
      .send({ helperPersonnummer: hugoPnr, validUntil: addDays(today(), 30) })
      .expect(202);
    const poa = `/v1/powers-of-attorney/${started.body.id}`;
    expect((await request(h.app).get(poa).set('authorization', asAlice()).expect(200)).body).toMatchObject({
      status: 'PENDING_SIGNATURE',
      inForce: false,
    });
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(404);
    await request(h.app).get(poa).set('authorization', asHugo()).expect(404);
    await h.sandbox.sandbox.bankId.completeOrder(started.body.orderRef, alicePnr);
    const signed = await request(h.app).get(poa).set('authorization', asAlice()).expect(200);
    expect(signed.body).toMatchObject({ status: 'ACTIVE', inForce: true, helperBirthDate: '1985-07-09' });

    // Hugo, logged in as himself, sees Alice's case and acts on it; the act is his.
    const held = await request(h.app).get('/v1/powers-of-attorney').set('authorization', asHugo()).expect(200);
    expect(held.body.held).toEqual([
      { id: started.body.id, validUntil: addDays(today(), 30), caseNumbers: [caseNumber] },
    ]);
    const list = await request(h.app).get('/v1/collection-cases').set('authorization', asHugo()).expect(200);
    expect(list.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual([caseNumber]);
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(200);
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asHugo())
      .send({ body: 'Jag hjälper Alice med ärendet.' })
      .expect(201);
    const thread = await listCaseMessages(h.db, `collection-${aliceLoan}`);
    expect(thread[thread.length - 1]).toMatchObject({ from_role: 'customer', author: hugo });
    const acts = await eventually(async () => {
      const rows = await listHelperActs(h.db, `collection-${aliceLoan}`);
      return rows.length > 0 ? rows : undefined;
    }, 'the helper act recorded');
    expect(acts).toMatchObject([
      {
        power_of_attorney_id: started.body.id,
        helper_customer_id: hugo,
        action: 'POST /v1/collection-cases/{caseNumber}/messages',
        status: 201,
      },
    ]);
    const timeline = await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asOperator());
    const last = timeline.body.timeline[timeline.body.timeline.length - 1];
    expect(last).toMatchObject({ kind: 'message-received', detail: { actor: hugo } });

    // Revoked: from now on the case does not exist for Hugo.
    await request(h.app).delete(poa).set('authorization', asHugo()).expect(404);
    const revoked = await request(h.app).delete(poa).set('authorization', asAlice()).expect(200);
    expect(revoked.body).toMatchObject({ status: 'REVOKED', inForce: false });
    await request(h.app).delete(poa).set('authorization', asAlice()).expect(409);
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(404);
    await request(h.app)
      .post(`/v1/collection-cases/${caseNumber}/messages`)
      .set('authorization', asHugo())
      .send({ body: 'Hej igen' })
      .expect(404);
    expect((await request(h.app).get('/v1/collection-cases').set('authorization', asHugo())).body.items).toEqual([]);
  });

  it('R-COLL-8: a signature by anyone but the grantor, or a power past its date, gives the helper nothing', async () => {
    const started = await request(h.app)
      .post('/v1/powers-of-attorney')
      .set('authorization', asAlice())
      .send({ helperPersonnummer: hugoPnr, validUntil: addDays(today(), 10) })
      .expect(202);
    await h.sandbox.sandbox.bankId.completeOrder(started.body.orderRef, hugoPnr);
    const poa = await request(h.app)
      .get(`/v1/powers-of-attorney/${started.body.id}`)
      .set('authorization', asAlice())
      .expect(200);
    expect(poa.body).toMatchObject({ status: 'SIGNING_FAILED', inForce: false });
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(404);
    // A signed power past its date gives nothing either (in force up to and including its date).
    await insertPowerOfAttorney(h.db, {
      id: randomUUID(),
      grantor_customer_id: alice,
      helper_personnummer: hugoPnr,
      helper_customer_id: hugo,
      valid_until: addDays(today(), -1),
      status: 'ACTIVE',
      order_ref: null,
      signed_at: new Date(),
      revoked_at: null,
    });
    await request(h.app).get(`/v1/collection-cases/${caseNumber}`).set('authorization', asHugo()).expect(404);
    expect((await request(h.app).get('/v1/powers-of-attorney').set('authorization', asHugo())).body.held).toEqual([]);
  });

  it('R-COLL-2, R-COLL-6: the suggested solution: too low is a 409 with the smallest amount; accepted, the case has its plan', async () => {
    await request(h.app)
      .post('/v1/collection-cases/suggested-solution')
      .set('authorization', asBob())
      .send({ monthlyAmount: '1000.00', dayOfMonth: 25 })
      .expect(404);
    const low = await request(h.app)
      .post('/v1/collection-cases/suggested-solution')
      .set('authorization', asAlice())
      .send({ monthlyAmount: '100.00', dayOfMonth: 25 })
      .expect(409);
    expect(low.body).toMatchObject({ rule: 'R-COLL-6' });
    expect(low.body.detail).toContain('smallest acceptable monthly amount');
    const bad = await request(h.app)
      .post('/v1/collection-cases/suggested-solution')
      .set('authorization', asAlice())
      .send({ monthlyAmount: '2000.00', dayOfMonth: 31 })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('body.dayOfMonth');
    const suggestion = await request(h.app)
      .post('/v1/collection-cases/suggested-solution')
      .set('authorization', asAlice())
      .send({ monthlyAmount: '2000.00', dayOfMonth: 25 })
      .expect(200);
    expect(suggestion.body.plans).toHaveLength(1);
    expect(suggestion.body.plans[0]).toMatchObject({ caseNumber, monthlyAmount: '2000.00' });
    expect(suggestion.body.plans[0].months).toBe(16); // 30 180 + 170 (+ default interest today) over 2 000 a month
    const accepted = await request(h.app)
      .post('/v1/collection-cases/suggested-solution/acceptance')
      .set('authorization', asAlice())
      .send({ monthlyAmount: '2000.00', dayOfMonth: 25 })
      .expect(200);
    expect(accepted.body.results).toEqual([{ caseNumber, accepted: true, stage: 'PLAN' }]);
    expect(await operatorList('stage=PLAN')).toContain(caseNumber);
    await expectLedgerBalanced(h.db);
  });
});
