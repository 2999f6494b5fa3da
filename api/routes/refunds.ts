/**
 * R-PAY-4: refunds for operators (audited): what is pending or failed, and a retry of a failed one
 * — to the account the customer states when none was known or the bank refused it. The refund's
 * workflow (`refund-<id>`) pays it; the retry records a new attempt and wakes the workflow.
 */
import { findRefund, listRefunds, type RefundRow, retryRefund } from '../../db/refund-repository';
import { checkAccountNumber, checkClearingNumber } from '../../domain/application';
import { canRetryRefund, REFUND_REASONS, REFUND_STATUSES, type RefundStatus } from '../../domain/refund';
import { refundWorkflowId, retryRefundSignal } from '../../workflows/refund-messages';
import type { ApiDeps } from '../deps';
import { notFound, ProblemError, workflowUnavailable } from '../problem';
import type { ApiRoutes } from '../routing';
import { checkedBy } from '../schemas';
import { z } from '../zod';

const refundSchema = z
  .object({
    refundId: z.string(),
    loanId: z.string(),
    reason: z.enum(REFUND_REASONS),
    amount: z.string(),
    businessDate: z.string(),
    status: z.enum(REFUND_STATUSES),
    attempt: z.number().int(),
    accountEnding: z.string().nullable().describe('the last four digits of the account it is paid to'),
    payoutId: z.string().nullable(),
    executionDate: z.string().nullable(),
    failure: z.string().nullable(),
  })
  .openapi('Refund');

function toRefundView(r: RefundRow): z.infer<typeof refundSchema> {
  const account = r.to_account as { accountNumber?: string } | null;
  return {
    refundId: r.id,
    loanId: r.loan_id,
    reason: r.reason as z.infer<typeof refundSchema>['reason'],
    amount: r.amount,
    businessDate: r.business_date,
    status: r.status,
    attempt: r.attempt,
    accountEnding: account?.accountNumber ? account.accountNumber.slice(-4) : null,
    payoutId: r.payout_id,
    executionDate: r.execution_date,
    failure: r.failure,
  };
}

const refundParams = z.object({ refundId: z.string().min(1).max(200) });

export function refundRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/refunds',
    operationId: 'listRefunds',
    summary: 'Refunds to customers: pending and failed unless a status is asked for',
    tags: ['payments'],
    auth: ['operator'],
    query: z.object({ status: z.enum(REFUND_STATUSES).optional() }),
    responses: {
      200: { description: 'the refunds, oldest first', schema: z.object({ refunds: z.array(refundSchema) }) },
    },
    handler: async ({ query }) => {
      const statuses: RefundStatus[] = query.status ? [query.status] : ['PENDING', 'FAILED'];
      return { status: 200, body: { refunds: (await listRefunds(deps.db, statuses)).map(toRefundView) } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/refunds/:refundId/retry',
    operationId: 'retryRefund',
    summary: 'Retry a failed refund, to the account the customer states if given',
    description:
      'A FAILED refund is tried again as a new attempt (the bank refused the last one, so nothing is paid twice). ' +
      'Asked again while it is PENDING, the refund’s workflow is woken again; a PAID refund is a 409.',
    tags: ['payments'],
    auth: ['operator'],
    params: refundParams,
    body: z
      .strictObject({
        toAccount: z
          .strictObject({
            clearingNumber: checkedBy(z.string(), checkClearingNumber),
            accountNumber: checkedBy(z.string(), checkAccountNumber),
          })
          .optional()
          .describe('the customer’s account, when none was known or the bank refused the one it had'),
      })
      .openapi('RefundRetry'),
    responses: {
      200: { description: 'the refund, PENDING again', schema: refundSchema },
      409: { description: 'the refund is already paid' },
      503: { description: 'the workflow service is unavailable: the retry is recorded, repeat the request' },
    },
    handler: async ({ params, body }) => {
      const refund = await findRefund(deps.db, params.refundId);
      if (!refund) throw notFound(`no refund ${params.refundId}`);
      let now = refund;
      if (canRetryRefund(refund.status)) {
        now = (await retryRefund(deps.db, refund.id, body.toAccount)) ?? (await findRefund(deps.db, refund.id))!;
      }
      if (now.status === 'PAID') {
        throw new ProblemError(
          409,
          'Conflict',
          `refund ${refund.id} is already paid`,
          undefined,
          '/problems/conflict',
          'R-PAY-4',
        );
      }
      try {
        // The waiting workflow is woken; one that is not running (never started) is started, and pays.
        await deps.temporal.workflow.signalWithStart('refundWorkflow', {
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          workflowId: refundWorkflowId(refund.id),
          args: [{ refundId: refund.id }],
          signal: retryRefundSignal,
        });
      } catch (error) {
        deps.logger.error({ err: error, refundId: refund.id }, 'refund workflow could not be signalled');
        throw workflowUnavailable('the workflow service is unavailable: the retry is recorded, repeat the request');
      }
      return { status: 200, body: toRefundView(now) };
    },
  });
}
