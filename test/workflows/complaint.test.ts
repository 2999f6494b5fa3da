/**
 * R-LOAN-9 on the time-skipping server, with PostgreSQL, the mailbox and the sandbox SMTP double:
 * a complaint answered in time is never escalated; an unanswered one is escalated on the
 * escalation date (not a day earlier), the officer is emailed (ids and dates only), and a later
 * answer still closes it; past the due date the officer hears again; an empty or a second answer
 * is refused by the update's validator before anything enters history.
 * Time moves only through `env.sleep` (the held client never unlocks skipping).
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import { DEFAULT_COMPLAINTS_OFFICER_EMAIL } from '../../activities/complaints';
import { findComplaint, insertComplaint } from '../../db/complaint-repository';
import { upsertCustomerContact } from '../../db/customer-repository';
import type { Db } from '../../db/database';
import { listMailboxMessages } from '../../db/mailbox-repository';
import { businessMorningMs, complaintDeadlines } from '../../domain/complaint';
import { addDays, stockholmDate } from '../../domain/dates';
import { REFUSED } from '../../domain/refusal';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { complaintWorkflow } from '../../workflows/complaint';
import { answerComplaintUpdate, complaintViewQuery } from '../../workflows/complaint-messages';
import { type ComplaintInput, complaintWorkflowId } from '../../domain/complaint-state';
import { updateFailure, waitFor } from '../support/application';
import { openTestDb } from '../support/db';
import { createTestWorker, testDataConverter } from '../support/temporal';
import { insertTestLoan } from '../support/loans';

const HOUR_MS = 3_600_000;
const SUBJECT = 'Dubbel förseningsavgift i mars';

describe('complaint workflow (R-LOAN-9, time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let sandbox: SandboxAdapterSet;
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  const taskQueue = `complaints-${randomUUID()}`;
  const started: string[] = [];

  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    sandbox = await createSandboxAdapters();
    worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db, adapters: sandbox.adapters });
    running = worker.run();
    client = new Client({ connection: env.connection, dataConverter: testDataConverter });
  });

  afterEach(async () => {
    for (const id of started.splice(0)) {
      const h = client.workflow.getHandle(id);
      if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test over');
    }
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await sandbox?.stop();
    await env?.teardown();
    await db?.destroy();
  });

  const now = async () => new Date(await env.currentTimeMs());

  /** A loan and its borrower with an email address, and a complaint received today (workflow clock). */
  async function fileComplaint() {
    const customerId = `customer-${randomUUID()}`;
    const { loanId, contractNumber } = await insertTestLoan(db, { customer_id: customerId });
    await upsertCustomerContact(db, { id: customerId, email: `${customerId}@example.com` });
    const receivedOn = stockholmDate(await now());
    const deadlines = complaintDeadlines(receivedOn);
    const input: ComplaintInput = {
      complaintId: randomUUID(),
      loanId,
      customerId,
      contractNumber,
      receivedOn,
      subject: SUBJECT,
    };
    await insertComplaint(db, {
      id: input.complaintId,
      loanId,
      customerId,
      workflowId: complaintWorkflowId(input.complaintId),
      receivedOn,
      escalateOn: deadlines.escalateOn,
      answerDueOn: deadlines.answerDueOn,
      subject: SUBJECT,
      text: 'Jag har debiterats förseningsavgift två gånger för samma avi.',
    });
    const h = await client.workflow.start(complaintWorkflow, {
      taskQueue,
      workflowId: complaintWorkflowId(input.complaintId),
      args: [input],
    });
    started.push(h.workflowId);
    return { input, h, deadlines };
  }

  const mailbox = async (customerId: string) =>
    (await listMailboxMessages(db, customerId)).map((m) => ({ kind: m.kind, body: m.body, date: m.business_date }));
  const officerMail = async (complaintId: string) =>
    (await sandbox.sandbox.email.listMessages({ to: DEFAULT_COMPLAINTS_OFFICER_EMAIL })).filter((m) =>
      m.subject.includes(complaintId),
    );
  const answer = (text: string) => ({ answer: text, answeredBy: 'operator-olle' });

  it('R-LOAN-9: answered in time: receipt and answer in writing in the mailbox, never escalated', async () => {
    const { input, h, deadlines } = await fileComplaint();
    const receipt = await waitFor(
      () => mailbox(input.customerId),
      (m) => m.length === 1,
      'the receipt in the mailbox',
    );
    expect(receipt[0]).toMatchObject({ kind: 'complaint-received', date: input.receivedOn });
    expect(receipt[0]!.body).toContain(`senast ${deadlines.answerDueOn}`);

    const view = await h.executeUpdate(answerComplaintUpdate, {
      args: [answer('Vi har återbetalat den dubbla avgiften på 95 kr.')],
    });
    expect(view).toMatchObject({
      status: 'ANSWERED',
      answeredOn: input.receivedOn,
      answeredBy: 'operator-olle',
      answeredInTime: true,
      escalatedOn: null,
    });
    expect(await h.result()).toEqual({
      status: 'ANSWERED',
      answeredOn: input.receivedOn,
      answeredInTime: true,
      escalatedOn: null,
    });

    const row = await findComplaint(db, input.complaintId);
    expect(row).toMatchObject({
      status: 'ANSWERED',
      answer: 'Vi har återbetalat den dubbla avgiften på 95 kr.',
      answered_by: 'operator-olle',
      answered_on: input.receivedOn,
      escalated_on: null,
    });
    const messages = await mailbox(input.customerId);
    expect(messages.map((m) => m.kind)).toEqual(['complaint-answer', 'complaint-received']);
    expect(messages[0]!.body).toContain('Vi har återbetalat den dubbla avgiften på 95 kr.');
    expect(messages[0]!.body).toContain(SUBJECT);
    expect(messages[0]!.body).toContain('Konsumenternas Bank- och Finansbyrå');
    // The customer is told by email that new mail arrived (R-LOAN-11).
    expect(
      (await sandbox.sandbox.email.listMessages({ to: `${input.customerId}@example.com` })).length,
    ).toBeGreaterThanOrEqual(1);

    // Past the escalation date nothing happens: the workflow has closed with its timers.
    await env.sleep(businessMorningMs(deadlines.escalateOn) - (await env.currentTimeMs()) + 2 * HOUR_MS);
    expect(await officerMail(input.complaintId)).toEqual([]);
    expect((await findComplaint(db, input.complaintId))!.status).toBe('ANSWERED');
  });

  it('R-LOAN-9: unanswered: escalated on the escalation date, not before; the officer is emailed; an answer still closes it', async () => {
    const { input, h, deadlines } = await fileComplaint();
    await waitFor(
      () => mailbox(input.customerId),
      (m) => m.length === 1,
      'the receipt',
    );

    // The evening before the escalation date: still RECEIVED, nobody told.
    await env.sleep(businessMorningMs(deadlines.escalateOn) - (await env.currentTimeMs()) - 12 * HOUR_MS);
    expect(stockholmDate(await now())).toBe(addDays(deadlines.escalateOn, -1));
    expect((await h.query(complaintViewQuery)).status).toBe('RECEIVED');
    expect(await officerMail(input.complaintId)).toEqual([]);

    await env.sleep(13 * HOUR_MS);
    const escalated = await waitFor(
      () => findComplaint(db, input.complaintId),
      (r) => r?.status === 'ESCALATED',
      'the escalation',
    );
    expect(escalated!.escalated_on).toBe(deadlines.escalateOn);
    expect(escalated!.escalated_on! < deadlines.answerDueOn).toBe(true);
    const view = await h.query(complaintViewQuery);
    expect(view).toMatchObject({ status: 'ESCALATED', escalatedOn: deadlines.escalateOn, officerNotified: true });

    const [mail, ...more] = await officerMail(input.complaintId);
    expect(more).toEqual([]);
    expect(mail!.subject).toContain(`svar senast ${deadlines.answerDueOn}`);
    expect(mail!.text).toContain(input.contractNumber);
    // Ids and dates only: the customer's words stay out of email (R-SEC-2).
    expect(mail!.subject + mail!.text).not.toContain(SUBJECT);

    const answered = await h.executeUpdate(answerComplaintUpdate, { args: [answer('Avgiften är återbetald.')] });
    expect(answered).toMatchObject({
      status: 'ANSWERED',
      escalatedOn: deadlines.escalateOn,
      answeredOn: deadlines.escalateOn,
      answeredInTime: true,
    });
    expect(await h.result()).toEqual({
      status: 'ANSWERED',
      answeredOn: deadlines.escalateOn,
      answeredInTime: true,
      escalatedOn: deadlines.escalateOn,
    });
    expect(await findComplaint(db, input.complaintId)).toMatchObject({
      status: 'ANSWERED',
      escalated_on: deadlines.escalateOn,
      answered_on: deadlines.escalateOn,
    });
    expect((await mailbox(input.customerId)).map((m) => m.kind)).toEqual(['complaint-answer', 'complaint-received']);
  });

  it('R-LOAN-9: still unanswered after the due date: the officer is told again and the late answer is marked late', async () => {
    const { input, h, deadlines } = await fileComplaint();
    const dayAfterDue = addDays(deadlines.answerDueOn, 1);
    await env.sleep(businessMorningMs(dayAfterDue) - (await env.currentTimeMs()) + HOUR_MS);
    const overdue = await waitFor(
      () => h.query(complaintViewQuery),
      (v) => v.overdue,
      'the overdue mark',
    );
    expect(overdue).toMatchObject({ status: 'ESCALATED', escalatedOn: deadlines.escalateOn });
    const mails = await officerMail(input.complaintId);
    expect(mails.map((m) => m.subject.split(' ')[0])).toEqual(['Eskalerat', 'Försenat']);

    const answered = await h.executeUpdate(answerComplaintUpdate, { args: [answer('Förlåt dröjsmålet.')] });
    expect(answered).toMatchObject({ status: 'ANSWERED', answeredOn: dayAfterDue, answeredInTime: false });
    expect((await h.result()).answeredInTime).toBe(false);
  });

  it('R-LOAN-9: an empty answer and a second answer are refused by the validator; the first answer stands', async () => {
    const { input, h } = await fileComplaint();

    for (const empty of ['', '   \n ']) {
      const refused = await updateFailure(h.executeUpdate(answerComplaintUpdate, { args: [answer(empty)] }));
      expect(refused).toMatchObject({ type: REFUSED, kind: 'invalid', message: 'invalid answer' });
      expect(refused.details).toEqual([
        { kind: 'invalid', message: 'invalid answer', violations: [{ field: 'answer', message: 'must not be empty' }] },
      ]);
    }
    const tooLong = await updateFailure(h.executeUpdate(answerComplaintUpdate, { args: [answer('x'.repeat(10_001))] }));
    expect(tooLong).toMatchObject({ type: REFUSED, kind: 'invalid' });
    // Refused updates leave no trace in history.
    const history = await h.fetchHistory();
    expect(history.events!.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);

    // Two answers at once: exactly one is accepted, the other refused as a conflict.
    const [first, second] = await Promise.allSettled([
      h.executeUpdate(answerComplaintUpdate, { args: [answer('Svar ett.')] }),
      h.executeUpdate(answerComplaintUpdate, { args: [answer('Svar två.')] }),
    ]);
    const outcomes = [first, second];
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(await updateFailure(Promise.reject(rejected.reason))).toMatchObject({
      type: REFUSED,
      kind: 'conflict',
      message: 'the complaint has already been answered',
    });
    const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<unknown>).value;
    expect(winner).toMatchObject({ status: 'ANSWERED' });
    await h.result();

    // After the close, another answer is refused too (the workflow has completed).
    await expect(h.executeUpdate(answerComplaintUpdate, { args: [answer('Svar tre.')] })).rejects.toThrow();
    const row = await findComplaint(db, input.complaintId);
    expect(['Svar ett.', 'Svar två.']).toContain(row!.answer);
    const answers = (await mailbox(input.customerId)).filter((m) => m.kind === 'complaint-answer');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toContain(row!.answer!);
  });
});
