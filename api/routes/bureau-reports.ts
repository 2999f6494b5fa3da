/**
 * R-PAY-1, R-LOAN-11: the bureau withdrawals the bureau refused for good, for operators (audited
 * like every operator request): each report with the payment that made it withdrawable and what to
 * do about it (texts/operator-bureau.ts). The back-office page web/operator shows the same list.
 */
import { listRefusedWithdrawals, type RefusedWithdrawalRow } from '../../db/bureau-report-repository';
import { refusedWithdrawalAction } from '../../texts/operator-bureau';
import type { ApiDeps } from '../deps';
import type { ApiRoutes } from '../routing';
import { z } from '../zod';

const refusedWithdrawalSchema = z
  .object({
    reportId: z.string().describe('the bureau’s id of the late-payment report'),
    loanId: z.string(),
    contractNumber: z.string(),
    dueDate: z.string().describe('the missed due date the report is about'),
    reportedOn: z.string(),
    refusal: z.string().describe('the bureau’s code for refusing the withdrawal'),
    paymentId: z.string().nullable().describe('the payment that made the report withdrawable'),
    paidOn: z.string().nullable().describe('that payment’s value date'),
    action: z.string().describe('what the operator does next'),
  })
  .openapi('RefusedBureauWithdrawal');

/** One refused withdrawal as operators read it (the API and the back-office page). */
export function toRefusedWithdrawalView(r: RefusedWithdrawalRow): z.infer<typeof refusedWithdrawalSchema> {
  return {
    reportId: r.report_id,
    loanId: r.loan_id,
    contractNumber: r.contract_number,
    dueDate: r.due_date,
    reportedOn: r.reported_on,
    refusal: r.withdrawal_refused,
    paymentId: r.withdrawal_payment_id,
    paidOn: r.paid_on,
    action: refusedWithdrawalAction({
      code: r.withdrawal_refused,
      reportId: r.report_id,
      contractNumber: r.contract_number,
      dueDate: r.due_date,
      paidOn: r.paid_on,
    }),
  };
}

export function bureauReportRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/operator/bureau-withdrawals/refused',
    operationId: 'listRefusedBureauWithdrawals',
    summary: 'Late-payment reports the bureau refused to withdraw: to take up with the bureau',
    tags: ['payments'],
    auth: ['operator'],
    query: z.object({ loanId: z.string().uuid().optional().describe('only this loan’s') }),
    responses: {
      200: {
        description: 'the refused withdrawals, oldest report first',
        schema: z.object({ items: z.array(refusedWithdrawalSchema) }),
      },
    },
    handler: async ({ query }) => ({
      status: 200,
      body: {
        items: (await listRefusedWithdrawals(deps.db, query.loanId ? { loanId: query.loanId } : {})).map(
          toRefusedWithdrawalView,
        ),
      },
    }),
  });
}
