/**
 * What the collection API and browser tests share: a loan handed over to collection today on the
 * API harness's dev server (R-COLL-1), its case opened as the loan's handover does, and the case
 * workflows stopped again when the file is done.
 */
import { randomUUID } from 'node:crypto';
import { createCollectionActivities } from '../../activities/collection';
import { insertCollectionCase } from '../../db/collection-case-repository';
import { postToLedger } from '../../db/ledger-repository';
import { insertInvoice } from '../../db/loan-repository';
import { collectionCaseWorkflowId } from '../../domain/collection-case';
import { caseChargePosting } from '../../domain/collection-ledger';
import { stockholmDate } from '../../domain/dates';
import { disbursementPosting } from '../../domain/ledger';
import { Decimal } from '../../domain/money';
import type { ApiHarness } from './api';
import { insertTestLoan } from './loans';

/**
 * A loan of `amount` (36 months at 9.95 %, paid out 2026-01-10) handed over to collection today:
 * the claim moved under the case with the collection fee of 180 (R-COLL-1), the case opened and
 * its workflow started on the harness's worker. With `originalInvoice`, the loan has its first
 * invoice (967 kr, open) to order a copy of (R-COLL-2).
 */
export async function openHandedOverCase(
  h: ApiHarness,
  loan: { customerId: string; amount: string; loanId?: string; originalInvoice?: boolean },
): Promise<{ caseId: string; caseNumber: string; loanId: string }> {
  const loanId = loan.loanId ?? randomUUID();
  const today = stockholmDate(new Date());
  const { contractNumber } = await insertTestLoan(h.db, {
    id: loanId,
    customer_id: loan.customerId,
    status: 'IN_COLLECTION',
    amount: loan.amount,
    term_months: 36,
    nominal_rate_percent: '9.95',
    monthly_payment: '967.00',
  });
  if (loan.originalInvoice) {
    await insertInvoice(h.db, {
      loan_id: loanId,
      number: 1,
      issue_date: '2026-01-27',
      due_date: '2026-02-27',
      ocr_reference: `${contractNumber}00`,
      status: 'OPEN',
      paid_date: null,
      late_fee_charged_on: null,
      reminder_sent_on: null,
      reminder_due_date: null,
      lines: JSON.stringify([
        { kind: 'principal', amount: '718.25' },
        { kind: 'interest', amount: '248.75' },
      ]),
      total: '967.00',
    });
  }
  await postToLedger(h.db, disbursementPosting(loanId, '2026-01-10', new Decimal(loan.amount)));
  const caseId = `collection-${loanId}`;
  await insertCollectionCase(h.db, {
    id: caseId,
    loan_id: loanId,
    opened_on: today,
    principal: loan.amount,
    interest: '0.00',
    fees: '0.00',
    default_interest: '0.00',
    collection_fee: '180.00',
    total: new Decimal(loan.amount).plus(180).toFixed(2),
    status: 'OPEN',
  });
  const opened = await createCollectionActivities(h.db).openCollectionCase({ loanId, date: today });
  await postToLedger(
    h.db,
    caseChargePosting({
      loanId,
      caseId,
      date: today,
      kind: 'collection-fee',
      amount: new Decimal('180.00'),
      idempotencyKey: `${caseId}:collection-fee`,
    }),
  );
  await h.client.workflow.start('collectionCaseWorkflow', {
    taskQueue: h.config.TEMPORAL_TASK_QUEUE,
    workflowId: collectionCaseWorkflowId(opened.caseNumber),
    args: [opened],
  });
  return { caseId, caseNumber: opened.caseNumber, loanId };
}

/** Terminates the cases' workflows still running: a case's timers would outlive the test's worker. */
export async function terminateCases(h: ApiHarness | undefined, caseNumbers: string[]): Promise<void> {
  for (const caseNumber of caseNumbers) {
    const handle = h?.client.workflow.getHandle(collectionCaseWorkflowId(caseNumber));
    if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('test done');
  }
}
