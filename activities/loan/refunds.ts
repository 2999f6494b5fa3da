/**
 * R-PAY-4: a refund opened from the loan's credit, once per step (the loan closing, a payment to
 * an ended loan, a collection case paid beyond its claim or closing paid). Under the loan's row lock it takes what `customer_credit` holds beyond refunds
 * not yet paid out, so two steps that see the same credit refund it once. Paying it is the refund
 * workflow's (workflows/refund.ts, activities/refunds.ts).
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { latestEarlyRepaymentStatus } from '../../db/early-repayment-repository';
import { loanAccountBalances } from '../../db/ledger-repository';
import { lockLoan } from '../../db/loan-repository';
import { findRefund, findStatedAccount, insertRefund, unpaidRefundTotal } from '../../db/refund-repository';
import { findWithdrawal } from '../../db/withdrawal-repository';
import type { Db } from '../../db/database';
import type { IsoDate } from '../../domain/dates';
import { formatAmount } from '../../domain/money';
import { refundableAmount, refundReason, type RefundTrigger, refundWorkflowId } from '../../domain/refund';
import type { LoanActivityContext } from './context';

export interface OpenedRefund {
  refundId: string;
  amount: string;
}

/**
 * R-PAY-4: opens a refund of what the loan's `customer_credit` holds beyond refunds not yet paid
 * out, under the loan's row lock (so two steps that see the same credit refund it once). Null when
 * there is nothing to refund; a repeat of the key returns the first refund.
 */
export async function openRefundOfCredit(
  db: Db,
  input: {
    loanId: string;
    /** The refund's id, from the step that opens it (e.g. `<loanId>:refund:close`). */
    idempotencyKey: string;
    trigger: RefundTrigger;
    date: IsoDate;
  },
): Promise<OpenedRefund | null> {
  return db.transaction().execute(async (trx) => {
    const loan = await lockLoan(trx, input.loanId);
    const existing = await findRefund(trx, input.idempotencyKey);
    if (existing) return { refundId: existing.id, amount: existing.amount };
    const credit = (await loanAccountBalances(trx, input.loanId)).customer_credit;
    const amount = refundableAmount(credit, await unpaidRefundTotal(trx, input.loanId));
    if (!amount.greaterThan(0)) return null;
    const refund = await insertRefund(trx, {
      id: input.idempotencyKey,
      loanId: input.loanId,
      customerId: loan.customer_id,
      reason: refundReason({
        trigger: input.trigger,
        inCollection: loan.status === 'IN_COLLECTION',
        withdrawn: !!(await findWithdrawal(trx, input.loanId)),
        settledEarlyRepayment: (await latestEarlyRepaymentStatus(trx, input.loanId)) === 'SETTLED',
      }),
      amount: formatAmount(amount),
      businessDate: input.date,
      toAccount: await findStatedAccount(trx, input.loanId),
    });
    return { refundId: refund.id, amount: refund.amount };
  });
}

export function createLoanRefundActivities({ db }: LoanActivityContext) {
  return {
    /**
     * R-PAY-4: starts the refund's workflow (`refund-<refundId>`) once; a repeat finds it started.
     * Through the client rather than as a child: the refund outlives the loan or payment workflow
     * that opened it, which ends at once.
     */
    async startRefund(input: { refundId: string }): Promise<void> {
      const context = Context.current();
      try {
        await context.client.workflow.start('refundWorkflow', {
          taskQueue: context.info.taskQueue,
          workflowId: refundWorkflowId(input.refundId),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ refundId: input.refundId }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    /** R-PAY-4: null when there is nothing to refund; a repeat returns the first refund. */
    async openRefund(input: {
      loanId: string;
      /** `<loanId>:refund:close` or `<loanId>:refund:payment:<paymentId>`: the refund's id. */
      idempotencyKey: string;
      trigger: RefundTrigger;
      date: IsoDate;
    }): Promise<OpenedRefund | null> {
      return openRefundOfCredit(db, input);
    },
  };
}
