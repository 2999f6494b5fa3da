/**
 * Runs one scenario: the real loan workflow and activities, a simulated borrower, the time-skipping
 * test server and real PostgreSQL, then reads the result back from PostgreSQL.
 *
 * Payout date: the time-skipping server's clock starts at the real current time and only moves
 * forward. A payout date in the future is reached by sleeping the environment (instant, skipped
 * time) before the loan starts; a payout date before the server's today is refused (exit code 2 in
 * the CLI), because the loan's timers would all be in the past and fire at once, out of order with
 * the borrower. Omitting `loan.payoutDate` means "today on the simulation clock".
 *
 * The loan's actions (rate change, payment-free month, early repayment, withdrawal) are played by
 * simulator/actions.ts as the loan workflow's updates, each at 10:00 UTC of its date (after that
 * day's loan and borrower events); a refusal is recorded in the output with its reason.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { createSandboxAdapters, type SandboxAdapterSet } from '../adapters';
import type { Db } from '../db/database';
import { addMonths, compareDates, type IsoDate, stockholmDate } from '../domain/dates';
import { installmentDueDate } from '../domain/schedule';
import type { NoticeChannel } from '../domain/product';
import { createToolWorker, TOOL_WORKFLOWS_PATH } from '../workers/create-worker';
import { LATE_INVOICE_SWEEP_ID, lateInvoiceSweepWorkflow } from '../workflows/late-invoice-sweep';
import { stopLateInvoiceSweep } from '../workers/late-invoice-sweep';
import type { LoanTerms } from '../domain/loan-terms';
import { loanWorkflow } from '../workflows/loan';
import { refundWorkflowId } from '../workflows/refund-messages';
import { loanWorkflowId } from '../workflows/loan-messages';
import { type SimulatedBorrowerInput, simulatedBorrowerWorkflow } from '../workflows/simulated-borrower';
import { type ActionRecord, loanActions, playAction } from './actions';
import { EnforcementHttpClient, EnforcementSandbox } from '../adapters/enforcement';
import {
  collectionCaseOutput,
  followCase,
  type StartedDebtor,
  startDebtorAtHandover,
  stopCaseRun,
} from './collection-run';
import { createDebtorActivities } from './debtor-activities';
import { giveSimulatedMandate } from './autogiro';
import { unsupportedEventIssues } from './capabilities';
import { type RunHistory, workflowChain } from './history';
import { assembleOutput, chainOutput } from './output';
import type { SimulationOutput } from './output-document';
import { type Scenario, ScenarioError, type ScenarioIssue } from './scenario';

export interface SimulationContext {
  /** A time-skipping environment (startTimeSkippingServer). */
  env: TestWorkflowEnvironment;
  /** A migrated database; the simulator only adds rows for its own loan. */
  db: Db;
  /** The converter the environment's client uses (workers must use the same). */
  dataConverter: DataConverter;
  /** A prebuilt workflow bundle (`bundleWorkflows()`); built on each run when absent. */
  workflowBundle?: { code: string };
  /** External systems (sandbox doubles) for the worker; a run with a complaint starts its own when absent. */
  adapters?: SandboxAdapterSet;
  /** Progress lines (the CLI writes them to stderr). */
  log?: (message: string) => void;
  /** For the worker that runs the scenario (the loan benchmark times local activities with one). */
  workerInterceptors?: WorkerOptions['interceptors'];
  /** R-COLL-3: the enforcement authority's URL; a run with a debtor starts its own double when absent. */
  enforcementUrl?: string;
}

/** Months after the last due date that "untilClosed" waits before giving up (loan never closes). */
export const UNTIL_CLOSED_HORIZON_MONTHS = 12;

/** The simulated day ends after the loan's (05:00 UTC) and the borrower's (09:00 UTC…) events. */
function endOfDay(date: IsoDate): number {
  return Date.parse(`${date}T21:00:00Z`);
}

