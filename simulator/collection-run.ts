/**
 * The collection part of a simulation (R-COLL-1…9): when the scenario has a debtor, the runner
 * lets the loan run to its handover, starts the simulated debtor (workflows/simulated-debtor.ts)
 * on the case, and follows the case until it ends (paid, enforcement, written off) or the
 * scenario's end. The case's timeline and claim are then read from PostgreSQL, never from the
 * workflow's state.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { caseLedgerLines, listCaseEvents } from '../db/collection-case-repository';
import type { Db } from '../db/database';
import { claimFromLines, claimView, type ClaimView } from '../domain/collection';
import { addMonths, compareDates, daysBetween, type IsoDate, stockholmDate } from '../domain/dates';
import { collectionCaseWorkflowId } from '../workflows/collection-case-messages';
import { type DebtorActRecord, simulatedDebtorWorkflow } from '../workflows/simulated-debtor';
import type { ScenarioDebtor } from './debtor';
import { type RunHistory, workflowChain } from './history';
import type { WorkflowChainOutput } from './output-document';
import { chainOutput } from './output';

/** Months after the case opened that "untilClosed" follows an open case before giving up. */
export const CASE_HORIZON_MONTHS = 36;

export interface StartedDebtor {
  caseId: string;
  caseNumber: string;
  openedOn: IsoDate;
  debtor: WorkflowHandle<typeof simulatedDebtorWorkflow>;
  caseFirstRunId: string;
}

const caseOfLoan = (db: Db, loanId: string) =>
  db.selectFrom('collection_cases').selectAll().where('loan_id', '=', loanId).executeTakeFirst();

/**
 * Waits (in skipped time) for the loan workflow to end; when it handed the loan over, starts the
 * debtor on the case. Undefined when the loan ended otherwise.
 */
export async function startDebtorAtHandover(
  env: TestWorkflowEnvironment,
  db: Db,
  input: { loanId: string; loanWorkflowId: string; taskQueue: string; debtor: ScenarioDebtor },
): Promise<StartedDebtor | undefined> {
  const loan = env.client.workflow.getHandle(input.loanWorkflowId);
  const { status } = (await loan.result()) as { status: string };
  const row = await caseOfLoan(db, input.loanId);
  if (status !== 'IN_COLLECTION' || !row?.case_number) return undefined;
  const caseHandle = env.client.workflow.getHandle(collectionCaseWorkflowId(row.case_number));
  const { runId } = await caseHandle.describe();
  const debtor = await env.client.workflow.start(simulatedDebtorWorkflow, {
    taskQueue: input.taskQueue,
    workflowId: `simulated-debtor-${row.case_number}-${randomUUID().slice(0, 8)}`,
    args: [{ caseId: row.id, caseNumber: row.case_number, openedOn: row.opened_on, acts: input.debtor.acts }],
  });
  return { caseId: row.id, caseNumber: row.case_number, openedOn: row.opened_on, debtor, caseFirstRunId: runId };
}

/**
 * Follows the case a month of skipped time at a time until it has ended and the debtor is done,
 * or until `until` (the scenario's end, else the horizon). Returns the last simulated date.
 */
export async function followCase(
  env: TestWorkflowEnvironment,
  db: Db,
  started: StartedDebtor,
  until?: IsoDate,
): Promise<{ endedOn: IsoDate; endedBy: 'case-ended' | 'until' | 'horizon' }> {
  const last = until ?? addMonths(started.openedOn, CASE_HORIZON_MONTHS);
  const endOf = (date: IsoDate) => Date.parse(`${date}T21:00:00Z`);
  for (;;) {
    const now = stockholmDate(new Date(await env.currentTimeMs()));
    const row = await caseOfLoanById(db, started.caseId);
    const debtorDone = (await started.debtor.describe()).status.name !== 'RUNNING';
    if (row.status !== 'OPEN' && debtorDone) return { endedOn: row.closed_on ?? now, endedBy: 'case-ended' };
    if (compareDates(now, last) >= 0) return { endedOn: last, endedBy: until ? 'until' : 'horizon' };
    const step = Math.min(endOf(addMonths(now, 1)), endOf(last)) - (await env.currentTimeMs());
    if (step > 0) await env.sleep(step);
  }
}

