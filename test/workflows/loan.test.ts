import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findLoan, listInvoices, listPayments } from '../../db/loan-repository';
import { addDays } from '../../domain/dates';
import { customerDebt } from '../../domain/ledger';
import { Decimal } from '../../domain/money';
import { buildSchedule, installmentDueDate } from '../../domain/schedule';
import { workflowChain } from '../../simulator/history';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflowSummary } from '../../workflows/loan';
import { newLoanTerms, startLoanWithBorrower } from '../support/loans';
import { expectLedgerBalanced } from '../support/ledger';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

describe('loan workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  const terms = (overrides: Partial<LoanTerms> = {}) =>
    newLoanTerms(env, { termMonths: 120, noticeChannel: 'e-invoice', ...overrides });

  it('R-LOAN-1/2, R-PROD-3: a 10-year loan paid on time invoices exactly the quote’s schedule and closes at 0.00', async () => {
    const t = await terms();
    const taskQueue = `loan-${t.loanId}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    const wallStart = Date.now();
    const { result, runs } = await worker.runUntil(async () => {
      const { loan, borrower } = await startLoanWithBorrower(env, taskQueue, t, { daysBeforeDue: 5 });
      const result = await loan.result();
      expect(await borrower.result()).toBe(120);
      return { result, runs: await workflowChain(env.client, loan.workflowId, loan.firstExecutionRunId) };
    });
    const wallSeconds = (Date.now() - wallStart) / 1000;

    expect(result.status).toBe('CLOSED');
    const schedule = buildSchedule({
      amount: new Decimal(t.amount),
      termMonths: t.termMonths,
      nominalRatePercent: new Decimal(t.nominalRatePercent),
      noticeChannel: t.noticeChannel,
      payoutDate: t.payoutDate,
    });
    const invoices = await listInvoices(db, t.loanId);
    expect(invoices).toHaveLength(120);
    for (const [i, invoice] of invoices.entries()) {
      const planned = schedule.installments[i]!;
      expect({
        number: invoice.number,
        dueDate: invoice.due_date,
        total: invoice.total,
        status: invoice.status,
      }).toEqual({
        number: planned.number,
        dueDate: planned.dueDate,
        total: planned.total.toFixed(2),
        status: 'PAID',
      });
      const line = (kind: string) => invoice.lines.find((l) => l.kind === kind)?.amount;
      expect(line('principal')).toBe(planned.principal.toFixed(2));
      expect(line('interest')).toBe(planned.interest.toFixed(2));
      expect(invoice.paid_date! <= invoice.due_date).toBe(true);
      expect(invoice.late_fee_charged_on).toBeNull();
    }
    expect(await listPayments(db, t.loanId)).toHaveLength(120);
    const loan = await findLoan(db, t.loanId);
    expect(loan?.status).toBe('CLOSED');
    expect(customerDebt(await loanAccountBalances(db, t.loanId)).toFixed(2)).toBe('0.00');
    expect(runs.length).toBeGreaterThanOrEqual(10); // continue-as-new per loan-year
    for (const run of runs) expect(run.historyEvents).toBeLessThan(10_240); // far from Temporal's warning limit
    expect(wallSeconds).toBeLessThan(300); // guards against real-time waits, not a speed target
    await expectLedgerBalanced(db);
  });

  it('a worker restart in the middle of a month loses nothing: every invoice once, every payment once', async () => {
    const t = await terms({ termMonths: 24, noticeChannel: 'paper' });
    const taskQueue = `loan-${t.loanId}`;
    const first = await createTestWorker({ connection: env.nativeConnection, taskQueue, db, noCache: true });
    const loan = await first.runUntil(async () => {
      const { loan: handle } = await startLoanWithBorrower(env, taskQueue, t, { daysBeforeDue: 5 });
      // Into month 3: invoice 3 issued, not yet due or paid.
      const midMonth = Date.parse(`${addDays(installmentDueDate(t.payoutDate, 3), -10)}T12:00:00Z`);
      await env.sleep(midMonth - (await env.currentTimeMs()));
      // Operators see the loan in the Temporal UI: its summary and what it does now, no personal data.
      expect(await (await handle.describe()).staticSummary()).toBe(loanWorkflowSummary(t));
      const metadata = await handle.query<{ currentDetails?: string | null }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toMatch(/^\*\*ACTIVE\*\* — waiting until \d{4}-\d{2}-\d{2}$/);
      expect(metadata.currentDetails).not.toContain(t.customerId);
      return handle;
    });
    expect((await listInvoices(db, t.loanId)).map((i) => i.status)).toEqual(['PAID', 'PAID', 'OPEN']);

    // A new worker process picks the loan up where the old one stopped.
    const second = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    const result = await second.runUntil(loan.result());
    expect(result.status).toBe('CLOSED');
    const invoices = await listInvoices(db, t.loanId);
    expect(invoices.map((i) => i.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(invoices.every((i) => i.status === 'PAID' && i.late_fee_charged_on === null)).toBe(true);
    expect(await listPayments(db, t.loanId)).toHaveLength(24);
    expect(customerDebt(await loanAccountBalances(db, t.loanId)).toFixed(2)).toBe('0.00');
    await expectLedgerBalanced(db);
  });
});
