/**
 * The debtor's self-service on a collection case, part 2 (R-COLL-2, R-COLL-3, R-COLL-9, R-LOAN-11),
 * on the time-skipping server: a receipt of a payment made elsewhere holds the case back from
 * enforcement until an operator decides it (rejected: the timeline resumes with a fresh deadline;
 * accepted: the payment is registered and applied through the payment path); messages in the
 * case's thread, the answer in the debtor's mailbox. Every test ends with the ledger balanced.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { caseLedgerLines, type CollectionCaseRow, listCaseEvents } from '../../db/collection-case-repository';
import { listCaseMessages, listReceipts } from '../../db/collection-self-service-repository';
import { findLoan } from '../../db/loan-repository';
import { claimFromLines, claimTotal } from '../../domain/collection';
import { addDays } from '../../domain/dates';
import { formatAmount } from '../../domain/money';
import { asRefusal } from '../../domain/refusal';
import {
  answerCaseMessageUpdate,
  decideReceiptUpdate,
  sendCaseMessageUpdate,
  submitReceiptUpdate,
} from '../../workflows/collection-case-self-service-messages';
import { recordHistory } from '../support/application';
import { expectLedgerBalanced } from '../support/ledger';
import {
  caseEventKinds,
  caseHandle,
  caseRow,
  claimTotalOn,
  hasCaseEvent,
  sleepUntil,
  useCaseServers,
  withCase,
} from '../support/collection-workflow';
import { eventually } from '../support/api';

describe('collection self-service: receipts and messages (R-COLL-2) on the time-skipping server', () => {
  const s = useCaseServers();
  const kinds = (caseId: string) => caseEventKinds(s.db, caseId);

  /** A loan handed over to collection, its demand sent; `body` plays the case. */
  const withDemandedCase = (body: (worker: Worker, row: CollectionCaseRow) => Promise<void>) =>
    withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      await body(worker, row);
    });

  /** With RECORD_HISTORIES=1: the ended case's history for the replay test (test/replay/). */
  async function recordEnded(row: CollectionCaseRow, name: string): Promise<void> {
    const handle = await caseHandle(s, row);
    expect(await handle.result()).toMatchObject({ status: (await caseRow(s.db, row.id)).status });
    await recordHistory(s.env.client, handle.workflowId, name);
  }

  it('R-COLL-2, R-COLL-3: no enforcement while a receipt is checked; rejected, the timeline resumes with a fresh deadline', async () => {
    const row = await withDemandedCase(async (_worker, row) => {
      const handle = await caseHandle(s, row);
      await sleepUntil(s.env, addDays(row.opened_on, 11));
      await eventually(hasCaseEvent(s.db, row.id, 'last-reminder'), 'the last reminder');
      const reminded = await caseRow(s.db, row.id);
      expect(reminded.deadline).toBe(addDays(row.opened_on, 21));

      const day15 = addDays(row.opened_on, 15);
      await sleepUntil(s.env, day15);
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
      await sleepUntil(s.env, addDays(row.opened_on, 40));
      expect(await caseRow(s.db, row.id)).toMatchObject({ status: 'OPEN', stage: 'LAST_REMINDER' });
      expect(await s.enforcement.listApplications({ caseNumber: reminded.case_number! })).toEqual([]);

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
      await sleepUntil(s.env, addDays(day40, 9));
      expect((await caseRow(s.db, row.id)).status).toBe('OPEN');
      await sleepUntil(s.env, addDays(day40, 11));
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'SENT_TO_ENFORCEMENT' ? true : undefined),
        'enforcement after the fresh deadline',
      );
      const loan = (await findLoan(s.db, row.loan_id))!;
      const letter = await s.db
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
    expect((await listReceipts(s.db, row.id)).map((r) => r.status)).toEqual(['REJECTED']);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-2, R-COLL-9: an accepted receipt registers the payment through the payment path; paid in full → CLOSED_PAID', async () => {
    const row = await withDemandedCase(async (_worker, row) => {
      const handle = await caseHandle(s, row);
      const day5 = addDays(row.opened_on, 5);
      await sleepUntil(s.env, day5);
      const amount = formatAmount(await claimTotalOn(s.db, row, day5));
      const receiptId = randomUUID();
      await handle.executeUpdate(submitReceiptUpdate, {
        args: [{ actor: 'debtor', receiptId, bankReference: 'Nordea 99-1', paidOn: day5, amount }],
      });
      await handle.executeUpdate(decideReceiptUpdate, {
        args: [{ actor: 'op-karin', receiptId, outcome: 'accepted' }],
      });
      const [receipt] = await listReceipts(s.db, row.id);
      expect(receipt).toMatchObject({ status: 'ACCEPTED', decided_by: 'op-karin' });
      const payment = await eventually(async () => {
        const p = await s.db
          .selectFrom('payments')
          .selectAll()
          .where('id', '=', receipt!.payment_id!)
          .executeTakeFirst();
        return p?.status === 'APPLIED' ? p : undefined;
      }, 'the payment applied');
      expect(payment).toMatchObject({ bank_reference: `receipt-${receiptId}`, payment_date: day5, amount });
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'CLOSED_PAID' ? true : undefined),
        'closing',
      );
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
    expect(claimTotal(claimFromLines(await caseLedgerLines(s.db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-2, R-LOAN-11: the debtor writes, the operator answers; the answer reaches the mailbox', async () => {
    const row = await withDemandedCase(async (_worker, row) => {
      const handle = await caseHandle(s, row);
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
      const thread = await listCaseMessages(s.db, row.id);
      expect(thread.map((m) => [m.from_role, m.author])).toEqual([
        ['customer', 'debtor'],
        ['operator', 'op-karin'],
      ]);
      const loan = (await findLoan(s.db, row.loan_id))!;
      const mail = await s.db
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
      const events = await listCaseEvents(s.db, row.id);
      expect(JSON.stringify(events)).not.toContain('slutet av månaden');
    });
    await expectLedgerBalanced(s.db);
    expect(row.id).toBeTruthy();
  });
});