const caseOfLoanById = (db: Db, caseId: string) =>
  db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();

/** What the simulation adds about the case: its timeline and claim from PostgreSQL, the debtor's acts. */
export interface CollectionCaseOutput {
  caseNumber: string;
  ocr: string;
  openedOn: IsoDate;
  status: string;
  stage: string | null;
  closedOn: IsoDate | null;
  enforcementReference: string | null;
  /** R-COLL-1: the claim the ledger holds under the case at the end (default interest posted to the last read). */
  claimAtEnd: ClaimView;
  /** The case's timeline: every step recorded, oldest first. */
  timeline: { date: IsoDate; kind: string; detail: unknown }[];
  /** What the simulated debtor (and operator) did, and what the case answered. */
  debtor: { preset: string | null; acts: DebtorActRecord[] };
  /** The case workflow's history, and the wall time from the handover to the end (set by the runner). */
  temporal: WorkflowChainOutput & { caseMonths: number; eventsPerCaseMonth: number; wallSeconds?: number };
}

/** Stops what still runs at the end of the simulated period (a workflow left running would hold the clock). */
export async function stopCaseRun(started: StartedDebtor, client: TestWorkflowEnvironment['client'], notes: string[]) {
  for (const [handle, what] of [
    [started.debtor, 'the simulated debtor'],
    [client.workflow.getHandle(collectionCaseWorkflowId(started.caseNumber)), 'the collection case workflow'],
  ] as const) {
    if ((await handle.describe()).status.name !== 'RUNNING') continue;
    await handle.terminate('the simulated period ended');
    notes.push(`${what} was still running at the end; the simulator terminated it there`);
  }
}

export async function collectionCaseOutput(
  db: Db,
  client: TestWorkflowEnvironment['client'],
  started: StartedDebtor,
  debtor: ScenarioDebtor,
  endedOn: IsoDate,
): Promise<{ output: CollectionCaseOutput; runs: RunHistory[] }> {
  const row = await caseOfLoanById(db, started.caseId);
  const [events, lines, runs] = await Promise.all([
    listCaseEvents(db, started.caseId),
    caseLedgerLines(db, started.caseId),
    workflowChain(client, collectionCaseWorkflowId(started.caseNumber), started.caseFirstRunId),
  ]);
  const debtorState = (await started.debtor.describe()).status.name;
  const acts = debtorState === 'COMPLETED' ? await started.debtor.result() : [];
  const caseState = (await client.workflow.getHandle(collectionCaseWorkflowId(started.caseNumber)).describe()).status
    .name;
  const lastDay = row.closed_on ?? endedOn;
  const caseMonths = Math.max(daysBetween(row.opened_on, lastDay) / (365.25 / 12), 1 / 30);
  const chain = chainOutput(collectionCaseWorkflowId(started.caseNumber), caseState, runs);
  return {
    runs,
    output: {
      caseNumber: started.caseNumber,
      ocr: row.ocr_reference!,
      openedOn: row.opened_on,
      status: row.status,
      stage: row.stage,
      closedOn: row.closed_on,
      enforcementReference: row.enforcement_reference,
      claimAtEnd: claimView(claimFromLines(lines)),
      timeline: events.map((e) => ({ date: e.date, kind: e.kind, detail: e.detail })),
      debtor: { preset: debtor.preset ?? null, acts },
      temporal: {
        ...chain,
        caseMonths: Math.round(caseMonths * 100) / 100,
        eventsPerCaseMonth: Math.round((chain.historyEvents / caseMonths) * 10) / 10,
      },
    },
  };
}
