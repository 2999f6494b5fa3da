/**
 * R-PAY-4, R-COLL-9 on the time-skipping server: a collection case paid beyond its claim closes
 * paid and the rest goes back to the payer's stated account once, exact to the öre, with the
 * ledger balanced; money paid after the case ended is refunded too; a payment applied outside the
 * payment workflow (the simulated debtor's way) is refunded by the case's own close.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createCollectionRefundActivities } from '../../activities/collection/refunds';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import { type CollectionCaseRow } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { registerPayment } from '../../db/loan-repository';
import { findRefund } from '../../db/refund-repository';
import { addDays, type IsoDate } from '../../domain/dates';
import { formatAmount } from '../../domain/money';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { casePaymentSignal, collectionCaseWorkflowId } from '../../workflows/collection-case-messages';
import { paymentWorkflow, paymentWorkflowId } from '../../workflows/payment';
import { eventually } from '../support/api';
import { claimTotalOn } from '../support/collection-workflow';
import { recordHistory } from '../support/application';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, startLoanWithBorrower } from '../support/loans';
import { recordStatedAccount } from '../support/refunds';
import { createTestWorker, testDataConverter } from '../support/temporal';

const ACCOUNT = { clearingNumber: '8327', accountNumber: '9412345678' };

describe('refunds of collection cases (R-PAY-4, R-COLL-9) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let sandbox: SandboxAdapterSet;

  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    sandbox = await createSandboxAdapters();
  }, 180_000);
  afterAll(async () => {
    await sandbox?.stop();
    await env?.teardown();
    await db?.destroy();
  });

  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }
  const caseRow = (caseId: string) =>
    db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();

  /** A loan that stops paying is handed over; `body` plays its open case on the same worker run. */
  async function withCase(body: (worker: Worker, row: CollectionCaseRow) => Promise<void>): Promise<void> {
    const terms = await newLoanTerms(env, { amount: '30000.00' });
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue: `q-${terms.loanId}`,
      db,
      adapters: sandbox.adapters,
    });
    await worker.runUntil(async () => {
      const { loan } = await startLoanWithBorrower(env, worker.options.taskQueue, terms, {
        daysBeforeDue: 5,
        stopFromInvoice: 2,
      });
      expect((await loan.result()).status).toBe('IN_COLLECTION');
      await recordStatedAccount(db, terms, ACCOUNT);
      const row = await eventually(async () => {
        const r = await db
          .selectFrom('collection_cases')
          .selectAll()
          .where('loan_id', '=', terms.loanId)
          .executeTakeFirst();
        return r?.case_number ? r : undefined;
      }, 'the case to open');
      await body(worker, row);
    });
  }

  /** A bank payment to the case's OCR reference, registered like a bank file's. */
  async function register(row: CollectionCaseRow, amount: string, paymentDate: IsoDate) {
    return registerPayment(db, {
      id: randomUUID(),
      bankReference: `case-refund-${row.id}-${randomUUID()}`,
      ocrReference: (await caseRow(row.id)).ocr_reference!,
      amount,
      paymentDate,
    });
  }

  /** Registered and applied by its payment workflow, as `POST /v1/payments` does. */
  async function payThroughWorkflow(worker: Worker, row: CollectionCaseRow, amount: string, date: IsoDate) {
    const payment = await register(row, amount, date);
    await env.client.workflow.start(paymentWorkflow, {
      taskQueue: worker.options.taskQueue,
      workflowId: paymentWorkflowId(payment.id),
      args: [{ paymentId: payment.id }],
    });
    return payment.id;
  }

  const paidRefund = (id: string) =>
    eventually(async () => {
      const r = await findRefund(db, id);
      return r?.status === 'PAID' ? r : undefined;
    }, `refund ${id} to be paid`);
  const payoutsOf = async (refundId: string) =>
    (await sandbox.sandbox.bankPayout.listPayouts()).filter((p) => p.idempotencyKey.startsWith(`${refundId}:`));
  const refundsOf = (loanId: string) =>
    db.selectFrom('refunds').select(['id', 'amount', 'reason', 'status']).where('loan_id', '=', loanId).execute();

  it('R-PAY-4, R-COLL-9: a case paid 250.37 beyond its claim closes paid and refunds exactly that, once; a later payment is refunded too', async () => {
    await withCase(async (worker, row) => {
      const day3 = addDays(row.opened_on, 3);
      await sleepUntil(day3);
      const claim = await claimTotalOn(db, row, day3);
      const paymentId = await payThroughWorkflow(worker, row, formatAmount(claim.plus('250.37')), day3);

      // The payment's own step and the case's close both open a refund of the credit; whichever runs
      // first takes it all and the other opens nothing: one refund, one payout, exact to the öre.
      await eventually(async () => ((await caseRow(row.id)).status === 'CLOSED_PAID' ? true : undefined), 'close');
      const caseNumber = (await caseRow(row.id)).case_number!;
      await env.client.workflow.getHandle(collectionCaseWorkflowId(caseNumber)).result();
      await eventually(async () => {
        const p = await env.client.workflow.getHandle(paymentWorkflowId(paymentId)).describe();
        return p.status.name === 'COMPLETED' ? true : undefined;
      }, 'the payment workflow to end');
      const [opened, ...others] = await refundsOf(row.loan_id);
      expect(others).toEqual([]);
      expect([`${row.loan_id}:refund:payment:${paymentId}`, `collection-${caseNumber}:refund:close`]).toContain(
        opened!.id,
      );
      const refund = await paidRefund(opened!.id);
      expect(refund).toMatchObject({ amount: '250.37', reason: 'collection-overpayment', attempt: 1 });
      expect((await payoutsOf(refund.id)).map((p) => [p.amount, p.toAccount])).toEqual([
        ['250.37', { kind: 'bankAccount', ...ACCOUNT }],
      ]);
      await recordHistory(env.client, paymentWorkflowId(paymentId), 'payment-to-case-overpaid-refunded');
      const again = await createCollectionRefundActivities({ db }).openCaseRefund({
        caseId: row.id,
        idempotencyKey: `collection-${caseNumber}:refund:again`,
        date: day3,
      });
      expect(again).toBeNull();
      expect((await loanAccountBalances(db, row.loan_id)).customer_credit.toFixed(2)).toBe('0.00');
      const notice = await db
        .selectFrom('mailbox_messages')
        .select('body')
        .where('loan_id', '=', row.loan_id)
        .where('kind', '=', 'refund')
        .executeTakeFirstOrThrow();
      expect(notice.body).toContain('inkassoärendet');
      expect(notice.body).toContain('250,37');
      expect(notice.body).not.toMatch(/R-[A-Z]+-\d/);

      // Paid again to the case's OCR after it closed: nothing is claimed, so it is refunded.
      const day5 = addDays(row.opened_on, 5);
      await sleepUntil(day5);
      const late = await payThroughWorkflow(worker, row, '99.99', day5);
      const lateRefund = await paidRefund(`${row.loan_id}:refund:payment:${late}`);
      expect(lateRefund).toMatchObject({ amount: '99.99', reason: 'closed-case-credit' });
      expect(await payoutsOf(lateRefund.id)).toHaveLength(1);
      expect((await loanAccountBalances(db, row.loan_id)).customer_credit.toFixed(2)).toBe('0.00');
      await expectLedgerBalanced(db);
    });
  }, 300_000);

  it('R-PAY-4: a payment applied without the payment workflow (as the simulated debtor pays) is refunded by the case closing paid', async () => {
    await withCase(async (_worker, row) => {
      const day2 = addDays(row.opened_on, 2);
      await sleepUntil(day2);
      const claim = await claimTotalOn(db, row, day2);
      const payment = await register(row, formatAmount(claim.plus('0.01')), day2);
      const outcome = await applyPaymentToLoan(db, payment.id, { bureau: sandbox.adapters.bureau });
      expect(outcome.excess).toBe('0.01');
      const caseNumber = (await caseRow(row.id)).case_number!;
      const handle = env.client.workflow.getHandle(collectionCaseWorkflowId(caseNumber));
      await handle.signal(casePaymentSignal, { paymentId: payment.id, paymentDate: day2 });
      expect(await handle.result()).toEqual({ status: 'CLOSED_PAID' });
      await recordHistory(env.client, handle.workflowId, 'collection-overpaid-refunded-at-close');

      const refundId = `collection-${caseNumber}:refund:close`;
      const refund = await paidRefund(refundId);
      expect(refund).toMatchObject({ amount: '0.01', reason: 'collection-overpayment' });
      expect(await payoutsOf(refundId)).toHaveLength(1);
      expect(await refundsOf(row.loan_id)).toHaveLength(1);
      expect((await loanAccountBalances(db, row.loan_id)).customer_credit.toFixed(2)).toBe('0.00');
      await expectLedgerBalanced(db);
    });
  }, 300_000);
});
