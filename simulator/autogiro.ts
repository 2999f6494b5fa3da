/**
 * The scenario's autogiro (R-PAY-3, docs/simulator.md): `borrower.autogiro` gives the loan an
 * active mandate at payout (registered at the sandbox direct-debit service as a signed one would
 * be) and tells the loan; `refuseInvoices` makes the payer's bank refuse the draws of those
 * invoices for insufficient funds, so the late path follows for them.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SandboxAdapterSet } from '../adapters';
import type { Db } from '../db/database';
import { activateMandate, insertMandate } from '../db/direct-debit-repository';
import { findLoan } from '../db/loan-repository';
import type { LoanTerms } from '../domain/loan-terms';
import { installmentDueDate } from '../domain/schedule';
import { mandateChangedSignal } from '../workflows/direct-debit-messages';
import { loanWorkflowId } from '../workflows/loan-messages';

/** A sandbox payer (the personal identity number of the docs' examples) and account. */
const PAYER = { personnummer: '198112289874', clearingNumber: '8327', accountNumber: '9912345678' };

export async function giveSimulatedMandate(
  ctx: { db: Db; client: Client; adapters: SandboxAdapterSet },
  terms: LoanTerms,
  refuseInvoices: readonly number[],
): Promise<string> {
  // The loan workflow opens the loan's row as its first step.
  for (let i = 0; !(await findLoan(ctx.db, terms.loanId)); i++) {
    if (i >= 800) throw new Error(`loan ${terms.loanId} did not open within 20 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const mandateId = randomUUID();
  await insertMandate(ctx.db, {
    id: mandateId,
    customerId: terms.customerId,
    loanId: terms.loanId,
    caseId: null,
    clearingNumber: PAYER.clearingNumber,
    accountNumber: PAYER.accountNumber,
    payerPersonnummer: PAYER.personnummer,
  });
  const registered = await ctx.adapters.adapters.directDebit.registerMandate({
    idempotencyKey: `mandate-${mandateId}:register`,
    reference: mandateId,
    payerPersonalNumber: PAYER.personnummer,
    account: { clearingNumber: PAYER.clearingNumber, accountNumber: PAYER.accountNumber },
  });
  await activateMandate(ctx.db, mandateId, { providerMandateId: registered.mandateId, signature: 'simulated' });
  if (refuseInvoices.length > 0) {
    const dueDates = refuseInvoices.map((n) => installmentDueDate(terms.payoutDate, n));
    await ctx.adapters.sandbox.directDebit.refuseDraws(mandateId, 'insufficient_funds', undefined, dueDates);
  }
  await ctx.client.workflow
    .getHandle(loanWorkflowId(terms.loanId))
    .signal(mandateChangedSignal, { mandateId, active: true });
  return mandateId;
}
