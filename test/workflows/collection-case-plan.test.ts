/**
 * The collection case's installment plan (R-COLL-6) over its whole length on the time-skipping
 * server: a 24-month plan kept to the end, and a plan that goes on across a worker restart (the
 * first worker stops mid-plan, a new one on the same server and task queue takes the case up).
 * Every test ends with the claim at zero and the ledger balanced.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { EnforcementHttpClient, EnforcementSandbox } from '../../adapters/enforcement';
import { caseLedgerLines, type CollectionCaseRow, listCaseEvents } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { findLoan, registerPayment } from '../../db/loan-repository';
import { claimFromLines, claimOn, claimTotal, DEFAULT_COLLECTION_PRODUCT } from '../../domain/collection';
import { smallestAcceptableMonthlyAmount } from '../../domain/collection-case';
import { addDays, type IsoDate, stockholmDate } from '../../domain/dates';
import { Decimal, formatAmount } from '../../domain/money';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import {
  type CaseView,
  caseViewQuery,
  collectionCaseWorkflowId,
  proposePlanUpdate,
} from '../../workflows/collection-case-messages';
import { paymentWorkflow, paymentWorkflowId } from '../../workflows/payment';
import { eventually } from '../support/api';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, startLoanWithBorrower } from '../support/loans';
import { createTestWorker, sweepClients, testDataConverter } from '../support/temporal';

describe('the collection case’s installment plan (R-COLL-6) to its end', () => {
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

  const today = async (): Promise<IsoDate> => stockholmDate(new Date(await env.currentTimeMs()));

  /** Lets simulated time pass until noon (Stockholm) of `date`. */
  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  const caseRow = (caseId: string) =>
    db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const kinds = async (caseId: string) => (await listCaseEvents(db, caseId)).map((e) => e.kind);

  const worker = (taskQueue: string, options: { noCache?: boolean } = {}) =>
    createTestWorker({
      connection: env.nativeConnection,
      taskQueue,
      db,
      enforcement: new EnforcementHttpClient({ baseUrl: enforcement.url }),
      ...options,
    });

  /** A loan that stops paying after invoice 1, run until its handover; the case's row. */
  async function handedOver(w: Worker, loanId: string): Promise<CollectionCaseRow> {
    const terms = await newLoanTerms(env, { loanId, amount: '30000.00' });
    const { loan } = await startLoanWithBorrower(env, w.options.taskQueue, terms, {
      daysBeforeDue: 5,
      stopFromInvoice: 2,
    });
    expect((await loan.result()).status).toBe('IN_COLLECTION');
    const row = await db
      .selectFrom('collection_cases')
      .selectAll()
      .where('loan_id', '=', loanId)
      .executeTakeFirstOrThrow();
    await eventually(async () => ((await kinds(row.id)).includes('demand') ? true : undefined), 'the demand');
    return caseRow(row.id);
  }

  /** The claim on `date`, as the ledger and the default interest to that day say. */
  async function claimTotalOn(row: CollectionCaseRow, date: IsoDate): Promise<Decimal> {
    const fresh = await caseRow(row.id);
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

  /** A bank payment to the case's OCR reference, through the payment path (registration, payment workflow). */
  async function payCase(w: Worker, row: CollectionCaseRow, amount: string, paymentDate: IsoDate): Promise<void> {
    const registered = await registerPayment(db, {
      id: randomUUID(),
      bankReference: `case-${row.id}-${randomUUID()}`,
      ocrReference: row.ocr_reference!,
      amount,
      paymentDate,
    });
    await env.client.workflow.start(paymentWorkflow, {
      taskQueue: w.options.taskQueue,
      workflowId: paymentWorkflowId(registered.id),
      args: [{ paymentId: registered.id }],
    });
    await eventually(async () => {
      const p = await db.selectFrom('payments').select('status').where('id', '=', registered.id).executeTakeFirst();
      return p?.status === 'APPLIED' ? true : undefined;
    }, 'the payment');
  }

  const handleOf = (row: CollectionCaseRow) =>
    env.client.workflow.getHandle(collectionCaseWorkflowId(row.case_number!));

  /**
   * Pays the plan's installments two days before each due date, from installment `from` on, until
   * `until` installments are paid or the case closes. The installment after the plan's own (what
   * default interest added meanwhile) is paid as the claim of the payment day. Returns the view.
   */
  async function keepPlan(w: Worker, row: CollectionCaseRow, from: number, until = Infinity): Promise<CaseView> {
    const handle = handleOf(row);
    let view = await handle.query(caseViewQuery);
    for (let n = from; n <= until && view.status === 'OPEN'; n++) {
      const installment = await eventually(async () => {
        const v = await handle.query(caseViewQuery);
        return v.status !== 'OPEN' ? null : (v.plan?.installments[n - 1] ?? undefined);
      }, `installment ${n}`);
      if (!installment) break;
      const payOn = addDays(installment.dueDate, -2);
      await sleepUntil(payOn);
      const claim = await claimTotalOn(row, payOn);
      const amount = Decimal.min(new Decimal(installment.amount), claim);
      await payCase(w, row, formatAmount(amount), payOn);
      view = await eventually(async () => {
        const v = await handle.query(caseViewQuery);
        return v.claimDate === payOn ? v : undefined;
      }, `the case reads installment ${n}`);
      if (view.status === 'OPEN') await sleepUntil(addDays(installment.dueDate, 1));
    }
    return view;
  }

  it('R-COLL-6: a 24-month plan at the smallest acceptable amount, kept to the end → CLOSED_PAID, claim 0, ledger balanced', async () => {
    const loanId = randomUUID();
    const w = await worker(`q-${loanId}`);
    const row = await w.runUntil(async () => {
      const row = await handedOver(w, loanId);
      const handle = handleOf(row);
      // The claim of today, as the case decides on it (default interest may have run since the demand).
      const claim = await claimTotalOn(row, await today());
      const monthly = smallestAcceptableMonthlyAmount(claim.plus(DEFAULT_COLLECTION_PRODUCT.planFee));
      const accepted = await handle.executeUpdate(proposePlanUpdate, {
        args: [{ actor: 'debtor', monthlyAmount: formatAmount(monthly), dayOfMonth: 27 }],
      });
      expect(accepted.stage).toBe('PLAN');
      expect(accepted.plan!.installments).toHaveLength(DEFAULT_COLLECTION_PRODUCT.planMaxMonths);
      const end = await keepPlan(w, row, 1);
      expect(end.status).toBe('CLOSED_PAID');
      await eventually(async () => ((await caseRow(row.id)).status === 'CLOSED_PAID' ? true : undefined), 'closing');
      return row;
    });
    const events = await kinds(row.id);
    // 24 installments, then the one that asks for the default interest accrued meanwhile (R-COLL-1).
    expect(events.filter((k) => k === 'plan-installment').length).toBeGreaterThanOrEqual(24);
    expect(events).not.toContain('plan-reminder');
    expect(events).not.toContain('plan-broken');
    expect(events.filter((k) => k === 'payment').length).toBeGreaterThanOrEqual(24);
    expect(events.at(-1)).toBe('closed-paid');
    expect(claimTotal(claimFromLines(await caseLedgerLines(db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('R-COLL-6: a worker restart mid-plan: a new worker on the same queue takes the case up and the plan is kept', async () => {
    const loanId = randomUUID();
    const taskQueue = `q-${loanId}`;
    // The first worker caches no workflow: stopped mid-plan, it leaves no task bound to it.
    const first = await worker(taskQueue, { noCache: true });
    const row = await first.runUntil(async () => {
      const row = await handedOver(first, loanId);
      const handle = handleOf(row);
      const claim = await claimTotalOn(row, await today());
      const monthly = claim.plus(DEFAULT_COLLECTION_PRODUCT.planFee).div(6).ceil();
      const accepted = await handle.executeUpdate(proposePlanUpdate, {
        args: [{ actor: 'debtor', monthlyAmount: formatAmount(monthly), dayOfMonth: 12 }],
      });
      expect(accepted.plan!.installments).toHaveLength(6);
      await keepPlan(first, row, 1, 3);
      // Only this worker stops: the sweep and the case live on (the next worker stops them).
      sweepClients.delete(taskQueue);
      return row;
    });
    expect((await handleOf(row).describe()).status.name).toBe('RUNNING');

    const second = await worker(taskQueue);
    sweepClients.set(taskQueue, env.client);
    await second.runUntil(async () => {
      const resumed = await handleOf(row).query(caseViewQuery);
      expect(resumed).toMatchObject({ status: 'OPEN', stage: 'PLAN' });
      expect(resumed.plan!.checked).toBe(3);
      const end = await keepPlan(second, row, 4);
      expect(end.status).toBe('CLOSED_PAID');
      await eventually(async () => ((await caseRow(row.id)).status === 'CLOSED_PAID' ? true : undefined), 'closing');
    });
    expect((await handleOf(row).describe()).status.name).toBe('COMPLETED');
    const events = await kinds(row.id);
    expect(events.filter((k) => k === 'plan-installment').length).toBeGreaterThanOrEqual(6);
    expect(events).not.toContain('plan-reminder');
    expect(events.at(-1)).toBe('closed-paid');
    expect(claimTotal(claimFromLines(await caseLedgerLines(db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(db);
    // Two workers and twelve simulated months: room beyond the default on a shared machine.
  }, 240_000);
});
