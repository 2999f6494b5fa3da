/**
 * R-PAY-3 on the time-skipping server: a loan with an autogiro mandate is drawn on each due date,
 * through the bank-file payment path and never twice; a refused draw leaves the invoice unpaid and
 * the late fee follows; an invoice the customer paid themselves is not drawn.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import type { Db } from '../../db/database';
import { listDrawsOfLoan } from '../../db/direct-debit-repository';
import { findInvoice, findLoan, listInvoices } from '../../db/loan-repository';
import { openInvoiceItems } from '../../db/ledger-repository';
import { totalRemaining } from '../../domain/allocation';
import { addDays, type IsoDate } from '../../domain/dates';
import { lateFeeChargeDate } from '../../domain/invoicing';
import { formatAmount } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { installmentDueDate } from '../../domain/schedule';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { giveMandate } from '../support/direct-debit';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, payToLoan, restartLateInvoiceSweep } from '../support/loans';
import { createTestWorker, testDataConverter, useTimeSkippingServer } from '../support/temporal';

describe('autogiro on a loan (R-PAY-3) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let sandbox: SandboxAdapterSet;
  let client: Client; // never unlocks time skipping
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
    client = new Client({ connection: env.connection, dataConverter: testDataConverter });
  });
  beforeAll(async () => {
    sandbox = await createSandboxAdapters({ bankIdOrderTtlMs: 600_000 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** Runs a loan (autogiro channel) with a mandate given before its first invoice. */
  async function withMandatedLoan(
    body: (terms: LoanTerms, mandateId: string, taskQueue: string) => Promise<void>,
  ): Promise<LoanTerms> {
    const terms = await newLoanTerms(env, { termMonths: 24 });
    const taskQueue = `dd-${terms.loanId}`;
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue,
      db,
      adapters: sandbox.adapters,
      application: { bankIdPollIntervalMs: 50 },
    });
    await worker.runUntil(async () => {
      await restartLateInvoiceSweep(env, taskQueue);
      const loan = await client.workflow.start(loanWorkflow, {
        taskQueue,
        workflowId: loanWorkflowId(terms.loanId),
        args: [{ terms }],
      });
      for (let i = 0; i < 400 && !(await findLoan(db, terms.loanId)); i++) await new Promise((r) => setTimeout(r, 25));
      const mandateId = await giveMandate(client, db, sandbox.sandbox, taskQueue, terms);
      try {
        await body(terms, mandateId, taskQueue);
      } finally {
        await loan.terminate('test done').catch(() => undefined);
      }
    });
    return terms;
  }

  it('R-PAY-3: each invoice is drawn on its due date, booked once through the payment path', async () => {
    let mandate = '';
    const terms = await withMandatedLoan(async (t, mandateId) => {
      mandate = mandateId;
      await sleepUntil(addDays(installmentDueDate(t.payoutDate, 2), 1));
    });
    const draws = await listDrawsOfLoan(db, terms.loanId);
    expect(draws.map((d) => [d.invoice_number, d.status, d.due_date])).toEqual([
      [1, 'PAID', installmentDueDate(terms.payoutDate, 1)],
      [2, 'PAID', installmentDueDate(terms.payoutDate, 2)],
    ]);
    // The bank drew exactly these two, under the per-invoice keys.
    const atBank = await sandbox.sandbox.directDebit.listDraws({ mandate });
    expect(atBank.map((d) => d.idempotencyKey)).toEqual([
      `loan-${terms.loanId}:autogiro:1`,
      `loan-${terms.loanId}:autogiro:2`,
    ]);
    for (const n of [1, 2]) {
      const invoice = await findInvoice(db, terms.loanId, n);
      expect(invoice).toMatchObject({ status: 'PAID', paid_date: installmentDueDate(terms.payoutDate, n) });
      expect(invoice?.late_fee_charged_on).toBeNull();
    }
    // In value-date order, as the draws: a table has no order of its own.
    const payments = await db
      .selectFrom('payments')
      .selectAll()
      .where('loan_id', '=', terms.loanId)
      .orderBy('payment_date')
      .execute();
    expect(payments.map((p) => [p.bank_reference, p.status, p.amount])).toEqual(
      draws.map((d) => [`autogiro:${d.draw_id}`, 'APPLIED', d.amount]),
    );
    expect(payments.every((p) => (p.allocation as { excess: string }).excess === '0.00')).toBe(true);
    // R-PROD-2: an autogiro invoice carries no notice fee.
    expect(
      await db
        .selectFrom('ledger_entries')
        .select('id')
        .where('loan_id', '=', terms.loanId)
        .where('line_kind', '=', 'notice-fee')
        .execute(),
    ).toEqual([]);
    await expectLedgerBalanced(db);
  });

  it('R-PAY-3: a draw refused for insufficient funds leaves the invoice unpaid and the late fee follows', async () => {
    const terms = await withMandatedLoan(async (t, mandateId) => {
      await sandbox.sandbox.directDebit.refuseDraws(mandateId, 'insufficient_funds', 1);
      const due1 = installmentDueDate(t.payoutDate, 1);
      await sleepUntil(addDays(lateFeeChargeDate(due1), 1));
    });
    const due1 = installmentDueDate(terms.payoutDate, 1);
    const [draw] = await listDrawsOfLoan(db, terms.loanId);
    expect(draw).toMatchObject({ invoice_number: 1, status: 'REFUSED', refusal_reason: 'insufficient_funds' });
    const invoice = await findInvoice(db, terms.loanId, 1);
    expect(invoice?.status).toBe('OPEN');
    expect(invoice?.late_fee_charged_on).toBe(lateFeeChargeDate(due1));
    const lateFee = await db
      .selectFrom('ledger_entries')
      .select('amount')
      .where('loan_id', '=', terms.loanId)
      .where('invoice_number', '=', 1)
      .where('line_kind', '=', 'late-fee')
      .where('amount', '>', '0')
      .execute();
    expect(lateFee.map((e) => e.amount)).toEqual([DEFAULT_PRODUCT.fees.late]);
    expect(await db.selectFrom('payments').select('id').where('loan_id', '=', terms.loanId).execute()).toEqual([]);
    await expectLedgerBalanced(db);
  });

  it('R-PAY-3: an invoice the customer paid before its due date is not drawn', async () => {
    let mandate = '';
    const terms = await withMandatedLoan(async (t, mandateId, taskQueue) => {
      mandate = mandateId;
      const due1 = installmentDueDate(t.payoutDate, 1);
      await sleepUntil(addDays(due1, -3));
      const open = (await openInvoiceItems(db, t.loanId)).filter((i) => i.id === '1');
      expect(open).toHaveLength(1);
      await payToLoan(env, db, taskQueue, {
        loanId: t.loanId,
        amount: formatAmount(totalRemaining(open)),
        paymentDate: addDays(due1, -3),
        bankReference: `own:${t.loanId}:1`,
      });
      await sleepUntil(addDays(due1, 2));
    });
    expect(await listDrawsOfLoan(db, terms.loanId)).toEqual([]);
    expect(await sandbox.sandbox.directDebit.listDraws({ mandate })).toEqual([]);
    const invoices = await listInvoices(db, terms.loanId);
    expect(invoices.find((i) => i.number === 1)?.status).toBe('PAID');
    const payments = await db.selectFrom('payments').selectAll().where('loan_id', '=', terms.loanId).execute();
    expect(payments).toHaveLength(1);
    expect((payments[0]!.allocation as { excess: string }).excess).toBe('0.00');
    await expectLedgerBalanced(db);
  });
});
