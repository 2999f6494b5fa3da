/**
 * The loan's side effects (R-LOAN-1…8), one module per concern. Each activity writes PostgreSQL
 * once per idempotency key, in one transaction under the loan's row lock, and returns a fresh
 * snapshot of the loan from the ledger, so the workflow never decides on stale money. Business
 * dates come from the workflow, never from the wall clock. Notices to the borrower are recorded in
 * the customer mailbox in the same transaction (R-LOAN-11) and announced after it commits.
 */
import type { BureauClient } from '../../adapters/bureau';
import type { Db } from '../../db/database';
import { createLoanChangeActivities } from './changes';
import { loanActivityContext, type NewMailNotifier } from './context';
import { createDunningActivities } from './dunning';
import { createEarlyRepaymentActivities } from './early-repayment';
import { createInvoicingActivities } from './invoicing';
import { createLoanLifecycleActivities } from './lifecycle';
import { createPaymentActivities } from './payments';
import { createLoanRefundActivities } from './refunds';
import { createTerminationActivities } from './termination';
import { createWithdrawalActivities } from './withdrawal';

export function createLoanActivities(db: Db, notifyNewMail?: NewMailNotifier, bureau?: BureauClient) {
  const context = loanActivityContext(db, notifyNewMail, bureau);
  return {
    ...createLoanLifecycleActivities(context),
    ...createInvoicingActivities(context),
    ...createPaymentActivities(context),
    ...createDunningActivities(context),
    ...createTerminationActivities(context),
    ...createLoanChangeActivities(context),
    ...createEarlyRepaymentActivities(context),
    ...createWithdrawalActivities(context),
    ...createLoanRefundActivities(context),
  };
}

export type LoanActivities = ReturnType<typeof createLoanActivities>;
