/**
 * The debtor's self-service on a collection case, part 2 (R-COLL-2, R-COLL-3, R-COLL-9, R-LOAN-11),
 * on the time-skipping server: a receipt of a payment made elsewhere holds the case back from
 * enforcement until an operator decides it (rejected: the timeline resumes with a fresh deadline;
 * accepted: the payment is registered and applied through the payment path); messages in the
 * case's thread, the answer in the debtor's mailbox. Every test ends with the ledger balanced.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { EnforcementHttpClient, EnforcementSandbox } from '../../adapters/enforcement';
import { caseLedgerLines, type CollectionCaseRow, listCaseEvents } from '../../db/collection-case-repository';
import { listCaseMessages, listReceipts } from '../../db/collection-self-service-repository';
import type { Db } from '../../db/database';
import { findLoan } from '../../db/loan-repository';
import { claimFromLines, claimOn, claimTotal } from '../../domain/collection';
import { addDays, type IsoDate } from '../../domain/dates';
import { Decimal, formatAmount } from '../../domain/money';
import { asRefusal } from '../../domain/refusal';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { collectionCaseWorkflowId } from '../../workflows/collection-case-messages';
import {
  answerCaseMessageUpdate,
  decideReceiptUpdate,
  sendCaseMessageUpdate,
  submitReceiptUpdate,
} from '../../workflows/collection-case-self-service-messages';
import { recordHistory } from '../support/application';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, startLoanWithBorrower } from '../support/loans';
import { createTestWorker, testDataConverter } from '../support/temporal';

describe('collection self-service: receipts and messages (R-COLL-2) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let enforcement: EnforcementSandbox;

  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    enforcement = await EnforcementSandbox.start();
  });
  afterAll(async () => {
    await env?.teardown();
    await db?.destroy();
    await enforcement?.close();
  });

  /** Lets simulated time pass until noon (Stockholm) of `date`. */
  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** Real-time polling while the simulated clock stands still. */
  async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 400; i++) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${what} did not happen within 10 s`);
  }

  const caseRow = (caseId: string) =>
    db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const kinds = async (caseId: string) => (await listCaseEvents(db, caseId)).map((e) => e.kind);
  const hasEvent = (caseId: string, kind: string) => async () =>
    (await kinds(caseId)).includes(kind) ? true : undefined;
  const handleOf = async (row: CollectionCaseRow) =>
    env.client.workflow.getHandle(collectionCaseWorkflowId((await caseRow(row.id)).case_number!));

  /** A loan that stops paying after invoice 1, handed over to collection; `body` plays the case. */
  async function withCase(body: (worker: Worker, row: CollectionCaseRow) => Promise<void>): Promise<CollectionCaseRow> {
    const terms = await newLoanTerms(env, { amount: '30000.00' });
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue: `q-${terms.loanId}`,
      db,
      enforcement: new EnforcementHttpClient({ baseUrl: enforcement.url }),
    });
    return worker.runUntil(async () => {
      const { loan } = await startLoanWithBorrower(env, worker.options.taskQueue, terms, {
        daysBeforeDue: 5,
        stopFromInvoice: 2,
      });
      expect((await loan.result()).status).toBe('IN_COLLECTION');
      const row = await db
        .selectFrom('collection_cases')
        .selectAll()
        .where('loan_id', '=', terms.loanId)
        .executeTakeFirstOrThrow();
      await eventually(hasEvent(row.id, 'demand'), 'the demand');
      await body(worker, row);
      return row;
    });
  }

  /** With RECORD_HISTORIES=1: the ended case's history for the replay test (test/replay/). */
  async function recordEnded(row: CollectionCaseRow, name: string): Promise<void> {
    const handle = await handleOf(row);
    expect(await handle.result()).toMatchObject({ status: (await caseRow(row.id)).status });
    await recordHistory(env.client, handle.workflowId, name);
  }

  async function claimTotalOn(row: CollectionCaseRow, date: IsoDate): Promise<string> {
    const fresh = await caseRow(row.id);
    const loan = (await findLoan(db, row.loan_id))!;
    const claim = claimOn({
      claim: claimFromLines(await caseLedgerLines(db, row.id)),
      nominalRatePercent: new Decimal(loan.nominal_rate_percent),
      accruedUntil: fresh.default_interest_accrued_until!,
      date,
    });
    return formatAmount(claimTotal(claim));
  }

  it('R-COLL-2, R-COLL-3: no enforcement while a receipt is checked; rejected, the timeline resumes with a fresh deadline', async () => {
    const row = await withCase(async (_worker, row) => {
      const handle = await handleOf(row);
      await sleepUntil(addDays(row.opened_on, 11));
      await eventually(hasEvent(row.id, 'last-reminder'), 'the last reminder');
      const reminded = await caseRow(row.id);
      expect(reminded.deadline).toBe(addDays(row.opened_on, 21));

      const day15 = addDays(row.opened_on, 15);
      await sleepUntil(day15);
      const receiptId = randomUUID();
      const submitted = await handle.executeUpdate(submitReceiptUpdate, {
        args: [{ actor: 'debtor', receiptId, bankReference: 'Swedbank 4471', paidOn: day15, amount: '500.00' }],
      });
      expect(submitted).toMatchObject({ status: 'OPEN', stage: 'LAST_REMINDER' });
      // Bad input is refused before it enters history, naming the field.
      const future = await handle
        .executeUpdate(submitReceiptUpdate, {
          args: [
            { actor: 'debtor', receiptId: randomUUID(), bankReference: 'x', paidOn: addDays(day15, 3), amount: '1.00' },
          ],
        })
        .catch((e: unknown) => e);
      expect(asRefusal((future as { cause?: { details?: unknown[] } }).cause?.details?.[0])).toMatchObject({
        kind: 'invalid',
        field: 'paidOn',
      });

      // The reminder's deadline passes; while the receipt is checked nothing goes to enforcement.
      await sleepUntil(addDays(row.opened_on, 40));
      expect(await caseRow(row.id)).toMatchObject({ status: 'OPEN', stage: 'LAST_REMINDER' });
      expect(await enforcement.listApplications({ caseNumber: reminded.case_number! })).toEqual([]);

      const day40 = addDays(row.opened_on, 40);
      const rejected = await handle.executeUpdate(decideReceiptUpdate, {
        args: [{ actor: 'op-karin', receiptId, outcome: 'rejected', reason: 'Betalningen finns inte hos banken.' }],
      });
      // R-COLL-3: a fresh deadline, not an immediate application.
      expect(rejected).toMatchObject({ stage: 'LAST_REMINDER', deadline: addDays(day40, 10) });
      const again = await handle
        .executeUpdate(decideReceiptUpdate, { args: [{ actor: 'op-karin', receiptId, outcome: 'accepted' }] })
        .catch((e: unknown) => e);
      expect(asRefusal((again as { cause?: { details?: unknown[] } }).cause?.details?.[0])).toMatchObject({
        kind: 'conflict',
        rule: 'R-COLL-2',
      });
      await sleepUntil(addDays(day40, 9));
      expect((await caseRow(row.id)).status).toBe('OPEN');
      await sleepUntil(addDays(day40, 11));
      await eventually(
        async () => ((await caseRow(row.id)).status === 'SENT_TO_ENFORCEMENT' ? true : undefined),
        'enforcement after the fresh deadline',
      );
      const loan = (await findLoan(db, row.loan_id))!;
      const letter = await db
        .selectFrom('mailbox_messages')
        .selectAll()
        .where('customer_id', '=', loan.customer_id)
        .where('kind', '=', 'collection-receipt-rejected')
        .executeTakeFirstOrThrow();
      expect(letter.body).toContain('Betalningen finns inte hos banken.');
      expect(letter.body).not.toMatch(/R-COLL/);
      await recordEnded(row, 'collection-receipt-rejected-enforcement');
    });
    expect(await kinds(row.id)).toEqual([
      'opened',
      'demand',
      'last-reminder',
      'receipt-submitted',
      'receipt-rejected',
      'sent-to-enforcement',
    ]);
    expect((await listReceipts(db, row.id)).map((r) => r.status)).toEqual(['REJECTED']);
    await expectLedgerBalanced(db);
  });

  it('R-COLL-2, R-COLL-9: an accepted receipt registers the payment through the payment path; paid in full → CLOSED_PAID', async () => {
    const row = await withCase(async (_worker, row) => {
      const handle = await handleOf(row);
      const day5 = addDays(row.opened_on, 5);
      await sleepUntil(day5);
      const amount = await claimTotalOn(row, day5);
      const receiptId = randomUUID();
      await handle.executeUpdate(submitReceiptUpdate, {
        args: [{ actor: 'debtor', receiptId, bankReference: 'Nordea 99-1', paidOn: day5, amount }],
      });
      await handle.executeUpdate(decideReceiptUpdate, {
        args: [{ actor: 'op-karin', receiptId, outcome: 'accepted' }],
      });
      const [receipt] = await listReceipts(db, row.id);
      expect(receipt).toMatchObject({ status: 'ACCEPTED', decided_by: 'op-karin' });
      const payment = await eventually(async () => {
        const p = await db.selectFrom('payments').selectAll().where('id', '=', receipt!.payment_id!).executeTakeFirst();
        return p?.status === 'APPLIED' ? p : undefined;
      }, 'the payment applied');
      expect(payment).toMatchObject({ bank_reference: `receipt-${receiptId}`, payment_date: day5, amount });
      await eventually(async () => ((await caseRow(row.id)).status === 'CLOSED_PAID' ? true : undefined), 'closing');
      await recordEnded(row, 'collection-receipt-accepted-paid');
    });
    expect(await kinds(row.id)).toEqual([
      'opened',
      'demand',
      'receipt-submitted',
      'receipt-accepted',
      'payment',
      'closed-paid',
    ]);
    expect(claimTotal(claimFromLines(await caseLedgerLines(db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('R-COLL-2, R-LOAN-11: the debtor writes, the operator answers; the answer reaches the mailbox', async () => {
    const row = await withCase(async (_worker, row) => {
      const handle = await handleOf(row);
      await handle.executeUpdate(sendCaseMessageUpdate, {
        args: [{ actor: 'debtor', messageId: randomUUID(), body: 'Kan jag betala i slutet av månaden?' }],
      });
      const empty = await handle
        .executeUpdate(sendCaseMessageUpdate, { args: [{ actor: 'debtor', messageId: randomUUID(), body: '   ' }] })
        .catch((e: unknown) => e);
      expect(asRefusal((empty as { cause?: { details?: unknown[] } }).cause?.details?.[0])).toMatchObject({
        kind: 'invalid',
        field: 'body',
      });
      await handle.executeUpdate(answerCaseMessageUpdate, {
        args: [{ actor: 'op-karin', messageId: randomUUID(), body: 'Ja, begär anstånd på Mina sidor.' }],
      });
      const thread = await listCaseMessages(db, row.id);
      expect(thread.map((m) => [m.from_role, m.author])).toEqual([
        ['customer', 'debtor'],
        ['operator', 'op-karin'],
      ]);
      const loan = (await findLoan(db, row.loan_id))!;
      const mail = await db
        .selectFrom('mailbox_messages')
        .selectAll()
        .where('customer_id', '=', loan.customer_id)
        .where('kind', '=', 'collection-message')
        .execute();
      expect(mail).toHaveLength(1);
      expect(mail[0]!.body).toContain('Ja, begär anstånd på Mina sidor.');
      const kindsNow = await kinds(row.id);
      expect(kindsNow.slice(-2)).toEqual(['message-received', 'message-answered']);
      // The timeline holds no message text (personal data stays in the thread's rows).
      const events = await listCaseEvents(db, row.id);
      expect(JSON.stringify(events)).not.toContain('slutet av månaden');
    });
    await expectLedgerBalanced(db);
    expect(row.id).toBeTruthy();
  });
});
