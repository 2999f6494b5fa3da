/** What the loan workflow tests share: new loan terms and starting a loan with its borrower. */
import { randomInt, randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Insertable } from 'kysely';
import type { Db, LoanTable } from '../../db/database';
import { findLoan, insertLoan, registerPayment } from '../../db/loan-repository';
import { type IsoDate, stockholmDate } from '../../domain/dates';
import { paymentWorkflow, paymentWorkflowId } from '../../workflows/payment';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow, loanWorkflowSummary } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { simulatedBorrowerWorkflow, type SimulatedBorrowerInput } from '../../workflows/simulated-borrower';
import { ensureLateInvoiceSweep, stopLateInvoiceSweep } from '../../workers/late-invoice-sweep';
import { sweepClients } from './temporal';

/** Terms of a fresh loan paid out "today" on the environment's clock; a 9-digit contract number. */
export async function newLoanTerms(
  env: TestWorkflowEnvironment,
  overrides: Partial<LoanTerms> = {},
): Promise<LoanTerms> {
  const loanId = randomUUID();
  return {
    loanId,
    contractNumber: String(100_000_000 + Math.floor(Math.random() * 899_999_999)),
    customerId: `customer-${loanId}`,
    amount: '100000.00',
    termMonths: 24,
    nominalRatePercent: '9.95',
    noticeChannel: 'autogiro',
    payoutDate: stockholmDate(new Date(await env.currentTimeMs())),
    ...overrides,
  };
}

/** Starts the loan workflow and a simulated borrower for it on `taskQueue`, and the late-invoice sweep. */
export async function startLoanWithBorrower(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  terms: LoanTerms,
  borrower: Omit<SimulatedBorrowerInput, 'loanId' | 'payoutDate' | 'termMonths'>,
) {
  await restartLateInvoiceSweep(env, taskQueue);
  const loan = await env.client.workflow.start(loanWorkflow, {
    taskQueue,
    workflowId: loanWorkflowId(terms.loanId),
    staticSummary: loanWorkflowSummary(terms),
    args: [{ terms }],
  });
  const borrowerHandle = await env.client.workflow.start(simulatedBorrowerWorkflow, {
    taskQueue,
    workflowId: `borrower-${terms.loanId}`,
    args: [{ loanId: terms.loanId, payoutDate: terms.payoutDate, termMonths: terms.termMonths, ...borrower }],
  });
  return { loan, borrower: borrowerHandle };
}

/**
 * The book's late-invoice sweep on this test's task queue; the test worker (test/support/temporal.ts)
 * stops it when its run ends.
 */
export async function restartLateInvoiceSweep(env: TestWorkflowEnvironment, taskQueue: string): Promise<void> {
  await stopLateInvoiceSweep(env.client); // one left by a test that ran its worker differently
  await ensureLateInvoiceSweep(env.client, taskQueue);
  sweepClients.set(taskQueue, env.client);
}

/** A bank payment to the loan, registered and applied as `POST /v1/payments` does (its payment workflow). */
export async function payToLoan(
  env: TestWorkflowEnvironment,
  db: Db,
  taskQueue: string,
  payment: { loanId: string; amount: string; paymentDate: IsoDate; bankReference: string },
): Promise<string> {
  const loan = await findLoan(db, payment.loanId);
  if (!loan) throw new Error(`no loan ${payment.loanId}`);
  const registered = await registerPayment(db, {
    id: randomUUID(),
    bankReference: payment.bankReference,
    ocrReference: loan.ocr_reference,
    amount: payment.amount,
    paymentDate: payment.paymentDate,
    // R-PAY-1: booked on the simulated day (a late bank file: after its value date).
    bookingDate: stockholmDate(new Date(await env.currentTimeMs())),
  });
  await applyThroughPaymentWorkflow(env, db, taskQueue, registered.id);
  return registered.id;
}

/** Starts the payment workflow of a registered payment on `taskQueue` and waits until it is APPLIED. */
export async function applyThroughPaymentWorkflow(
  env: TestWorkflowEnvironment,
  db: Db,
  taskQueue: string,
  paymentId: string,
): Promise<void> {
  await env.client.workflow.start(paymentWorkflow, {
    taskQueue,
    workflowId: paymentWorkflowId(paymentId),
    args: [{ paymentId }],
  });
  // Real-time polling while the simulated clock stands still (awaiting the result would let the
  // time-skipping server move the loan's timers meanwhile).
  for (let i = 0; i < 400; i++) {
    const row = await db.selectFrom('payments').select('status').where('id', '=', paymentId).executeTakeFirst();
    if (row?.status === 'APPLIED') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`payment ${paymentId} was not applied within 10 s`);
}

/**
 * A loan row only (no workflow): ACTIVE, 100 000 kr over 60 months at 7.75 %, paid out
 * 2026-01-10, with a fresh 9-digit contract number; `columns` override any of it.
 */
export async function insertTestLoan(
  db: Db,
  columns: Partial<Insertable<LoanTable>> & { customer_id: string },
): Promise<{ loanId: string; contractNumber: string }> {
  const loanId = columns.id ?? randomUUID();
  const contractNumber = columns.contract_number ?? String(100_000_000 + randomInt(900_000_000));
  await insertLoan(db, {
    id: loanId,
    contract_number: contractNumber,
    status: 'ACTIVE',
    amount: '100000.00',
    term_months: 60,
    nominal_rate_percent: '7.75',
    notice_channel: 'e-invoice',
    payout_date: '2026-01-10',
    monthly_payment: '2016.00',
    ocr_reference: `${contractNumber}00`,
    ...columns,
  });
  return { loanId, contractNumber };
}
