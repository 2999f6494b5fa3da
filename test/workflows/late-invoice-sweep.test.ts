import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { listInvoices } from '../../db/loan-repository';
import { addBankingDays, bankingDayOnOrAfter, lastBankingDayOfMonthOf } from '../../domain/calendar';
import { lateFeeChargeDate } from '../../domain/invoicing';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { addMonths, firstOfMonth, stockholmDate } from '../../domain/dates';
import { installmentDueDate } from '../../domain/schedule';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { LATE_INVOICE_SWEEP_ID, SWEEPS_PER_RUN } from '../../workflows/late-invoice-sweep';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, startLoanWithBorrower } from '../support/loans';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

const { EventType } = temporal.api.enums.v1;

describe('late-invoice sweep (R-LOAN-3) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  it('R-LOAN-3, R-PAY-1: sweeps each month once after the settlement lag, tells the late loan, and continues as new after a year of sweeps', async () => {
    const terms = await newLoanTerms(env);
    const taskQueue = `q-${terms.loanId}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    const months = SWEEPS_PER_RUN + 2;
    const firstRunId = await worker.runUntil(async () => {
      await startLoanWithBorrower(env, taskQueue, terms, { daysBeforeDue: 3, missInvoices: [1] });
      const { runId } = await env.client.workflow.getHandle(LATE_INVOICE_SWEEP_ID).describe();
      const end = Date.parse(`${addMonths(terms.payoutDate, months)}T12:00:00Z`);
      await env.sleep(end - (await env.currentTimeMs()));
      return runId;
    }); // the test worker stops the sweep with its signal before it stops

    const runs: { status: string; events: temporal.api.history.v1.IHistoryEvent[] }[] = [];
    let runId: string | undefined = firstRunId;
    while (runId) {
      const handle: WorkflowHandle = env.client.workflow.getHandle(LATE_INVOICE_SWEEP_ID, runId);
      const { status } = await handle.describe();
      const events: temporal.api.history.v1.IHistoryEvent[] = (await handle.fetchHistory()).events ?? [];
      runs.push({ status: status.name, events });
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runs.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'COMPLETED']);

    // Each sweep is one timer to 05:00 UTC of a month's first banking day: consecutive months, none twice.
    const timersFired = (run: (typeof runs)[number]) =>
      run.events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    expect(timersFired(runs[0]!)).toHaveLength(SWEEPS_PER_RUN);
    const sweptOn = runs.flatMap(timersFired).map((e) => stockholmDate(new Date(Number(e.eventTime!.seconds) * 1000)));
    expect(sweptOn.length).toBeGreaterThanOrEqual(months - 1);
    // R-PAY-1: each month's sweep waits for the settlement lag after the month-end due date.
    const sweepDay = (month: string) => lateFeeChargeDate(lastBankingDayOfMonthOf(addMonths(month, -1)));
    const firstMonth = firstOfMonth(sweptOn[0]!);
    expect(sweptOn).toEqual(sweptOn.map((_, k) => sweepDay(addMonths(firstMonth, k))));
    expect(sweptOn[0]).toBe(
      addBankingDays(bankingDayOnOrAfter(firstMonth), DEFAULT_PRODUCT.loan.settlementLagBankingDays),
    );

    // Invoice 1 was missed, so each later payment settles the oldest invoice first (R-LOAN-2) and
    // one installment is late every month: each sweep from the first banking day after due date 1
    // tells the loan once, and each telling charges that month's late fee.
    // The sweep reads the whole book: loans that other test files left late in the shared database
    // are told too, rightly; this loan must be told exactly once per sweep after its due date.
    const toldLoans = runs
      .flatMap((run) =>
        run.events.flatMap(
          (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId ?? [],
        ),
      )
      .filter((workflowId) => workflowId === loanWorkflowId(terms.loanId));
    const firstLate = lateFeeChargeDate(installmentDueDate(terms.payoutDate, 1));
    expect(toldLoans).toEqual(sweptOn.filter((d) => d >= firstLate).map(() => loanWorkflowId(terms.loanId)));
    const lateFeeDates = (await listInvoices(db, terms.loanId)).flatMap((i) => i.late_fee_charged_on ?? []);
    expect(lateFeeDates[0]).toBe(firstLate);
    expect(lateFeeDates).toEqual(sweptOn.filter((d) => d >= firstLate));
    await expectLedgerBalanced(db);
  });
});
