/** What the loan workflow tests share: new loan terms and starting a loan with its borrower. */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stockholmDate } from '../../domain/dates';
import { type LoanTerms, loanWorkflow, loanWorkflowId } from '../../workflows/loan';
import { simulatedBorrowerWorkflow, type SimulatedBorrowerInput } from '../../workflows/simulated-borrower';

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

/** Starts the loan workflow and a simulated borrower for it on `taskQueue`. */
export async function startLoanWithBorrower(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  terms: LoanTerms,
  borrower: Omit<SimulatedBorrowerInput, 'loanId' | 'payoutDate' | 'termMonths'>,
) {
  const loan = await env.client.workflow.start(loanWorkflow, {
    taskQueue,
    workflowId: loanWorkflowId(terms.loanId),
    args: [{ terms }],
  });
  const borrowerHandle = await env.client.workflow.start(simulatedBorrowerWorkflow, {
    taskQueue,
    workflowId: `borrower-${terms.loanId}`,
    args: [{ loanId: terms.loanId, payoutDate: terms.payoutDate, termMonths: terms.termMonths, ...borrower }],
  });
  return { loan, borrower: borrowerHandle };
}
