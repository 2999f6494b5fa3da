/**
 * Poison input: a control character anywhere in a request (body field, path id, query, a signed
 * token's `sub`) is a 400 problem+json naming the field, never a PostgreSQL 22021 500; and input that
 * reaches a workflow past the API cannot wedge it: the complaint's answer and the vendor reminder are
 * refused by their validators, and an activity whose write the database refuses for good fails once
 * (non-retryable) instead of retrying for ever.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { insertComplaint } from '../../db/complaint-repository';
import { insertLoan } from '../../db/loan-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { applicationWorkflowId } from '../../domain/application-state';
import { reminderUpdate } from '../../workflows/application-messages';
import { complaintWorkflowId } from '../../domain/complaint-state';
import { complaintWorkflow } from '../../workflows/complaint';
import { answerComplaintUpdate } from '../../workflows/complaint-messages';
import { type ApiHarness, createApplication, eventually, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { newPerson } from '../support/application';

const NUL = '\u0000';
const today = () => stockholmDate(new Date());
const fields = (res: request.Response) => (res.body.errors ?? []).map((e: { field: string }) => e.field);

describe('poison input is a 400 naming the field, and never wedges a workflow', () => {
  let h: ApiHarness;
  const started: string[] = [];
  const customer = `customer-${randomUUID()}`;
  const loanId = randomUUID();
  const contractNumber = String(300_000_000 + randomInt(99_999_999));
  const vendorId = `vendor-${randomUUID().slice(0, 8)}`;
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asCustomer = () => bearer({ role: 'customer', sub: customer });
  const asOperator = () => bearer({ role: 'operator', sub: 'op-1' });
  const asVendor = () => bearer({ role: 'vendor', sub: 'seller', vendorId });

  const expectProblem = (res: request.Response, field: string) => {
    expect({ status: res.status, type: res.headers['content-type'], fields: fields(res) }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
      fields: [field],
    });
  };

  beforeAll(async () => {
    h = await startApiHarness();
    await insertLoan(h.db, {
      id: loanId,
      contract_number: contractNumber,
      customer_id: customer,
      status: 'ACTIVE',
      amount: '60000.00',
      term_months: 36,
      nominal_rate_percent: '9.95',
      notice_channel: 'e-invoice',
      payout_date: '2026-01-10',
      monthly_payment: '1934.00',
      ocr_reference: `${contractNumber}00`,
      closed_on: null,
    });
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
    await h?.stop();
  });

  it.each([
    ['a complaint text', () => `/v1/loans/${loanId}/complaints`, { subject: 's', text: `a${NUL}b` }, 'body.text'],
    [
      'a payment bankReference',
      () => '/v1/payments',
      { bankReference: `b${NUL}`, ocrReference: '1234567897', amount: '1.00', paymentDate: today() },
      'body.bankReference',
    ],
    ['a vendor name', () => '/v1/vendors/me', { name: `A${NUL}B`, email: 'a@example.com' }, 'body.name'],
  ])('NUL in %s is a 400 naming it', async (_what, path, body, field) => {
    const auth = field === 'body.text' ? asCustomer() : field === 'body.name' ? asVendor() : asOperator();
    const method = field === 'body.name' ? 'put' : 'post';
    expectProblem(await request(h.app)[method](path()).set('authorization', auth).send(body), field);
  });

  it('other control characters in a nested field are named too; tab and newlines in free text are kept', async () => {
    const bell = await request(h.app)
      .post(`/v1/loans/${loanId}/complaints`)
      .set('authorization', asCustomer())
      .send({ subject: 'Avgift\u0007', text: 'ok' });
    expectProblem(bell, 'body.subject');
    const filed = await request(h.app)
      .post(`/v1/loans/${loanId}/complaints`)
      .set('authorization', asCustomer())
      .send({ subject: 'Avgift', text: 'Rad ett\n\tRad två\r\n' })
      .expect(201);
    started.push(complaintWorkflowId(filed.body.id));
  });

  it('NUL in a path id or a query value is a 400 naming it', async () => {
    expectProblem(await request(h.app).get('/v1/loans/a%00b').set('authorization', asOperator()), 'params.loanId');
    expectProblem(
      await request(h.app).get('/v1/applications?list=pending%00').set('authorization', asVendor()),
      'query.list',
    );
  });

  it('a signed token whose sub holds NUL is a 400 naming token.sub', async () => {
    const token = jwt.sign({ role: 'operator' }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      subject: `op${NUL}1`,
      expiresIn: '1h',
      issuer: h.config.JWT_ISSUER,
      audience: h.config.JWT_AUDIENCE,
    });
    expectProblem(
      await request(h.app).get('/v1/operator/complaints').set('authorization', `Bearer ${token}`),
      'token.sub',
    );
  });

  it('the complaint workflow refuses an answer it could not record; a clean answer then closes it', async () => {
    const complaint = await insertComplaint(h.db, {
      id: randomUUID(),
      loanId,
      customerId: customer,
      workflowId: `complaint-${randomUUID()}`,
      receivedOn: today(),
      escalateOn: addDays(today(), 10),
      answerDueOn: addDays(today(), 14),
      subject: 's',
      text: 't',
    });
    const handle = await h.client.workflow.start(complaintWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: complaintWorkflowId(complaint.id),
      args: [
        { complaintId: complaint.id, loanId, customerId: customer, contractNumber, receivedOn: today(), subject: 's' },
      ],
    });
    started.push(handle.workflowId);
    await expect(
      handle.executeUpdate(answerComplaintUpdate, { args: [{ answer: `a${NUL}b`, answeredBy: 'op-1' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const view = await handle.executeUpdate(answerComplaintUpdate, {
      args: [{ answer: 'Vi har rättat avgiften.', answeredBy: 'op-1' }],
    });
    expect(view.status).toBe('ANSWERED');
  });

  it('a notice the database refuses for good fails once instead of retrying for ever; the complaint still answers', async () => {
    const complaint = await insertComplaint(h.db, {
      id: randomUUID(),
      loanId,
      customerId: customer,
      workflowId: `complaint-${randomUUID()}`,
      receivedOn: today(),
      escalateOn: addDays(today(), 10),
      answerDueOn: addDays(today(), 14),
      subject: 's',
      text: 't',
    });
    // Past the API: a subject with NUL reaches the receipt's text, which PostgreSQL refuses (22021).
    const handle = await h.client.workflow.start(complaintWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: complaintWorkflowId(complaint.id),
      args: [
        {
          complaintId: complaint.id,
          loanId,
          customerId: customer,
          contractNumber,
          receivedOn: today(),
          subject: `x${NUL}`,
        },
      ],
    });
    started.push(handle.workflowId);
    const failed = await eventually(async () => {
      for (const event of (await handle.fetchHistory()).events ?? []) {
        if (event.activityTaskFailedEventAttributes) return event.activityTaskFailedEventAttributes;
      }
      return undefined;
    }, 'the receipt notice to fail');
    expect(failed.failure?.applicationFailureInfo).toMatchObject({ type: 'DatabaseDataError', nonRetryable: true });
    expect((await handle.describe()).raw.pendingActivities ?? []).toEqual([]);
    const view = await handle.executeUpdate(answerComplaintUpdate, {
      args: [{ answer: 'Vi har rättat avgiften.', answeredBy: 'op-1' }],
    });
    expect(view.status).toBe('ANSWERED');
  });

  it('a reminder to an email with NUL is refused by the API and by the workflow; the application stays deletable', async () => {
    const person = newPerson();
    const created = await createApplication(h, asVendor(), person);
    const workflowId = applicationWorkflowId(created.body.reference);
    started.push(workflowId);
    const email = `a${NUL}@example.com`;
    expectProblem(
      await request(h.app)
        .post(`/v1/applications/${created.body.id}/reminders`)
        .set('authorization', asVendor())
        .send({ email }),
      'body.email',
    );
    await expect(
      h.client.workflow
        .getHandle(workflowId)
        .executeUpdate(reminderUpdate, { args: [{ applicantIndex: 0, email, actorId: vendorId }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await request(h.app).delete(`/v1/applications/${created.body.id}`).set('authorization', asVendor()).expect(200);
  });
});
