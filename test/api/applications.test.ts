/**
 * Applications over HTTP against the real app, a real dev server, a real worker and the sandbox
 * doubles: a vendor-started application from creation to a paid-out loan, the vendor's two lists
 * (R-APP-4), and who may see and do what (R-SEC-1).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../api/app';
import { parseConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { goodAnswers, newPerson, type TestPerson, waitFor } from '../support/application';
import { TEST_KEYS } from '../support/temporal';

describe('applications API (R-APP-1…10, R-SEC-1)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h?.stop());

  const vendorX = `vendor-x-${randomUUID().slice(0, 8)}`;
  const vendorY = `vendor-y-${randomUUID().slice(0, 8)}`;
  const as = {
    vendorX: () => `Bearer ${h.token({ role: 'vendor', sub: 'seller-1', vendorId: vendorX })}`,
    vendorY: () => `Bearer ${h.token({ role: 'vendor', sub: 'seller-2', vendorId: vendorY })}`,
    customer: (sub: string) => `Bearer ${h.token({ role: 'customer', sub })}`,
    operator: () => `Bearer ${h.token({ role: 'operator', sub: 'op-1' })}`,
  };

  const body = (p: TestPerson, overrides: Record<string, unknown> = {}) => ({
    amount: '100000',
    termMonths: 60,
    noticeChannel: 'e-invoice',
    applicants: [{ personnummer: p.personnummer, email: p.email, phone: p.phone }],
    ...overrides,
  });

  async function registerAtBureau(p: TestPerson, extra: Record<string, unknown> = {}) {
    await request(h.app)
      .post('/v1/sandbox/bureau/persons')
      .send({ personnummer: p.personnummer, taxedAnnualIncome: '540000.00', ...extra })
      .expect(201);
  }

  async function inviteCodeFor(p: TestPerson, applicationId: string): Promise<string> {
    const mails = await waitFor(
      async () => (await request(h.app).get('/v1/sandbox/emails').query({ to: p.email }).expect(200)).body.items,
      (items: { text: string }[]) => items.some((m) => m.text.includes(applicationId)),
      'the invitation mail',
    );
    const text = (mails as { text: string }[]).find((m) => m.text.includes(applicationId))!.text;
    return decodeURIComponent(/invite=([\w%-]+)/.exec(text)![1]!);
  }

  async function completeBankId(orderRef: string) {
    await request(h.app).post(`/v1/sandbox/bankid/orders/${orderRef}/complete`).send({}).expect(200);
  }

  function getAs(auth: string, id: string) {
    return request(h.app).get(`/v1/applications/${id}`).set('authorization', auth);
  }

  async function pollAs(auth: string, id: string, accept: (b: Record<string, any>) => boolean, what: string) {
    return waitFor(async () => (await getAs(auth, id).expect(200)).body, accept, what, 60_000);
  }

  it('R-APP-2…9: a vendor-started application from creation to a paid-out loan, through the vendor’s two lists', async () => {
    const anna = newPerson();
    const customer = `c-${randomUUID()}`;
    await registerAtBureau(anna);
    await request(h.app)
      .put('/v1/vendors/me')
      .set('authorization', as.vendorX())
      .send({ name: 'Cykelbutiken AB', email: `${vendorX}@shop.example.com` })
      .expect(200);

    const created = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send(body(anna))
      .expect(201);
    const app = created.body;
    expect(created.headers.location).toBe(`/v1/applications/${app.id}`);
    expect(app).toMatchObject({
      status: 'NOT_STARTED',
      vendorStatus: 'NOT_STARTED',
      createdBy: 'vendor',
      vendorId: vendorX,
      contractNumber: null,
      amount: '100000.00',
      applicants: [{ index: 0, role: 'main', status: 'NOT_STARTED', identified: false, email: anna.email }],
    });
    expect(app.reference).toMatch(/^A[0-9A-Z]{9}$/);
    expect(app.applicants[0].personnummer).toBe(`${anna.personnummer.slice(0, 8)}-****`);

    const pending = async () =>
      (await request(h.app).get('/v1/applications?list=pending').set('authorization', as.vendorX()).expect(200)).body
        .items;
    const submitted = async () =>
      (await request(h.app).get('/v1/applications?list=submitted').set('authorization', as.vendorX()).expect(200)).body
        .items;
    expect((await pending()).map((a: { id: string }) => a.id)).toContain(app.id);
    expect((await submitted()).map((a: { id: string }) => a.id)).not.toContain(app.id);

    // R-APP-3: the link (by email and SMS) carries an invitation code; BankID proves who opens it.
    const code = await inviteCodeFor(anna, app.id);
    await waitFor(
      async () => (await request(h.app).get('/v1/sandbox/sms').query({ to: anna.phone }).expect(200)).body.items,
      (items: { text: string }[]) => items.some((m) => m.text.includes(`${app.id}?invite=`)),
      'the invitation SMS',
    );
    await getAs(as.customer(customer), app.id).expect(404); // not theirs until identified
    await request(h.app)
      .post(`/v1/applications/${app.id}/identification`)
      .set('authorization', as.customer(customer))
      .send({ inviteCode: 'wrong-code' })
      .expect(404);
    const order = await request(h.app)
      .post(`/v1/applications/${app.id}/identification`)
      .set('authorization', as.customer(customer))
      .send({ inviteCode: code })
      .expect(202);
    await completeBankId(order.body.orderRef);
    // Until BankID completes the application is not the customer's: 404, then 200 with `identified`.
    await waitFor(
      () => getAs(as.customer(customer), app.id),
      (res) => res.status === 200 && res.body.applicants[0].identified,
      'identification',
    );

    await request(h.app)
      .put(`/v1/applications/${app.id}/answers`)
      .set('authorization', as.customer(customer))
      .send({ employment: 'permanent', monthlyIncome: '45000.00' })
      .expect(200);
    expect((await pending()).find((a: { id: string }) => a.id === app.id)).toMatchObject({
      status: 'STARTED',
      vendorStatus: 'STARTED',
    });
    const answers = await request(h.app)
      .get(`/v1/applications/${app.id}/answers`)
      .set('authorization', as.customer(customer))
      .expect(200);
    expect(answers.body).toMatchObject({ status: 'STARTED', answers: { monthlyIncome: '45000.00' }, prefill: null });

    const afterSubmit = await request(h.app)
      .post(`/v1/applications/${app.id}/submission`)
      .set('authorization', as.customer(customer))
      .send(goodAnswers())
      .expect(200);
    expect(afterSubmit.body.contractNumber).toMatch(/^\d{9}$/);
    expect(afterSubmit.body.vendorStatus).toBe('SUBMITTED');
    // R-APP-4: from the pending list to the submitted list, and a mail to the vendor.
    expect((await pending()).map((a: { id: string }) => a.id)).not.toContain(app.id);
    expect((await submitted()).find((a: { id: string }) => a.id === app.id)).toMatchObject({
      contractNumber: afterSubmit.body.contractNumber,
    });
    const vendorMail = await waitFor(
      async () =>
        (
          await request(h.app)
            .get('/v1/sandbox/emails')
            .query({ to: `${vendorX}@shop.example.com` })
        ).body.items,
      (items: { subject: string }[]) => items.some((m) => m.subject.includes(afterSubmit.body.contractNumber)),
      'the vendor mail',
    );
    expect(vendorMail.length).toBeGreaterThan(0);
    const second = await request(h.app)
      .post(`/v1/applications/${app.id}/submission`)
      .set('authorization', as.customer(customer))
      .send(goodAnswers())
      .expect(409);
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);

    const offered = await pollAs(as.customer(customer), app.id, (b) => b.status === 'OFFERED', 'the offer');
    expect(offered.offer).toMatchObject({ amount: '100000.00', termMonths: 60, nominalRatePercent: '7.75' });
    expect(offered.offer.aprPercent).toMatch(/^\d+\.\d{2}$/);
    expect(offered.decision).toMatchObject({ outcome: 'APPROVED', riskGrade: 'A' });
    const vendorView = (await getAs(as.vendorX(), app.id).expect(200)).body;
    expect(vendorView).toMatchObject({ status: 'OFFERED', offer: null, decision: { outcome: 'APPROVED' } });
    expect(vendorView.decision.reasons).toBeUndefined();

    const sign = await request(h.app)
      .post(`/v1/applications/${app.id}/acceptance`)
      .set('authorization', as.customer(customer))
      .expect(202);
    await completeBankId(sign.body.orderRef);
    const paid = await pollAs(as.customer(customer), app.id, (b) => b.status === 'PAID_OUT', 'the payout');
    expect(paid).toMatchObject({
      payoutStatus: 'EXECUTED', // R-APP-9: the loan starts once the bank has executed the payout
      payouts: [{ leg: 'applicant', amount: '100000.00', status: 'executed' }],
      applicants: [{ status: 'SIGNED', you: true }],
    });
    expect(paid.loanId).toMatch(/^[0-9a-f-]{36}$/);
    const payouts = (await request(h.app).get('/v1/sandbox/payouts').expect(200)).body.items;
    expect(payouts.filter((p: { idempotencyKey: string }) => p.idempotencyKey.includes(paid.reference))).toHaveLength(
      1,
    );

    // Operators see the step-by-step history; customers may not.
    const history = await request(h.app)
      .get(`/v1/applications/${app.id}/history`)
      .set('authorization', as.operator())
      .expect(200);
    expect(history.body.workflowId).toBe(`application-${app.reference}`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'created',
        'applicant-identified',
        'submitted',
        'offered',
        'applicant-signed',
        'paid-out',
      ]),
    );
    expect(JSON.stringify(history.body)).not.toContain(anna.personnummer);
    await request(h.app)
      .get(`/v1/applications/${app.id}/history`)
      .set('authorization', as.customer(customer))
      .expect(403);
  });

  it('R-SEC-1: customer A cannot read or act on B’s application; vendor Y cannot read or touch vendor X’s', async () => {
    const a = newPerson();
    const customerA = `c-a-${randomUUID()}`;
    const customerB = `c-b-${randomUUID()}`;
    const own = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.customer(customerA))
      .send(body(a))
      .expect(201);
    const id = own.body.id;
    expect(own.body).toMatchObject({ createdBy: 'customer', applicants: [{ you: true }] });
    expect(own.body.applicants[0].personnummer).toBeUndefined(); // customers never get identity numbers back

    await getAs(as.customer(customerA), id).expect(200);
    await getAs(as.customer(customerB), id).expect(404);
    await request(h.app)
      .post(`/v1/applications/${id}/identification`)
      .set('authorization', as.customer(customerB))
      .send({})
      .expect(404);
    await request(h.app)
      .post(`/v1/applications/${id}/submission`)
      .set('authorization', as.customer(customerB))
      .send(goodAnswers())
      .expect(404);
    await request(h.app).delete(`/v1/applications/${id}`).set('authorization', as.customer(customerB)).expect(404);
    await getAs(as.vendorX(), id).expect(404); // a customer's own application is no vendor's
    await getAs(as.operator(), id).expect(200);
    const listB = await request(h.app).get('/v1/applications').set('authorization', as.customer(customerB)).expect(200);
    expect(listB.body.items.map((x: { id: string }) => x.id)).not.toContain(id);
    const listA = await request(h.app).get('/v1/applications').set('authorization', as.customer(customerA)).expect(200);
    expect(listA.body.items.map((x: { id: string }) => x.id)).toContain(id);

    const byX = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send(body(newPerson()))
      .expect(201);
    await getAs(as.vendorY(), byX.body.id).expect(404);
    await request(h.app).delete(`/v1/applications/${byX.body.id}`).set('authorization', as.vendorY()).expect(404);
    await request(h.app)
      .post(`/v1/applications/${byX.body.id}/reminders`)
      .set('authorization', as.vendorY())
      .send({})
      .expect(404);
    const listY = await request(h.app)
      .get('/v1/applications?list=pending')
      .set('authorization', as.vendorY())
      .expect(200);
    expect(listY.body.items.map((x: { id: string }) => x.id)).not.toContain(byX.body.id);

    // Wrong role → 403; no token → 401.
    await request(h.app)
      .post(`/v1/applications/${id}/submission`)
      .set('authorization', as.vendorX())
      .send(goodAnswers())
      .expect(403);
    await request(h.app)
      .post(`/v1/applications/${byX.body.id}/reminders`)
      .set('authorization', as.customer(customerA))
      .send({})
      .expect(403);
    await request(h.app).post('/v1/applications').set('authorization', as.operator()).send(body(a)).expect(403);
    await request(h.app).get(`/v1/applications/${id}`).expect(401);
    // A customer acts only after identifying (the creator is the main applicant but must still use BankID).
    const early = await request(h.app)
      .post(`/v1/applications/${id}/submission`)
      .set('authorization', as.customer(customerA))
      .send(goodAnswers())
      .expect(409);
    expect(early.body.detail).toContain('BankID');
  });

  it('bad input is a 400 problem naming every field, with no state change', async () => {
    const minor = newPerson(new Date().getUTCFullYear() - 17);
    const res = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send({
        amount: '29999',
        termMonths: 121,
        noticeChannel: 'e-invoice',
        applicants: [
          { personnummer: '19811228-9875', email: 'x@example.com', phone: '0701234567' },
          { personnummer: minor.personnummer, email: 'nope', phone: '0701234567' },
        ],
      })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'body.amount',
      'body.termMonths',
      'body.applicants.0.personnummer',
      'body.applicants.1.personnummer',
      'body.applicants.1.email',
    ]);
    expect(res.body.errors[3].message).toContain('at least 18');
    const unknown = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send({ ...body(newPerson()), rate: '5.00' })
      .expect(400);
    expect(unknown.body.errors).toEqual([{ field: 'body.rate', message: 'unknown field' }]);
    await request(h.app).get('/v1/applications/not-a-uuid').set('authorization', as.operator()).expect(400);
    const before = (await request(h.app).get('/v1/applications?list=pending').set('authorization', as.vendorX())).body
      .items.length;
    await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send(body(newPerson(), { amount: '200000.01' }))
      .expect(400);
    const after = (await request(h.app).get('/v1/applications?list=pending').set('authorization', as.vendorX())).body
      .items.length;
    expect(after).toBe(before);
  });

  it('R-APP-3: the vendor sends a reminder to a changed address, then deletes the application', async () => {
    const p = newPerson();
    const created = await request(h.app)
      .post('/v1/applications')
      .set('authorization', as.vendorX())
      .send(body(p))
      .expect(201);
    const id = created.body.id;
    const bad = await request(h.app)
      .post(`/v1/applications/${id}/reminders`)
      .set('authorization', as.vendorX())
      .send({ email: 'not-an-email' })
      .expect(400);
    expect(bad.body.errors).toEqual([{ field: 'body.email', message: 'must be an email address' }]);
    const badBoth = await request(h.app)
      .post(`/v1/applications/${id}/reminders`)
      .set('authorization', as.vendorX())
      .send({ email: 'nope', phone: '08-123' })
      .expect(400);
    expect(badBoth.body.errors).toEqual([
      { field: 'body.email', message: 'must be an email address' },
      { field: 'body.phone', message: 'must be a Swedish mobile number' },
    ]);
    const newEmail = `fixed-${randomUUID().slice(0, 8)}@example.com`;
    const reminded = await request(h.app)
      .post(`/v1/applications/${id}/reminders`)
      .set('authorization', as.vendorX())
      .send({ email: newEmail })
      .expect(200);
    expect(reminded.body).toEqual({ applicantIndex: 0, reminder: 1, email: true, sms: true });
    const mail = (await request(h.app).get('/v1/sandbox/emails').query({ to: newEmail })).body.items;
    expect(mail).toHaveLength(1);
    expect((await getAs(as.vendorX(), id).expect(200)).body.applicants[0].email).toBe(newEmail);
    // The invitation went to the address given at creation, once; the new address has a fresh code.
    const invitations = (await request(h.app).get('/v1/sandbox/emails').query({ to: p.email })).body.items;
    expect(invitations).toHaveLength(1);
    const invitationCode = await inviteCodeFor(p, id);
    expect(mail[0].text).toMatch(/invite=[\w%-]+/);
    expect(mail[0].text).not.toContain(`invite=${invitationCode}`);

    const deleted = await request(h.app)
      .delete(`/v1/applications/${id}`)
      .set('authorization', as.vendorX())
      .expect(200);
    expect(deleted.body).toEqual({ status: 'DELETED' });
    expect((await getAs(as.vendorX(), id).expect(200)).body).toMatchObject({ status: 'DELETED', vendorStatus: null });
    const pending = (await request(h.app).get('/v1/applications?list=pending').set('authorization', as.vendorX())).body;
    expect(pending.items.map((a: { id: string }) => a.id)).not.toContain(id);
    await request(h.app).delete(`/v1/applications/${id}`).set('authorization', as.vendorX()).expect(409);
    await request(h.app)
      .post(`/v1/applications/${id}/reminders`)
      .set('authorization', as.vendorX())
      .send({})
      .expect(409);
  });

  it('documents every application endpoint in OpenAPI, and mounts /v1/sandbox only in sandbox mode', async () => {
    const doc = (await request(h.app).get('/openapi.json').expect(200)).body;
    for (const path of [
      '/v1/applications',
      '/v1/applications/{id}',
      '/v1/applications/{id}/identification',
      '/v1/applications/{id}/answers',
      '/v1/applications/{id}/submission',
      '/v1/applications/{id}/acceptance',
      '/v1/applications/{id}/reminders',
      '/v1/applications/{id}/history',
      '/v1/vendors/me',
      '/v1/sandbox/bureau/persons',
      '/v1/sandbox/bankid/orders/{orderRef}/complete',
      '/v1/sandbox/income-verifications/{verificationId}/complete',
      '/v1/sandbox/payouts',
    ])
      expect(Object.keys(doc.paths)).toContain(path);

    const production = createApp({
      config: parseConfig({
        ENGINE_MODE: 'production',
        JWT_SECRET: TEST_JWT_SECRET,
        PAYLOAD_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
        LOG_LEVEL: 'silent',
      }),
      db: h.db,
      temporal: h.client,
      codec: new EncryptionCodec(TEST_KEYS),
      jwtSecret: TEST_JWT_SECRET,
      logger: createLogger('silent'),
      sandbox: h.sandbox.sandbox, // even if handed one by mistake
    });
    await request(production).get('/v1/sandbox/payouts').expect(404);
    const prodDoc = (await request(production).get('/openapi.json').expect(200)).body;
    expect(Object.keys(prodDoc.paths).filter((p) => p.startsWith('/v1/sandbox'))).toEqual([]);
    expect(Object.keys(prodDoc.paths)).toContain('/v1/applications');
  });
});
