/**
 * `POST /v1/sandbox/loans/overdue` (sandbox mode only, never mounted in production): a loan paid
 * out months ago whose borrower never paid, for trying the collection stage on `npm start` without
 * waiting months. It is the real loan workflow, started with a payout date in the past: its timers
 * for the past fire at once, so it catches up with its life in seconds — invoices, late fees,
 * reminders, the termination notice and, when the notice has run out, the handover to collection
 * (R-LOAN-3, R-LOAN-4, R-COLL-1). The collection case then starts today with its demand (R-COLL-4).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { addMonths } from '../../domain/dates';
import type { LoanTerms } from '../../domain/loan-terms';
import { Decimal } from '../../domain/money';
import { NOTICE_CHANNELS, type NoticeChannel } from '../../domain/product';
import { quoteRequestViolations } from '../../domain/quote';
import { loanWorkflow, loanWorkflowSummary } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import type { ApiDeps } from '../deps';
import { badRequest } from '../problem';
import type { ApiRoutes } from '../routing';
import { percentString, positiveAmountString, stockholmToday } from '../schemas';
import { z } from '../zod';

export function sandboxLoanRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/sandbox/loans/overdue',
    operationId: 'sandboxStartOverdueLoan',
    summary: 'Start a loan paid out months ago that was never paid: it goes to collection within seconds',
    description:
      'The real loan workflow with a payout date `monthsAgo` months back: it catches up at once with its past ' +
      '(invoices, late fees, reminders, termination) and hands the loan over to collection, whose case opens ' +
      'today with its collection demand. `customerId` is the customer token subject that will own the case ' +
      '(`npm run token -- --role customer --sub <customerId>`).',
    tags: ['sandbox'],
    auth: 'public',
    body: z
      .strictObject({
        customerId: z.string().min(1).max(100),
        amount: positiveAmountString.default('30000.00'),
        termMonths: z.number().int().min(12).max(120).default(24),
        nominalRatePercent: percentString.default('9.95'),
        noticeChannel: z.enum(NOTICE_CHANNELS as [NoticeChannel, ...NoticeChannel[]]).default('autogiro'),
        monthsAgo: z
          .number()
          .int()
          .min(5)
          .max(24)
          .default(6)
          .describe('at least 5: time for the termination to run out'),
      })
      .openapi('SandboxOverdueLoan'),
    responses: {
      201: {
        description: 'the loan workflow started',
        schema: z.object({
          loanId: z.string(),
          contractNumber: z.string(),
          payoutDate: z.string(),
          workflowId: z.string(),
        }),
      },
    },
    handler: async ({ body }) => {
      // R-PROD-1: the product's limits, as a quote has them (a 400 naming each field).
      const payoutDate = addMonths(stockholmToday(), -body.monthsAgo);
      const violations = quoteRequestViolations({
        amount: new Decimal(body.amount),
        termMonths: body.termMonths,
        nominalRatePercent: new Decimal(body.nominalRatePercent),
        noticeChannel: body.noticeChannel,
        payoutDate,
      });
      if (violations.length > 0)
        throw badRequest(
          'the loan is outside the product limits',
          violations.map((v) => ({ field: `body.${v.field}`, message: v.message })),
        );
      const loanId = randomUUID();
      const terms: LoanTerms = {
        loanId,
        // Nine digits: never one of the application sequence's eight-digit contract numbers.
        contractNumber: String(randomInt(100_000_000, 999_999_999)),
        customerId: body.customerId,
        amount: body.amount,
        termMonths: body.termMonths,
        nominalRatePercent: body.nominalRatePercent,
        noticeChannel: body.noticeChannel,
        payoutDate,
      };
      const workflowId = loanWorkflowId(loanId);
      await deps.temporal.workflow.start(loanWorkflow, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId,
        staticSummary: loanWorkflowSummary(terms),
        args: [{ terms }],
      });
      return {
        status: 201,
        body: { loanId, contractNumber: terms.contractNumber, payoutDate: terms.payoutDate, workflowId },
      };
    },
  });
}
