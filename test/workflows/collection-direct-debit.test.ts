/**
 * R-COLL-6 with R-PAY-3 on the time-skipping server: with a mandate for the case, each plan
 * installment is drawn on its day through the payment path; a refused draw is a missed installment
 * (reminder), and a second one breaks the plan. Every test ends with the ledger balanced.
 */
import { Client } from '@temporalio/client';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import { type CollectionCaseRow } from '../../db/collection-case-repository';
import { listDrawsOfLoan } from '../../db/direct-debit-repository';
import { findLoan } from '../../db/loan-repository';
import { addDays, type IsoDate } from '../../domain/dates';
import { collectionCaseWorkflowId, proposePlanUpdate } from '../../workflows/collection-case-messages';
import { giveMandate } from '../support/direct-debit';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms } from '../support/loans';
import {
  afterDemand,
  caseEventKinds,
  caseRow,
  caseWorker,
  handOverToCollection,
  hasCaseEvent,
  sleepUntil,
  useCaseServers,
} from '../support/collection-workflow';
import { eventually } from '../support/api';
import { testDataConverter } from '../support/temporal';

describe('autogiro on a collection plan (R-COLL-6, R-PAY-3) on the time-skipping server', () => {
  const s = useCaseServers();
  let client: Client; // never unlocks time skipping
  let sandbox: SandboxAdapterSet;
  beforeAll(async () => {
    client = new Client({ connection: s.env.connection, dataConverter: testDataConverter });
    sandbox = await createSandboxAdapters({ bankIdOrderTtlMs: 600_000 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  const kinds = (caseId: string) => caseEventKinds(s.db, caseId);

  /**
   * A loan handed over to collection; the debtor gives a mandate for the case and agrees a plan of
   * 3 000 kr a month; `body` then plays the plan. Returns the case's row.
   */
  async function withMandatedPlan(
    body: (row: CollectionCaseRow, mandateId: string, dueDates: IsoDate[]) => Promise<void>,
  ): Promise<CollectionCaseRow> {
    const terms = await newLoanTerms(s.env, { amount: '30000.00' });
    const taskQueue = `cdd-${terms.loanId}`;
    const worker = await caseWorker(s, taskQueue, {
      adapters: sandbox.adapters,
      application: { bankIdPollIntervalMs: 50 },
    });
    return worker.runUntil(async () => {
      const row = await afterDemand(s.db, await handOverToCollection(s, taskQueue, terms));
      const mandateId = await giveMandate(client, s.db, sandbox.sandbox, taskQueue, {
        ...terms,
        customerId: (await findLoan(s.db, terms.loanId))!.customer_id,
        caseId: row.id,
        caseNumber: row.case_number!,
      });
      const view = await client.workflow
        .getHandle(collectionCaseWorkflowId(row.case_number!))
        .executeUpdate(proposePlanUpdate, { args: [{ actor: 'debtor', monthlyAmount: '3000.00', dayOfMonth: 10 }] });
      await body(
        row,
        mandateId,
        view.plan!.installments.map((i) => i.dueDate),
      );
      return row;
    });
  }

  it('R-COLL-6, R-PAY-3: each plan installment is drawn on its day and paid to the case', async () => {
    let installments: IsoDate[] = [];
    const row = await withMandatedPlan(async (row, _mandateId, dueDates) => {
      installments = dueDates;
      await sleepUntil(s.env, addDays(dueDates[1]!, 1));
      await eventually(
        async () => ((await listDrawsOfLoan(s.db, row.loan_id)).length === 2 ? true : undefined),
        'two draws',
      );
    });
    const draws = await listDrawsOfLoan(s.db, row.loan_id);
    expect(draws.map((d) => [d.installment_number, d.status, d.due_date, d.amount])).toEqual([
      [1, 'PAID', installments[0], '3000.00'],
      [2, 'PAID', installments[1], '3000.00'],
    ]);
    const events = await kinds(row.id);
    expect(events.filter((k) => k === 'payment')).toHaveLength(2);
    expect(events).not.toContain('plan-reminder');
    const payments = await s.db
      .selectFrom('payments')
      .selectAll()
      .where('loan_id', '=', row.loan_id)
      .orderBy('payment_date')
      .execute();
    const autogiro = payments.filter((p) => p.bank_reference.startsWith('autogiro:'));
    expect(autogiro.map((p) => [p.ocr_reference, p.status, p.payment_date])).toEqual([
      [row.ocr_reference, 'APPLIED', installments[0]],
      [row.ocr_reference, 'APPLIED', installments[1]],
    ]);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-6, R-PAY-3: a refused draw is a missed installment; the second refusal breaks the plan', async () => {
    const row = await withMandatedPlan(async (row, mandateId, dueDates) => {
      await sandbox.sandbox.directDebit.refuseDraws(mandateId, 'insufficient_funds');
      await sleepUntil(s.env, addDays(dueDates[0]!, 1));
      await eventually(hasCaseEvent(s.db, row.id, 'plan-reminder'), 'the reminder');
      await sleepUntil(s.env, addDays(dueDates[1]!, 1));
      await eventually(hasCaseEvent(s.db, row.id, 'plan-broken'), 'the plan breaking');
    });
    const draws = await listDrawsOfLoan(s.db, row.loan_id);
    expect(draws.map((d) => [d.installment_number, d.status, d.refusal_reason])).toEqual([
      [1, 'REFUSED', 'insufficient_funds'],
      [2, 'REFUSED', 'insufficient_funds'],
    ]);
    expect(await kinds(row.id)).toEqual([
      'opened',
      'demand',
      'plan-accepted',
      'plan-installment',
      'plan-reminder',
      'plan-installment',
      'plan-broken',
    ]);
    expect(await caseRow(s.db, row.id)).toMatchObject({ stage: 'DEMAND', plan: null, status: 'OPEN' });
    await expectLedgerBalanced(s.db);
  });
});