/** A scenario's action on the loan happens after that day's loan (05:00 UTC) and borrower (09:00 UTC…) events. */
function actionInstant(date: IsoDate): number {
  return Date.parse(`${date}T10:00:00Z`);
}

/** Bundles the workflows once, for callers that run many scenarios (the bench, the tests). */
export async function bundleWorkflows(): Promise<{ code: string }> {
  const noop = () => undefined;
  const logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath: TOOL_WORKFLOWS_PATH, logger });
  return { code };
}

export function borrowerInput(scenario: Scenario, loanId: string, payoutDate: IsoDate): SimulatedBorrowerInput {
  const stop = scenario.events.find((e) => e.type === 'stop-paying');
  // R-LOAN-6: each payment-free month extends the term by one installment; the borrower pays those too.
  const paymentFreeMonths = scenario.events.filter((e) => e.type === 'payment-free-month').length;
  return {
    loanId,
    payoutDate,
    termMonths: scenario.loan.termMonths + paymentFreeMonths,
    ...('never' in scenario.borrower && scenario.borrower.never
      ? { never: true }
      : { daysBeforeDue: scenario.borrower.paysDaysBeforeDue ?? 0 }),
    missInvoices: scenario.events.flatMap((e) => (e.type === 'miss-invoice' ? [e.invoice] : [])),
    ...(stop ? { stopFromInvoice: stop.fromInvoice } : {}),
    payments: scenario.events.flatMap((e) =>
      e.type === 'payment'
        ? [{ amount: e.amount, date: e.date, ...(e.registeredOn ? { registeredOn: e.registeredOn } : {}) }]
        : [],
    ),
  };
}

async function stateAtEnd(ctx: SimulationContext, workflowId: string): Promise<{ state: string; closedOn?: IsoDate }> {
  const d = await ctx.env.client.workflow.getHandle(workflowId).describe();
  return { state: d.status.name, closedOn: d.closeTime ? stockholmDate(d.closeTime) : undefined };
}

/**
 * What the runner refuses before starting anything: events the loan workflow cannot take yet, and
 * dates before the simulation clock's `today` (the CLI checks with the wall clock, which is where
 * a fresh time-skipping server starts; the runner checks again with the server's clock).
 */
export function preflightIssues(scenario: Scenario, today: IsoDate): ScenarioIssue[] {
  const issues = unsupportedEventIssues(scenario);
  const payoutDate = scenario.loan.payoutDate ?? today;
  if (compareDates(payoutDate, today) < 0)
    issues.push({
      field: 'loan.payoutDate',
      message: `${payoutDate} is before the simulation clock's today (${today}); the time-skipping server cannot go back in time: use ${today} or later, or omit it`,
    });
  else if (scenario.end.until && compareDates(scenario.end.until, payoutDate) < 0)
    issues.push({ field: 'end.until', message: `must not be before the payout date ${payoutDate}` });
  return issues;
}

export interface SimulationResult {
  output: SimulationOutput;
  /** Every run's history with event counts by type (the bench's breakdown). */
  histories: { loan: RunHistory[]; borrower: RunHistory[]; collectionCase: RunHistory[] };
}

