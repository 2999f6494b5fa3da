/**
 * What the collection case's workflow tests share on the time-skipping server: the servers, a loan
 * that stops paying and is handed over to collection (R-LOAN-3, R-COLL-1), the case's row, events
 * and claim, and payments to the case through the payment path.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { EnforcementHttpClient, EnforcementSandbox } from '../../adapters/enforcement';
import { caseLedgerLines, type CollectionCaseRow, listCaseEvents } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { findLoan, registerPayment } from '../../db/loan-repository';
import { claimFromLines, claimOn, claimTotal } from '../../domain/collection';
import { type IsoDate, stockholmDate } from '../../domain/dates';
import type { LoanTerms } from '../../domain/loan-terms';
import { Decimal } from '../../domain/money';
import { collectionCaseWorkflowId } from '../../workflows/collection-case-messages';
import { eventually } from './api';
import { applyThroughPaymentWorkflow, newLoanTerms, startLoanWithBorrower } from './loans';
import { createTestWorker, useTimeSkippingServer } from './temporal';

export interface CaseServers {
  env: TestWorkflowEnvironment;
  db: Db;
  /** R-COLL-3: the enforcement authority's sandbox the case hands over to. */
  enforcement: EnforcementSandbox;
}

/**
 * The time-skipping server, the WORKFLOWS database and an enforcement sandbox for the calling
 * describe block: the returned object's fields are filled before its tests run, and stopped after.
 */
export function useCaseServers(): CaseServers {
  const s = {} as CaseServers;
  useTimeSkippingServer((env, db) => Object.assign(s, { env, db }));
  beforeAll(async () => {
    s.enforcement = await EnforcementSandbox.start();
  });
  afterAll(async () => {
    await s.enforcement?.close();
  });
  return s;
}

/** A test worker on `taskQueue` that hands cases over to the enforcement sandbox. */
export function caseWorker(
  s: CaseServers,
  taskQueue: string,
  options: Omit<Parameters<typeof createTestWorker>[0], 'connection' | 'taskQueue' | 'db' | 'enforcement'> = {},
): Promise<Worker> {
  return createTestWorker({
    connection: s.env.nativeConnection,
    taskQueue,
    db: s.db,
    enforcement: new EnforcementHttpClient({ baseUrl: s.enforcement.url }),
    ...options,
  });
}

/** The simulated day (Stockholm). */
export async function simulatedToday(env: TestWorkflowEnvironment): Promise<IsoDate> {
  return stockholmDate(new Date(await env.currentTimeMs()));
}

/** Lets simulated time pass until noon (Stockholm) of `date`. */
export async function sleepUntil(env: TestWorkflowEnvironment, date: IsoDate): Promise<void> {
  const target = Date.parse(`${date}T11:00:00Z`);
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

/** The case's row as it is now. */
export function caseRow(db: Db, caseId: string): Promise<CollectionCaseRow> {
  return db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
}

/** The kinds of the case's events, in order. */
export async function caseEventKinds(db: Db, caseId: string): Promise<string[]> {
  return (await listCaseEvents(db, caseId)).map((e) => e.kind);
}

/** A probe for `eventually`: true once the case has an event of `kind`. */
export function hasCaseEvent(db: Db, caseId: string, kind: string): () => Promise<true | undefined> {
  return async () => ((await caseEventKinds(db, caseId)).includes(kind) ? true : undefined);
}

/** The case workflow's handle, by the case's number as it is now. */
export async function caseHandle(s: CaseServers, row: CollectionCaseRow) {
  return s.env.client.workflow.getHandle(collectionCaseWorkflowId((await caseRow(s.db, row.id)).case_number!));
}

/**
 * Starts `terms` as a loan whose borrower pays invoice 1 and stops from invoice 2 (on `taskQueue`,
 * whose worker must run), waits until the loan is terminated and handed over to collection, and
 * returns the case's row as opened.
 */
export async function handOverToCollection(
  s: CaseServers,
  taskQueue: string,
  terms: LoanTerms,
): Promise<CollectionCaseRow> {
  const { loan } = await startLoanWithBorrower(s.env, taskQueue, terms, { daysBeforeDue: 5, stopFromInvoice: 2 });
  expect((await loan.result()).status).toBe('IN_COLLECTION');
  return s.db.selectFrom('collection_cases').selectAll().where('loan_id', '=', terms.loanId).executeTakeFirstOrThrow();
}

/**
 * A loan of 30 000 kr handed over to collection (`handOverToCollection`) on a fresh worker; `body`
 * then plays the case on the same worker run (a worker runs once). Returns the case's row as opened.
 */
export async function withCase(
  s: CaseServers,
  body: (worker: Worker, row: CollectionCaseRow) => Promise<void>,
): Promise<CollectionCaseRow> {
  const terms = await newLoanTerms(s.env, { amount: '30000.00' });
  const worker = await caseWorker(s, `q-${terms.loanId}`);
  return worker.runUntil(async () => {
    const row = await handOverToCollection(s, worker.options.taskQueue, terms);
    await body(worker, row);
    return row;
  });
}

/** The claim on `date`, as the ledger and the default interest to that day say (R-COLL-4). */
export async function claimTotalOn(db: Db, row: CollectionCaseRow, date: IsoDate): Promise<Decimal> {
  const fresh = await caseRow(db, row.id);
  const loan = (await findLoan(db, row.loan_id))!;
  return claimTotal(
    claimOn({
      claim: claimFromLines(await caseLedgerLines(db, row.id)),
      nominalRatePercent: new Decimal(loan.nominal_rate_percent),
      accruedUntil: fresh.default_interest_accrued_until!,
      date,
    }),
  );
}

/**
 * A bank payment to the case's OCR reference, through the payment path (registration, payment
 * workflow on `taskQueue`), applied; returns the registered payment.
 */
export async function payCase(
  s: CaseServers,
  taskQueue: string,
  row: CollectionCaseRow,
  amount: string,
  paymentDate: IsoDate,
) {
  const registered = await registerPayment(s.db, {
    id: randomUUID(),
    bankReference: `case-${row.id}-${randomUUID()}`,
    ocrReference: (await caseRow(s.db, row.id)).ocr_reference!,
    amount,
    paymentDate,
  });
  await applyThroughPaymentWorkflow(s.env, s.db, taskQueue, registered.id);
  return registered;
}

/** Waits for the case's demand (R-COLL-1) and returns the case's row then. */
export async function afterDemand(db: Db, row: CollectionCaseRow): Promise<CollectionCaseRow> {
  await eventually(hasCaseEvent(db, row.id, 'demand'), 'the demand');
  return caseRow(db, row.id);
}
