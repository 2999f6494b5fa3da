/**
 * Bad input is a 400 application/problem+json naming the field, never a 500 or a half-written
 * state: payment amounts and dates, idempotent suspense assignment, quote payout dates, loan
 * actions' request-only limits, and applications and complaints whose workflow cannot be started
 * (the same app wired to a Temporal address where nothing listens: a real outage, not a mock).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { deleteUnstartedApplication } from '../../db/application-repository';
import {
  deleteUnstartedComplaint,
  findComplaint,
  insertComplaint,
  listLoanComplaints,
  recordComplaintAnswer,
} from '../../db/complaint-repository';
import { findLoan, findPayment } from '../../db/loan-repository';
import { addDays, addMonths, firstOfMonth, stockholmDate } from '../../domain/dates';
import { earliestChangeEffectiveDate } from '../../domain/rate-change';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { applicationWorkflowId } from '../../domain/application-state';
import { complaintWorkflowId } from '../../domain/complaint-state';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { paymentWorkflowId } from '../../workflows/payment';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET, eventually } from '../support/api';
import { newPerson } from '../support/application';
import { TEST_KEYS, testDataConverter } from '../support/temporal';
import type { LoanStatus } from '../../domain/loan-statuses';
import { insertTestLoan } from '../support/loans';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const today = () => stockholmDate(new Date());
const fields = (res: request.Response) => (res.body.errors ?? []).map((e: { field: string }) => e.field);

describe('bad input is a 400 naming the field, never a 500 or a half-written state', () => {
  let h: ApiHarness;
  /** The same API with Temporal unreachable. */
  let down: Express;
  let downConnection: Connection;
  let terms: LoanTerms; // an active loan with its workflow
  const started: string[] = [];
  const operator = () => `Bearer ${h.token({ role: 'operator', sub: 'op-1' })}`;
  const customerOf = (customerId: string) => `Bearer ${h.token({ role: 'customer', sub: customerId })}`;

  /** A loan row only (no workflow), in the given status. */
  async function dbLoan(status: LoanStatus): Promise<{ id: string; customerId: string }> {
    const id = randomUUID();
    await insertTestLoan(h.db, { id, customer_id: `customer-${id}`, status, closed_on: null });
    return { id, customerId: `customer-${id}` };
  }

  const registerSuspense = async (amount = '125.00') => {
    const res = await request(h.app)
      .post('/v1/payments')
      .set('authorization', operator())
      .send({
        bankReference: `bank-${randomUUID()}`,
        ocrReference: `9${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e9)).padStart(9, '0')}`,
        amount,
        paymentDate: today(),
      })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'SUSPENSE', loanId: null });
    return res.body as { paymentId: string };
  };

  const assign = (app: Express, paymentId: string, loanId: string) =>
    request(app).post(`/v1/payments/${paymentId}/assign`).set('authorization', operator()).send({ loanId });

  beforeAll(async () => {
    h = await startApiHarness();
    downConnection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}`, interceptors: [] });
    down = h.checked(
      createApp({
        config: h.config,
        db: h.db,
        temporal: new Client({
          connection: downConnection,
          namespace: h.config.TEMPORAL_NAMESPACE,
          dataConverter: testDataConverter,
        }),
        codec: new EncryptionCodec(TEST_KEYS),
        jwtSecret: TEST_JWT_SECRET,
        logger: createLogger('silent'),
        sandbox: h.sandbox.sandbox,
      }),
    );
    const loanId = randomUUID();
    terms = {
      loanId,
      contractNumber: String(200_000_000 + randomInt(799_999_999)),
      customerId: `customer-${loanId}`,
      amount: '50000.00',
      termMonths: 36,
      nominalRatePercent: '12.50',
      noticeChannel: 'paper',
      // Paid out last month: nothing overdue, an early repayment can be quoted.
      payoutDate: addMonths(firstOfMonth(today()), -1),
    };
    await h.client.workflow.start(loanWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: loanWorkflowId(loanId),
      args: [{ terms }],
    });
    started.push(loanWorkflowId(loanId));
    await eventually(async () => ((await findLoan(h.db, loanId)) ? true : undefined), 'the loan to open', 30_000);
  });
  afterAll(async () => {
    for (const id of started) {
      try {
        const handle = h.client.workflow.getHandle(id);
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test done');
      } catch {
        // gone already
      }
    }
    await downConnection?.close();
    await h?.stop();
  });

  describe('POST /v1/payments: amount and paymentDate (fix 1)', () => {
    const register = (overrides: Record<string, string>) =>
      request(h.app)
        .post('/v1/payments')
        .set('authorization', operator())
        .send({
          bankReference: `bank-${randomUUID()}`,
          ocrReference: '1234567897',
          amount: '100.00',
          paymentDate: today(),
          ...overrides,
        });

    it.each([
      ['more than numeric(14,2) holds', { amount: '1000000000000' }, 'body.amount'],
      ['15 integer digits', { amount: '999999999999999.99' }, 'body.amount'],
      ['three decimals', { amount: '10.001' }, 'body.amount'],
      ['zero', { amount: '0.00' }, 'body.amount'],
      ['a payment date tomorrow', { paymentDate: addDays(today(), 1) }, 'body.paymentDate'],
      ['a payment date years ahead', { paymentDate: '2031-01-01' }, 'body.paymentDate'],
      ['a payment date before 2000', { paymentDate: '1999-12-31' }, 'body.paymentDate'],
    ])('%s is a 400 naming the field', async (_what, overrides, field) => {
      const res = await register(overrides).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fields(res)).toEqual([field]);
    });

    it('the limits themselves are accepted: 0.01, 999999999999.99, today, 2000-01-01', async () => {
      const limits: Record<string, string>[] = [
        { amount: '0.01' },
        { amount: '999999999999.99' },
        { paymentDate: today() },
        { paymentDate: '2000-01-01' },
      ];
      for (const overrides of limits) {
        const res = await register(overrides);
        expect({ overrides, status: res.status }).toEqual({ overrides, status: 201 });
      }
    });
  });

  describe('POST /v1/payments/{id}/assign: idempotent, never a 500 (fix 2)', () => {
    it('two concurrent assigns to the same loan both answer 200 alike; a repeat too; the payment is applied once', async () => {
      const { paymentId } = await registerSuspense('125.00');
      const [first, second] = await Promise.all([
        assign(h.app, paymentId, terms.loanId),
        assign(h.app, paymentId, terms.loanId),
      ]);
      for (const res of [first, second]) {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ paymentId, loanId: terms.loanId, amount: '125.00' });
      }
      const again = await assign(h.app, paymentId, terms.loanId).expect(200);
      expect(again.body).toMatchObject({ paymentId, loanId: terms.loanId, amount: '125.00' });
      const applied = await eventually(
        async () => {
          const p = await findPayment(h.db, paymentId);
          return p?.status === 'APPLIED' ? p : undefined;
        },
        'the assigned payment to be applied',
        30_000,
      );
      expect(applied.loan_id).toBe(terms.loanId);
      // Assigned and applied: a repeat still answers 200, an assign to another loan is a 409.
      await assign(h.app, paymentId, terms.loanId).expect(200);
      const other = await dbLoan('ACTIVE');
      const elsewhere = await assign(h.app, paymentId, other.id).expect(409);
      expect(fields(elsewhere)).toEqual(['body.loanId']);
      expect((await findPayment(h.db, paymentId))?.loan_id).toBe(terms.loanId);
    });

    it.each<LoanStatus>(['CLOSED', 'WITHDRAWN', 'IN_COLLECTION'])(
      'a loan that is %s takes no assignment: 409 naming body.loanId, the payment stays in suspense',
      async (status) => {
        const loan = await dbLoan(status);
        const { paymentId } = await registerSuspense();
        const res = await assign(h.app, paymentId, loan.id).expect(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(fields(res)).toEqual(['body.loanId']);
        expect(await findPayment(h.db, paymentId)).toMatchObject({ status: 'SUSPENSE', loan_id: null });
      },
    );

    it('an assign whose workflow start fails is a 503; the same assign again starts the workflow', async () => {
      const { paymentId } = await registerSuspense('75.25');
      const failed = await assign(down, paymentId, terms.loanId).expect(503);
      expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
      // The row is assigned, its workflow is not running: the retry must not be a 409.
      expect(await findPayment(h.db, paymentId)).toMatchObject({ status: 'RECEIVED', loan_id: terms.loanId });
      await expect(h.client.workflow.getHandle(paymentWorkflowId(paymentId)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      const retried = await assign(h.app, paymentId, terms.loanId).expect(200);
      expect(retried.body).toMatchObject({ paymentId, loanId: terms.loanId, status: 'RECEIVED' });
      await eventually(
        async () => ((await findPayment(h.db, paymentId))?.status === 'APPLIED' ? true : undefined),
        'the retried payment to be applied',
        30_000,
      );
    });
  });

  describe('POST /v1/quotes: payoutDate range (fix 3)', () => {
    const quote = (payoutDate: string) =>
      request(h.app)
        .post('/v1/quotes')
        .send({ amount: '100000', termMonths: 60, nominalRatePercent: '9.95', noticeChannel: 'autogiro', payoutDate });

    it.each([['1500-01-01'], ['9995-06-01'], ['1999-12-31'], [addMonths(today(), 24 + 1)]])(
      'payoutDate %s is a 400 naming body.payoutDate',
      async (payoutDate) => {
        const res = await quote(payoutDate).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(fields(res)).toEqual(['body.payoutDate']);
      },
    );

    it('the README example date and two years ahead are quoted', async () => {
      await quote('2026-03-10').expect(200);
      await quote(addMonths(today(), 24)).expect(200);
    });
  });

  describe('loan actions: request-only limits are 400s, not the workflow’s 409s (fix 4)', () => {
    const post = (path: string, auth: string, body: object) =>
      request(h.app).post(path).set('authorization', auth).send(body);
    const quotes = () => `/v1/loans/${terms.loanId}/early-repayment/quotes`;
    const customer = () => customerOf(terms.customerId);

    it('a new rate above 40 is a 400 naming body.newNominalRatePercent, for one loan and many', async () => {
      for (const rate of ['100.00', '40.01', '999']) {
        const one = await post(`/v1/operator/loans/${terms.loanId}/rate-changes`, operator(), {
          changeId: `c-${randomUUID()}`,
          newNominalRatePercent: rate,
          effectiveFrom: earliestChangeEffectiveDate(today()),
        });
        expect({ rate, status: one.status, fields: fields(one) }).toEqual({
          rate,
          status: 400,
          fields: ['body.newNominalRatePercent'],
        });
      }
      const many = await post('/v1/operator/rate-changes', operator(), {
        changeId: `c-${randomUUID()}`,
        newNominalRatePercent: '100.00',
        effectiveFrom: earliestChangeEffectiveDate(today()),
        loanIds: [terms.loanId],
      }).expect(400);
      expect(fields(many)).toEqual(['body.newNominalRatePercent']);
    });

    it('0 and 40 pass the schema as the workflow allows them (here refused for the too-early date only)', async () => {
      for (const rate of ['0', '40.00']) {
        const res = await post(`/v1/operator/loans/${terms.loanId}/rate-changes`, operator(), {
          changeId: `c-${randomUUID()}`,
          newNominalRatePercent: rate,
          effectiveFrom: today(),
        });
        expect({ rate, status: res.status, fields: fields(res) }).toEqual({
          rate,
          status: 409,
          fields: ['body.effectiveFrom'],
        });
      }
    });

    it.each([
      ['a payment date in the past', { kind: 'whole', paymentDate: addDays(today(), -1) }, 'body.paymentDate'],
      ['a payment date 31 days ahead', { kind: 'whole', paymentDate: addDays(today(), 31) }, 'body.paymentDate'],
      ['a partial amount of 10 integer digits', { kind: 'partial', amount: '1000000000' }, 'body.amount'],
    ])('an early-repayment quote with %s is a 400 naming the field', async (_what, body, field) => {
      const res = await post(quotes(), customer(), body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fields(res)).toEqual([field]);
    });

    it('the limits pass the schema: a quote 30 days ahead; 9 integer digits reach the loan (which refuses)', async () => {
      const ahead = await post(quotes(), customer(), { kind: 'whole', paymentDate: addDays(today(), 30) }).expect(201);
      expect(ahead.body.paymentDate).toBe(addDays(today(), 30));
      const huge = await post(quotes(), customer(), { kind: 'partial', amount: '999999999.99' }).expect(409);
      expect(fields(huge)).toEqual(['body.amount']);
    });

    it('confirm and acceptance take no body: an unknown field is a 400 naming it', async () => {
      const confirm = await post(`${quotes()}/q-1/confirm`, customer(), { quoteId: 'x' }).expect(400);
      expect(fields(confirm)).toEqual(['body.quoteId']);
      const accept = await post(`/v1/applications/${randomUUID()}/acceptance`, customerOf('someone'), {
        sign: true,
      }).expect(400);
      expect(fields(accept)).toEqual(['body.sign']);
    });
  });

  describe('applications and complaints when the workflow cannot start (fix 5)', () => {
    it('POST /v1/applications: 503, and no application row is left behind; with Temporal up it is created', async () => {
      const vendorId = `vendor-${randomUUID().slice(0, 8)}`;
      const vendor = `Bearer ${h.token({ role: 'vendor', sub: 'seller', vendorId })}`;
      const person = newPerson();
      const body = {
        amount: '100000',
        termMonths: 60,
        noticeChannel: 'e-invoice',
        applicants: [{ personnummer: person.personnummer, email: person.email, phone: person.phone }],
      };
      const failed = await request(down).post('/v1/applications').set('authorization', vendor).send(body).expect(503);
      expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(failed.body).toMatchObject({ status: 503, type: '/problems/workflow-unavailable' });
      expect(await h.db.selectFrom('applications').select('id').where('vendor_id', '=', vendorId).execute()).toEqual(
        [],
      );
      expect(
        await h.db
          .selectFrom('applicants')
          .select('application_id')
          .where('personnummer', '=', person.personnummer)
          .execute(),
      ).toEqual([]);

      const created = await request(h.app).post('/v1/applications').set('authorization', vendor).send(body).expect(201);
      started.push(applicationWorkflowId(created.body.reference));
      expect(await h.db.selectFrom('applications').select('id').where('vendor_id', '=', vendorId).execute()).toEqual([
        { id: created.body.id },
      ]);
      // The undo removes only the row as first written: a row a workflow has moved on stays.
      expect(await deleteUnstartedApplication(h.db, created.body.id, -1)).toBe(false);
    });

    it('POST /v1/loans/{id}/complaints: 503, and no complaint is left behind; with Temporal up it is filed', async () => {
      const loan = await dbLoan('ACTIVE');
      const complaint = { subject: 'Fel avgift', text: 'Avgiften på min avi är fel.' };
      const failed = await request(down)
        .post(`/v1/loans/${loan.id}/complaints`)
        .set('authorization', customerOf(loan.customerId))
        .send(complaint)
        .expect(503);
      expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(failed.body).toMatchObject({ status: 503, type: '/problems/workflow-unavailable' });
      expect(await listLoanComplaints(h.db, loan.id)).toEqual([]);

      const filed = await request(h.app)
        .post(`/v1/loans/${loan.id}/complaints`)
        .set('authorization', customerOf(loan.customerId))
        .send(complaint)
        .expect(201);
      started.push(complaintWorkflowId(filed.body.id));
      expect((await listLoanComplaints(h.db, loan.id)).map((c) => c.id)).toEqual([filed.body.id]);
    });

    it('deleteUnstartedComplaint removes a RECEIVED complaint, never an answered one', async () => {
      const loan = await dbLoan('ACTIVE');
      const complaint = async () =>
        insertComplaint(h.db, {
          id: randomUUID(),
          loanId: loan.id,
          customerId: loan.customerId,
          workflowId: `complaint-${randomUUID()}`,
          receivedOn: today(),
          escalateOn: addDays(today(), 10),
          answerDueOn: addDays(today(), 14),
          subject: 's',
          text: 't',
        });
      const received = await complaint();
      expect(await deleteUnstartedComplaint(h.db, received.id)).toBe(true);
      expect(await findComplaint(h.db, received.id)).toBeUndefined();
      const answered = await complaint();
      await recordComplaintAnswer(h.db, answered.id, { answer: 'a', answeredBy: 'op', answeredOn: today() });
      expect(await deleteUnstartedComplaint(h.db, answered.id)).toBe(false);
      expect(await findComplaint(h.db, answered.id)).toBeDefined();
    });

    it('answering a complaint whose workflow is missing is a 409 that does not claim it was answered', async () => {
      const loan = await dbLoan('ACTIVE');
      const orphan = await insertComplaint(h.db, {
        id: randomUUID(),
        loanId: loan.id,
        customerId: loan.customerId,
        workflowId: `complaint-${randomUUID()}`, // never started
        receivedOn: today(),
        escalateOn: addDays(today(), 10),
        answerDueOn: addDays(today(), 14),
        subject: 's',
        text: 't',
      });
      const res = await request(h.app)
        .post(`/v1/operator/complaints/${orphan.id}/answer`)
        .set('authorization', operator())
        .send({ answer: 'Vi har rättat avgiften.' })
        .expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).not.toMatch(/already been answered/);
      expect(await findComplaint(h.db, orphan.id)).toMatchObject({ status: 'RECEIVED', answer: null });
    });
  });
});