export async function runScenario(
  ctx: SimulationContext,
  scenario: Scenario,
  options: { loanId?: string } = {},
): Promise<SimulationResult> {
  const log = ctx.log ?? (() => undefined);
  const today = stockholmDate(new Date(await ctx.env.currentTimeMs()));
  const refused = preflightIssues(scenario, today);
  if (refused.length > 0) throw new ScenarioError(refused);
  const notes: string[] = [];
  const payoutDate = scenario.loan.payoutDate ?? today;
  if (!scenario.loan.payoutDate) notes.push(`loan.payoutDate omitted: the simulation clock's today (${today})`);
  const horizon = addMonths(installmentDueDate(payoutDate, scenario.loan.termMonths), UNTIL_CLOSED_HORIZON_MONTHS);
  const endDate = scenario.end.until ?? horizon;

  // Reach the payout date first (skipped time: instant).
  const payoutInstant = Date.parse(`${payoutDate}T03:00:00Z`);
  const before = payoutInstant - (await ctx.env.currentTimeMs());
  if (before > 0) {
    log(`skipping the clock forward to the payout date ${payoutDate}`);
    await ctx.env.sleep(before);
  }

  const loanId = options.loanId ?? randomUUID();
  const terms: LoanTerms = {
    loanId,
    contractNumber: String(randomInt(100_000_000, 999_999_999)),
    customerId: `simulated-customer-${loanId}`,
    amount: scenario.loan.amount,
    termMonths: scenario.loan.termMonths,
    nominalRatePercent: scenario.loan.nominalRatePercent,
    noticeChannel: scenario.loan.noticeChannel as NoticeChannel,
    payoutDate,
  };
  const taskQueue = `simulation-${loanId}`;
  // A complaint tells the complaints officer by email (R-LOAN-9); autogiro draws through the
  // direct-debit double (R-PAY-3); a payment, withdrawal or early repayment can leave the loan owing
  // the borrower, who is then refunded through the (sandbox) bank (R-PAY-4); so can a debtor's
  // payment of a stated amount beyond the case's claim (R-COLL-9).
  const needsAdapters =
    !!scenario.borrower.autogiro ||
    scenario.events.some((e) => ['complaint', 'payment', 'withdrawal', 'early-repayment'].includes(e.type)) ||
    !!scenario.debtor?.acts.some((a) => a.type === 'pay' && a.amount !== 'all');
  const ownAdapters = !ctx.adapters && needsAdapters ? await createSandboxAdapters() : undefined;
  const adapters = ctx.adapters ?? ownAdapters;
  // R-COLL-3: a case the debtor leaves unpaid applies to the enforcement authority (a recording double).
  const ownEnforcement = scenario.debtor && !ctx.enforcementUrl ? await EnforcementSandbox.start() : undefined;
  const enforcementUrl = ctx.enforcementUrl ?? ownEnforcement?.url;
  const worker = await createToolWorker({
    connection: ctx.env.nativeConnection,
    namespace: ctx.env.namespace ?? 'default',
    taskQueue,
    dataConverter: ctx.dataConverter,
    deps: {
      db: ctx.db,
      ...(adapters ? { adapters: adapters.adapters } : {}),
      ...(enforcementUrl ? { enforcement: new EnforcementHttpClient({ baseUrl: enforcementUrl }) } : {}),
    },
    workflowBundle: ctx.workflowBundle ?? (await bundleWorkflows()),
    interceptors: ctx.workerInterceptors,
    toolActivities: { ...createDebtorActivities(ctx.db, adapters?.adapters.bureau) },
  });

  const client = ctx.env.client;
  const loanWfId = loanWorkflowId(loanId);
  const borrowerWfId = `simulated-borrower-${loanId}`;
  log(`simulating loan ${loanId} from ${payoutDate} ${scenario.end.until ? `until ${endDate}` : 'until closed'}`);

  const wallStart = process.hrtime.bigint();
  const collected = await worker
    .runUntil(async () => {
      // The book's late-invoice sweep (R-LOAN-3), on this run's task queue, unless one runs already.
      const sweep = await client.workflow
        .start(lateInvoiceSweepWorkflow, { taskQueue, workflowId: LATE_INVOICE_SWEEP_ID, args: [{}] })
        .catch((error: unknown) => {
          if (error instanceof WorkflowExecutionAlreadyStartedError) return undefined;
          throw error;
        });
      await recordSimulatedAccount(ctx.db, terms);
      const loan = await client.workflow.start(loanWorkflow, {
        taskQueue,
        workflowId: loanWfId,
        args: [{ terms }],
      });
      // R-PAY-3: the borrower's autogiro mandate, active from payout.
      if (scenario.borrower.autogiro && adapters) {
        await giveSimulatedMandate(
          { db: ctx.db, client, adapters },
          terms,
          scenario.borrower.autogiro.refuseInvoices ?? [],
        );
      }
      const borrower = await client.workflow.start(simulatedBorrowerWorkflow, {
        taskQueue,
        workflowId: borrowerWfId,
        args: [borrowerInput(scenario, loanId, payoutDate)],
      });
      // The loan's actions (R-LOAN-5…8) on their dates, after that day's loan and borrower events.
      const actions: ActionRecord[] = [];
      for (const action of loanActions(scenario)) {
        if (compareDates(action.date, endDate) > 0) {
          notes.push(
            `events[${action.event}] (${action.kind} on ${action.date}) is after the simulated period: not played`,
          );
          continue;
        }
        const wait = actionInstant(action.date) - (await ctx.env.currentTimeMs());
        if (wait > 0) await ctx.env.sleep(wait);
        const record = await playAction({ env: ctx.env, db: ctx.db, loanId, taskQueue, log }, action);
        log(
          `${action.date}: ${action.kind} ${record.outcome}${record.outcome === 'refused' ? `: ${record.reason}` : ''}`,
        );
        if (record.outcome === 'refused')
          notes.push(`events[${action.event}] (${action.kind} on ${action.date}) was refused: ${record.reason}`);
        actions.push(record);
      }

      // R-COLL-2…7: with a debtor, the loan runs to its handover and the case is followed to its end.
      let started: StartedDebtor | undefined;
      let caseEnd: Awaited<ReturnType<typeof followCase>> | undefined;
      let caseWallSeconds = 0;
      if (scenario.debtor) {
        started = await startDebtorAtHandover(ctx.env, ctx.db, {
          loanId,
          loanWorkflowId: loanWfId,
          taskQueue,
          debtor: scenario.debtor,
        });
        if (!started) notes.push('the loan was not handed over to collection: the debtor had nothing to do');
        else {
          log(
            `case ${started.caseNumber} opened ${started.openedOn}: the debtor plays ${scenario.debtor.preset ?? 'the scenario'}`,
          );
          const caseStart = process.hrtime.bigint();
          caseEnd = await followCase(ctx.env, ctx.db, started, scenario.end.until);
          caseWallSeconds = Number(process.hrtime.bigint() - caseStart) / 1e9;
        }
      }
      if (!started) {
        // Skipped time: the server fires every timer up to the end, waiting for each workflow task and
        // activity it causes, so on return everything due by then has happened.
        const remaining = endOfDay(endDate) - (await ctx.env.currentTimeMs());
        if (remaining > 0) await ctx.env.sleep(remaining);
      }
      const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
      const collectionCase =
        started && caseEnd && scenario.debtor
          ? await collectionCaseOutput(ctx.db, client, started, scenario.debtor, caseEnd.endedOn)
          : undefined;
      if (started) await stopCaseRun(started, client, notes);

      const loanEnd = await stateAtEnd(ctx, loanWfId);
      const borrowerEnd = await stateAtEnd(ctx, borrowerWfId);
      for (const [id, state, what] of [
        [loanWfId, loanEnd.state, 'loan'],
        [borrowerWfId, borrowerEnd.state, 'borrower'],
      ] as const) {
        if (state !== 'RUNNING') continue;
        await client.workflow.getHandle(id).terminate('the simulated period ended');
        if (what === 'loan')
          notes.push(`the loan workflow was still running on ${endDate}; the simulator terminated it there`);
      }
      // Complaints still waiting for an answer stop with the simulated period.
      for (const a of actions) {
        if (a.kind !== 'complaint' || a.outcome !== 'accepted') continue;
        const handle = client.workflow.getHandle(a.workflowId);
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('the simulated period ended');
      }
      // A refund still waiting for an operator (R-PAY-4) stops with the simulated period.
      for (const { id } of await ctx.db.selectFrom('refunds').select('id').where('loan_id', '=', loanId).execute()) {
        const handle = client.workflow.getHandle(refundWorkflowId(id));
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('the simulated period ended');
      }
      // The sweep this run started stops with its worker.
      // (Stopped, not terminated: the time-skipping server keeps a terminated timer's hold on the clock.)
      if (sweep) await stopLateInvoiceSweep(client);
      return {
        actions,
        wallSeconds,
        collectionCase: collectionCase && {
          ...collectionCase,
          wallSeconds: caseWallSeconds,
          endedOn: caseEnd!.endedOn,
          endedBy: caseEnd!.endedBy,
        },
        loanState: loanEnd.state,
        loanEndedOn: loanEnd.closedOn,
        borrowerState: borrowerEnd.state,
        loanRuns: await workflowChain(client, loanWfId, loan.firstExecutionRunId),
        borrowerRuns: await workflowChain(client, borrowerWfId, borrower.firstExecutionRunId),
      };
    })
    .finally(async () => {
      await ownAdapters?.stop();
      await ownEnforcement?.close();
    });

  const closed = collected.loanState === 'COMPLETED';
  if (!closed && collected.loanState !== 'RUNNING')
    notes.push(`the loan workflow ended as ${collected.loanState}: see its history in the Temporal UI or logs above`);
  if (!closed && !scenario.end.until)
    notes.push(
      `untilClosed: the loan had not ended ${UNTIL_CLOSED_HORIZON_MONTHS} months after its last due date (${horizon}); stopped there`,
    );
  const output = await assembleOutput(ctx.db, {
    loanId,
    description: scenario.description,
    simulated: {
      from: payoutDate,
      to: endDate,
      endedBy: closed ? 'loan-ended' : scenario.end.until ? 'until' : 'horizon',
    },
    temporal: {
      wallSeconds: Math.round(collected.wallSeconds * 100) / 100,
      ...chainOutput(loanWfId, collected.loanState, collected.loanRuns),
      borrower: chainOutput(borrowerWfId, collected.borrowerState, collected.borrowerRuns),
    },
    notes,
    actions: collected.actions,
  });
  if (closed) output.simulated.to = output.loan.closedOn ?? collected.loanEndedOn ?? endDate;
  const caseRun = collected.collectionCase;
  if (caseRun) {
    output.collectionCase = {
      ...caseRun.output,
      temporal: { ...caseRun.output.temporal, wallSeconds: round2(caseRun.wallSeconds) },
    };
    output.simulated = { ...output.simulated, to: caseRun.endedOn, endedBy: caseRun.endedBy };
  }
  return {
    output,
    histories: { loan: collected.loanRuns, borrower: collected.borrowerRuns, collectionCase: caseRun?.runs ?? [] },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** The account a simulated borrower states (R-APP-9), where a refund is paid (R-PAY-4): a sandbox account. */
export const SIMULATED_ACCOUNT = { clearingNumber: '8327', accountNumber: '9412345678' };

/** As a paid-out application leaves it: the application's payout account, linked to the loan. */
async function recordSimulatedAccount(db: Db, terms: LoanTerms): Promise<void> {
  const now = new Date();
  await db
    .insertInto('applications')
    .values({
      id: `simulation-${terms.loanId}`,
      reference: `simulation-${terms.loanId}`,
      workflow_id: `simulation-${terms.loanId}`,
      contract_number: terms.contractNumber,
      created_by: 'customer',
      status: 'PAID_OUT',
      step: 'simulated',
      amount: terms.amount,
      term_months: terms.termMonths,
      notice_channel: terms.noticeChannel,
      payout_account: JSON.stringify(SIMULATED_ACCOUNT),
      consolidation_loans: '[]',
      loan_id: terms.loanId,
      state_version: 1,
      created_at: now,
      valid_until: now,
      updated_at: now,
    } as never)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
