/**
 * Issue 16: a loan given a wake window (`wakeWindowMinutes`) wakes for its invoice date at 05:00 UTC
 * plus its own offset (domain/wake-spread.ts), not at 05:00: the invoice is not there a minute
 * before that moment and is there after it. Behind patched('loan-wake-spread').
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { listInvoices } from '../../db/loan-repository';
import { compareDates } from '../../domain/dates';
import { invoiceIssueDate } from '../../domain/invoicing';
import { installmentDueDate } from '../../domain/schedule';
import { SUGGESTED_WAKE_WINDOW_MINUTES, wakeInstant, wakeOffsetMs } from '../../domain/wake-spread';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { eventually } from '../support/api';
import { newLoanTerms } from '../support/loans';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

describe('loan wake-up spreading', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  it('wakes for the first invoice at 05:00 UTC plus the loan’s offset in its window', async () => {
    // A loan whose offset is at least an hour, so "not at 05:00" is visible.
    let loanId = randomUUID();
    while (wakeOffsetMs(loanId, SUGGESTED_WAKE_WINDOW_MINUTES) < 3_600_000) loanId = randomUUID();
    const t = await newLoanTerms(env, {
      loanId,
      customerId: `customer-${loanId}`,
      termMonths: 12,
      noticeChannel: 'e-invoice',
    });
    const issueDate = invoiceIssueDate(installmentDueDate(t.payoutDate, 1));
    expect(compareDates(issueDate, t.payoutDate)).toBeGreaterThan(0);
    const wakeAt = wakeInstant(issueDate, t.loanId, SUGGESTED_WAKE_WINDOW_MINUTES);
    expect(wakeAt).toBeGreaterThanOrEqual(Date.parse(`${issueDate}T06:00:00Z`));
    const taskQueue = `loan-wake-${t.loanId}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(loanWorkflow, {
        taskQueue,
        workflowId: loanWorkflowId(t.loanId),
        args: [{ terms: t, wakeWindowMinutes: SUGGESTED_WAKE_WINDOW_MINUTES }],
      });
      await eventually(
        async () =>
          (await db.selectFrom('loans').select('id').where('id', '=', t.loanId).executeTakeFirst()) ? true : undefined,
        'the loan opened',
      );
      await env.sleep(wakeAt - 60_000 - (await env.currentTimeMs()));
      expect(await listInvoices(db, t.loanId)).toHaveLength(0);
      await env.sleep(120_000);
      const invoices = await eventually(async () => {
        const found = await listInvoices(db, t.loanId);
        return found.length > 0 ? found : undefined;
      }, 'the first invoice');
      expect(invoices.map((i) => [i.number, i.issue_date])).toEqual([[1, issueDate]]);
      await handle.terminate('test over');
    });
  });
});
