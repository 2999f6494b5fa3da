/**
 * The collection case's installment plan (R-COLL-6) over its whole length on the time-skipping
 * server: a 24-month plan kept to the end, and a plan that goes on across a worker restart (the
 * first worker stops mid-plan, a new one on the same server and task queue takes the case up).
 * Every test ends with the claim at zero and the ledger balanced.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { caseLedgerLines, type CollectionCaseRow } from '../../db/collection-case-repository';
import { claimFromLines, claimTotal, DEFAULT_COLLECTION_PRODUCT } from '../../domain/collection';
import { smallestAcceptableMonthlyAmount } from '../../domain/collection-case';
import { addDays } from '../../domain/dates';
import { Decimal, formatAmount } from '../../domain/money';
import {
  type CaseView,
  caseViewQuery,
  collectionCaseWorkflowId,
  proposePlanUpdate,
} from '../../workflows/collection-case-messages';
import { eventually } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms } from '../support/loans';
import {
  afterDemand,
  caseEventKinds,
  caseRow,
  caseWorker,
  claimTotalOn,
  handOverToCollection,
  payCase,
  simulatedToday,
  sleepUntil,
  useCaseServers,
} from '../support/collection-workflow';
import { sweepClients } from '../support/temporal';

describe('the collection case’s installment plan (R-COLL-6) to its end', () => {
  const s = useCaseServers();
  const kinds = (caseId: string) => caseEventKinds(s.db, caseId);

  /** A loan that stops paying after invoice 1, run until its handover and demand; the case's row. */
  async function handedOver(w: Worker, loanId: string): Promise<CollectionCaseRow> {
    const terms = await newLoanTerms(s.env, { loanId, amount: '30000.00' });
    return afterDemand(s.db, await handOverToCollection(s, w.options.taskQueue, terms));
  }

  const handleOf = (row: CollectionCaseRow) =>
    s.env.client.workflow.getHandle(collectionCaseWorkflowId(row.case_number!));

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
      await sleepUntil(s.env, payOn);
      const claim = await claimTotalOn(s.db, row, payOn);
      const amount = Decimal.min(new Decimal(installment.amount), claim);
      await payCase(s, w.options.taskQueue, row, formatAmount(amount), payOn);
      view = await eventually(async () => {
        const v = await handle.query(caseViewQuery);
        return v.claimDate === payOn ? v : undefined;
      }, `the case reads installment ${n}`);
      if (view.status === 'OPEN') await sleepUntil(s.env, addDays(installment.dueDate, 1));
    }
    return view;
  }

  it('R-COLL-6: a 24-month plan at the smallest acceptable amount, kept to the end → CLOSED_PAID, claim 0, ledger balanced', async () => {
    const loanId = randomUUID();
    const w = await caseWorker(s, `q-${loanId}`);
    const row = await w.runUntil(async () => {
      const row = await handedOver(w, loanId);
      const handle = handleOf(row);
      // The claim of today, as the case decides on it (default interest may have run since the demand).
      const claim = await claimTotalOn(s.db, row, await simulatedToday(s.env));
      const monthly = smallestAcceptableMonthlyAmount(claim.plus(DEFAULT_COLLECTION_PRODUCT.planFee));
      const accepted = await handle.executeUpdate(proposePlanUpdate, {
        args: [{ actor: 'debtor', monthlyAmount: formatAmount(monthly), dayOfMonth: 27 }],
      });
      expect(accepted.stage).toBe('PLAN');
      expect(accepted.plan!.installments).toHaveLength(DEFAULT_COLLECTION_PRODUCT.planMaxMonths);
      const end = await keepPlan(w, row, 1);
      expect(end.status).toBe('CLOSED_PAID');
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'CLOSED_PAID' ? true : undefined),
        'closing',
      );
      return row;
    });
    const events = await kinds(row.id);
    // 24 installments, then the one that asks for the default interest accrued meanwhile (R-COLL-1).
    expect(events.filter((k) => k === 'plan-installment').length).toBeGreaterThanOrEqual(24);
    expect(events).not.toContain('plan-reminder');
    expect(events).not.toContain('plan-broken');
    expect(events.filter((k) => k === 'payment').length).toBeGreaterThanOrEqual(24);
    expect(events.at(-1)).toBe('closed-paid');
    expect(claimTotal(claimFromLines(await caseLedgerLines(s.db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-6: a worker restart mid-plan: a new worker on the same queue takes the case up and the plan is kept', async () => {
    const loanId = randomUUID();
    const taskQueue = `q-${loanId}`;
    // The first worker caches no workflow: stopped mid-plan, it leaves no task bound to it.
    const first = await caseWorker(s, taskQueue, { noCache: true });
    const row = await first.runUntil(async () => {
      const row = await handedOver(first, loanId);
      const handle = handleOf(row);
      const claim = await claimTotalOn(s.db, row, await simulatedToday(s.env));
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

    const second = await caseWorker(s, taskQueue);
    sweepClients.set(taskQueue, s.env.client);
    await second.runUntil(async () => {
      const resumed = await handleOf(row).query(caseViewQuery);
      expect(resumed).toMatchObject({ status: 'OPEN', stage: 'PLAN' });
      expect(resumed.plan!.checked).toBe(3);
      const end = await keepPlan(second, row, 4);
      expect(end.status).toBe('CLOSED_PAID');
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'CLOSED_PAID' ? true : undefined),
        'closing',
      );
    });
    expect((await handleOf(row).describe()).status.name).toBe('COMPLETED');
    const events = await kinds(row.id);
    expect(events.filter((k) => k === 'plan-installment').length).toBeGreaterThanOrEqual(6);
    expect(events).not.toContain('plan-reminder');
    expect(events.at(-1)).toBe('closed-paid');
    expect(claimTotal(claimFromLines(await caseLedgerLines(s.db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(s.db);
    // Two workers and twelve simulated months: room beyond the default on a shared machine.
  }, 240_000);
});
