/**
 * Actions on a running loan (R-LOAN-5…8, R-LOAN-10): early repayment (quote, then confirm), a
 * payment-free month, withdrawal, and rate changes for one loan or many. Each is an update of the
 * loan workflow (workflows/loan-messages.ts): the workflow decides, this file only maps the wire
 * format and the answers.
 *
 * Errors (RFC 9457 problem+json):
 * - 400: the request is malformed (zod); `errors` names every bad field.
 * - 404: no such loan, or not the calling customer's (R-SEC-1: other people's loans don't exist).
 * - 409 `/problems/update-refused`: the request is well-formed but the loan refuses the action
 *   now (overdue amounts, too short a notice, outside the withdrawal period, an unknown quote, …).
 *   Every refusal is a 409, never a 422, because whether an action is allowed depends on the loan's
 *   state, not on the request alone. `reason` carries the workflow's reason and, when it names a
 *   request field, `errors[0].field` is `body.<field>` (or `params.<field>` for a path parameter).
 * - 409 `/problems/loan-ended`: the loan is CLOSED, IN_COLLECTION or WITHDRAWN (its workflow has
 *   ended): nothing can be changed any more.
 *
 * Longer than 400 lines because the six actions share the loan lookup, the update call and this
 * mapping of refusals; each route is a declaration (schema, roles, OpenAPI) and a few lines.
 */
import { WorkflowNotFoundError, type WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Request } from 'express';
import { findLoan, type LoanRow } from '../../db/loan-repository';
import { isIsoDate } from '../../domain/dates';
import { checkEarlyRepaymentDate } from '../../domain/early-repayment';
import { hasLoanEnded } from '../../domain/loan-statuses';
import { parseAmount } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { checkNewRatePercent } from '../../domain/rate-change';
import {
  changeRateUpdate,
  confirmEarlyRepaymentUpdate,
  loanWorkflowId,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  withdrawUpdate,
} from '../../workflows/loan-messages';
import type { EarlyRepaymentRequest, RateChangeNotice, RateChangeRequest } from '../../domain/loan-actions';
import type { Principal } from '../auth';
import type { ApiDeps } from '../deps';
import { findOwnLoan } from '../loan-access';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, refusalOf, refusalProblem } from '../problem';
import { type ApiRoutes, problemSchema, type RouteResult } from '../routing';
import { isoDate, percentString, positiveAmountString, stockholmToday } from '../schemas';
import { z } from '../zod';

/** At most this many loans per bulk rate change, and this many updates in flight at once. */
export const BULK_RATE_CHANGE_MAX_LOANS = 500;
export const BULK_RATE_CHANGE_CONCURRENCY = 16;

// Request-only limits the loan workflow's validators (workflows/loan-updates.ts) also enforce, by
// the same domain checks: asked here too, so a request that breaks them is a 400 naming the field
// rather than the workflow's 409.

/** Early repayment: a partial amount has at most 9 integer digits. */
const PARTIAL_AMOUNT_LIMIT = '1000000000';
const { earlyRepaymentQuoteMaxDaysAhead, maxNewRatePercent } = DEFAULT_PRODUCT.loan;

const money = z.string().regex(/^-?\d+\.\d{2}$/);

const earlyRepaymentDate = isoDate
  .superRefine((s, ctx) => {
    if (!isIsoDate(s)) return; // reported above
    const check = checkEarlyRepaymentDate(stockholmToday(), s);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
  })
  .optional()
  .describe(`the day you will pay: today (the default) or up to ${earlyRepaymentQuoteMaxDaysAhead} days ahead`);

const partialAmount = positiveAmountString.refine((s) => parseAmount(s).lessThan(PARTIAL_AMOUNT_LIMIT), {
  message: 'must be less than 1000000000 (at most 9 integer digits)',
});

const newRatePercent = percentString.superRefine((s, ctx) => {
  const check = checkNewRatePercent(s);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
});

const loanParams = z.object({ loanId: z.string().min(1).max(100) });
const quoteParams = loanParams.extend({ quoteId: z.string().min(1).max(300) });

const quoteRequestSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('whole'),
      paymentDate: earlyRepaymentDate,
    }),
    z.strictObject({
      kind: z.literal('partial'),
      amount: partialAmount.describe('what you will pay on top of the regular installments'),
      paymentDate: earlyRepaymentDate,
    }),
  ])
  .openapi('EarlyRepaymentQuoteRequest');

const quoteSchema = z
  .object({
    quoteId: z.string(),
    kind: z.enum(['whole', 'partial']),
    paymentDate: z.string().describe('holds for a payment registered on this date or earlier'),
    total: money.describe('what to pay, to ocrReference'),
    principal: money,
    accruedInterest: money,
    unpaidInterest: money,
    unpaidFees: money,
    fee: money.describe('always 0.00 (R-LOAN-7)'),
    ocrReference: z.string(),
    remainingInstallments: z.number().int().nullable(),
    lastDueDate: z.string().nullable(),
  })
  .openapi('EarlyRepaymentQuote');

const orderSchema = z
  .object({
    quoteId: z.string(),
    kind: z.enum(['whole', 'partial']),
    status: z.enum(['CONFIRMED', 'SETTLED', 'EXPIRED']),
    total: money,
    payBy: z.string(),
    ocrReference: z.string(),
  })
  .openapi('EarlyRepaymentOrder');

const paymentFreeMonthRequestSchema = z
  .strictObject({
    installmentNumber: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('the installment to skip; default the next one not yet invoiced'),
  })
  .openapi('PaymentFreeMonthRequest');

const paymentFreeMonthSchema = z
  .object({
    installmentNumber: z.number().int(),
    dueDate: z.string(),
    capitalisedInterest: money.describe('the month’s interest, added to the debt'),
    newMonthlyPayment: money,
    termMonths: z.number().int(),
  })
  .openapi('PaymentFreeMonthGrant');

const withdrawalSchema = z
  .object({
    noticeDate: z.string(),
    repayBy: z.string(),
    principal: money,
    interest: money,
    interestPerDay: z
      .string()
      .regex(/^\d+\.\d{2,4}$/)
      .describe('interest per day until repaid (R-LOAN-8), to four decimals'),
    feesRefunded: money,
    total: money,
    ocrReference: z.string(),
    status: z.enum(['AWAITING_REPAYMENT', 'REPAID', 'OVERDUE']),
  })
  .openapi('WithdrawalOrder');

const rateChangeFields = {
  changeId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
    .describe('your id for the change: a repeat for the same loan returns the first answer'),
  newNominalRatePercent: newRatePercent.describe(`the new nominal rate, 0–${maxNewRatePercent}, e.g. "10.45"`),
  effectiveFrom: isoDate.describe('at least one month after the borrower is notified (R-LOAN-10)'),
};
const RATE_CHANGE_FIELDS = Object.keys(rateChangeFields);
const rateChangeRequestSchema = z.strictObject(rateChangeFields).openapi('RateChangeRequest');
export const bulkRateChangeRequestSchema = z
  .strictObject({
    ...rateChangeFields,
    loanIds: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(BULK_RATE_CHANGE_MAX_LOANS)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat a loan' })
      .describe(`1–${BULK_RATE_CHANGE_MAX_LOANS} loan ids`),
  })
  .openapi('BulkRateChangeRequest');

const rateChangeNoticeSchema = z
  .object({
    changeId: z.string(),
    announcedOn: z.string(),
    effectiveFrom: z.string(),
    firstInstallment: z.number().int().describe('the first installment at the new rate'),
    newNominalRatePercent: z.string(),
    newMonthlyPayment: money,
    remainingInstallments: z.number().int(),
  })
  .openapi('RateChangeNotice');

const bulkResultSchema = z
  .object({
    changeId: z.string(),
    accepted: z.number().int(),
    refused: z.number().int(),
    results: z.array(
      z.object({
        loanId: z.string(),
        outcome: z.enum(['accepted', 'refused']),
        notice: rateChangeNoticeSchema.optional(),
        status: z.number().int().optional().describe('refused: the HTTP status the single-loan call would answer'),
        reason: z.string().optional(),
        field: z.string().optional(),
        detail: z.string().optional(),
      }),
    ),
  })
  .openapi('BulkRateChangeResult');

const loanActionProblemSchema = problemSchema
  .extend({
    reason: z.string().optional().describe('why the loan refused, from the loan workflow'),
    loanStatus: z.string().optional(),
  })
  .openapi('LoanActionProblem', { description: 'RFC 9457 problem: the loan refused the action, or has ended' });

const CONFLICT_RESPONSE = {
  description: 'the loan refuses the action now (`reason`), or has ended (CLOSED, IN_COLLECTION, WITHDRAWN)',
  schema: loanActionProblemSchema,
};

/** A refusal or an ended loan, as the problem the API answers. */
export interface LoanActionProblem extends ProblemDetails {
  reason?: string;
  loanStatus?: string;
}

/** Thrown inside a handler, answered as a problem with the extra members (`reason`, `loanStatus`). */
export class LoanActionProblemError extends Error {
  constructor(readonly problem: LoanActionProblem) {
    super(problem.detail ?? problem.title);
    this.name = 'LoanActionProblemError';
  }
}

function loanEnded(loanId: string, status: string): LoanActionProblemError {
  return new LoanActionProblemError({
    type: '/problems/loan-ended',
    title: 'Conflict',
    status: 409,
    detail: `loan ${loanId} is ${status}: its life has ended and it takes no more actions`,
    reason: 'loan-ended',
    loanStatus: status,
  });
}

function problemResult(req: Request, problem: LoanActionProblem): RouteResult {
  return {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: { ...problem, instance: req.originalUrl },
  };
}

type Handle = ReturnType<ApiDeps['temporal']['workflow']['getHandle']>;

/** The loan if the principal may act on it (R-SEC-1, else 404) and it has not ended (else 409). */
export async function actionableLoan(
  deps: ApiDeps,
  principal: Principal | undefined,
  loanId: string,
): Promise<LoanRow> {
  const loan = await findOwnLoan(deps.db, principal, loanId);
  if (hasLoanEnded(loan.status)) throw loanEnded(loanId, loan.status);
  return loan;
}

/**
 * Sends one update to the loan's workflow and maps its refusals: a refusal (api/problem.ts) →
 * 409 with the reason; a workflow that has ended meanwhile → 409 loan-ended. Anything else is
 * unexpected and propagates (500, logged). Shared by the routes and the pages (web/).
 */
export async function actOnLoan<T>(
  deps: ApiDeps,
  loan: LoanRow,
  send: (handle: Handle) => Promise<T>,
  fields: { params?: string[]; body: string[] },
): Promise<T> {
  try {
    return await send(deps.temporal.workflow.getHandle(loanWorkflowId(loan.id)));
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) {
      const problem = refusalProblem(refused, { params: fields.params ?? [], body: fields.body }).toDetails();
      throw new LoanActionProblemError({ ...problem, reason: refused.message });
    }
    if (err instanceof WorkflowNotFoundError) {
      const now = await findLoan(deps.db, loan.id);
      throw loanEnded(loan.id, now && now.status !== 'ACTIVE' ? now.status : 'no longer running');
    }
    throw err as Error | WorkflowUpdateRPCTimeoutOrCancelledError;
  }
}

/**
 * R-LOAN-5/10: one rate change for many loans; one result per loan (accepted with its notice, or
 * refused with the reason). Shared by the route and the operator pages (web/operator).
 */
export async function changeRateForLoans(
  deps: ApiDeps,
  principal: Principal,
  body: { changeId: string; newNominalRatePercent: string; effectiveFrom: string; loanIds: string[] },
) {
  const request = toRateChange(body);
  const results = await mapBounded(body.loanIds, BULK_RATE_CHANGE_CONCURRENCY, async (loanId) => {
    try {
      const loan = await actionableLoan(deps, principal, loanId);
      const notice: RateChangeNotice = await actOnLoan(
        deps,
        loan,
        (h) => h.executeUpdate(changeRateUpdate, { args: [request] }),
        {
          body: RATE_CHANGE_FIELDS,
        },
      );
      return { loanId, outcome: 'accepted' as const, notice };
    } catch (err) {
      const problem = err instanceof LoanActionProblemError ? err.problem : undefined;
      const status = problem?.status ?? (err as { status?: number }).status;
      if (typeof status !== 'number' || status >= 500) {
        // Unexpected for this loan (Temporal unavailable, a timeout): reported, never thrown.
        deps.logger.error({ err, loanId }, 'bulk rate change: unexpected failure for one loan');
        return { loanId, outcome: 'refused' as const, status: 503, reason: 'unavailable', detail: 'try again' };
      }
      const field = problem?.errors?.[0]?.field;
      return {
        loanId,
        outcome: 'refused' as const,
        status,
        reason: problem?.reason ?? (status === 404 ? 'not-found' : 'refused'),
        ...(field ? { field } : {}),
        detail: problem?.detail ?? (err as Error).message,
      };
    }
  });
  const accepted = results.filter((r) => r.outcome === 'accepted').length;
  return { changeId: body.changeId, accepted, refused: results.length - accepted, results };
}

export function loanActionRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const actionable = (principal: Principal | undefined, loanId: string) => actionableLoan(deps, principal, loanId);
  const act = <T>(loan: LoanRow, send: (handle: Handle) => Promise<T>, fields: { params?: string[]; body: string[] }) =>
    actOnLoan(deps, loan, send, fields);

  /** Runs a handler body, answering its loan-action problems with their extra members. */
  const answering = async (req: Request, fn: () => Promise<RouteResult>): Promise<RouteResult> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof LoanActionProblemError) return problemResult(req, err.problem);
      throw err;
    }
  };

  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/early-repayment/quotes',
    operationId: 'quoteEarlyRepayment',
    summary: 'Quote an early repayment, whole or partial, without fee (R-LOAN-7)',
    description:
      'Whole: principal + interest accrued to the payment date + unpaid interest and fees. Partial: the principal ' +
      'is reduced by `amount` and the term shortened, the monthly payment kept. Confirm the quote to get the order.',
    tags: ['loan actions'],
    auth: ['customer', 'operator'],
    params: loanParams,
    body: quoteRequestSchema,
    responses: { 201: { description: 'the quote', schema: quoteSchema }, 409: CONFLICT_RESPONSE },
    handler: ({ req, principal, params, body }) =>
      answering(req, async () => {
        const loan = await actionable(principal, params.loanId);
        const input: EarlyRepaymentRequest =
          body.kind === 'whole'
            ? { kind: 'whole', ...(body.paymentDate ? { paymentDate: body.paymentDate } : {}) }
            : {
                kind: 'partial',
                amount: parseAmount(body.amount).toFixed(2),
                ...(body.paymentDate ? { paymentDate: body.paymentDate } : {}),
              };
        const quote = await act(loan, (h) => h.executeUpdate(quoteEarlyRepaymentUpdate, { args: [input] }), {
          body: ['kind', 'amount', 'paymentDate'],
        });
        return { status: 201, body: quote };
      }),
  });

  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/early-repayment/quotes/:quoteId/confirm',
    operationId: 'confirmEarlyRepayment',
    summary: 'Confirm an early-repayment quote: the order to pay (R-LOAN-7)',
    tags: ['loan actions'],
    auth: ['customer', 'operator'],
    params: quoteParams,
    body: z.strictObject({}).openapi('EarlyRepaymentConfirmation', { description: 'empty: nothing to send' }),
    responses: { 200: { description: 'the order', schema: orderSchema }, 409: CONFLICT_RESPONSE },
    handler: ({ req, principal, params }) =>
      answering(req, async () => {
        const loan = await actionable(principal, params.loanId);
        const order = await act(
          loan,
          (h) => h.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: params.quoteId }] }),
          { params: ['loanId', 'quoteId'], body: [] },
        );
        return { status: 200, body: order };
      }),
  });

  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/payment-free-months',
    operationId: 'requestPaymentFreeMonth',
    summary: 'Skip one installment (R-LOAN-6)',
    description:
      'Allowed when nothing is overdue, at most one per 12 months. The month’s interest is added to the debt and ' +
      'the term grows by one month.',
    tags: ['loan actions'],
    auth: ['customer', 'operator'],
    params: loanParams,
    body: paymentFreeMonthRequestSchema,
    responses: { 201: { description: 'granted', schema: paymentFreeMonthSchema }, 409: CONFLICT_RESPONSE },
    handler: ({ req, principal, params, body }) =>
      answering(req, async () => {
        const loan = await actionable(principal, params.loanId);
        const input = body.installmentNumber === undefined ? {} : { installmentNumber: body.installmentNumber };
        const grant = await act(loan, (h) => h.executeUpdate(requestPaymentFreeMonthUpdate, { args: [input] }), {
          body: ['installmentNumber'],
        });
        return { status: 201, body: grant };
      }),
  });

  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/withdrawal',
    operationId: 'withdrawFromLoan',
    summary: 'Withdraw from the agreement within 14 days (R-LOAN-8)',
    description:
      'Repay within 30 days the principal plus interest from payout; fees paid are refunded (set off against the ' +
      'repayment). The notice date is today.',
    tags: ['loan actions'],
    auth: ['customer', 'operator'],
    params: loanParams,
    body: z.strictObject({}).openapi('WithdrawalRequest'),
    responses: { 201: { description: 'the repayment order', schema: withdrawalSchema }, 409: CONFLICT_RESPONSE },
    handler: ({ req, principal, params }) =>
      answering(req, async () => {
        const loan = await actionable(principal, params.loanId);
        const order = await act(loan, (h) => h.executeUpdate(withdrawUpdate, { args: [{}] }), { body: [] });
        return { status: 201, body: order };
      }),
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/loans/:loanId/rate-changes',
    operationId: 'changeLoanRate',
    summary: 'Announce a rate change for one loan (R-LOAN-5, R-LOAN-10)',
    description:
      'The borrower is told now, with the new monthly payment over the remaining term; the change takes effect at ' +
      'the earliest one month after the borrower is notified. A repeat with the same changeId returns the first notice.',
    tags: ['loan actions'],
    auth: ['operator'],
    params: loanParams,
    body: rateChangeRequestSchema,
    responses: { 201: { description: 'the notice', schema: rateChangeNoticeSchema }, 409: CONFLICT_RESPONSE },
    handler: ({ req, principal, params, body }) =>
      answering(req, async () => {
        const loan = await actionable(principal, params.loanId);
        const notice = await act(loan, (h) => h.executeUpdate(changeRateUpdate, { args: [toRateChange(body)] }), {
          body: RATE_CHANGE_FIELDS,
        });
        return { status: 201, body: notice };
      }),
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/rate-changes',
    operationId: 'changeRateForLoans',
    summary: 'Announce one rate change for many loans (R-LOAN-5, R-LOAN-10)',
    description:
      `One result per loan, in the order given: accepted with its notice, or refused with the reason (and the ` +
      `status the single-loan call would answer). A refusal never stops the others. At most ` +
      `${BULK_RATE_CHANGE_CONCURRENCY} loans are asked at once; a repeat with the same changeId is safe.`,
    tags: ['loan actions'],
    auth: ['operator'],
    body: bulkRateChangeRequestSchema,
    responses: { 200: { description: 'one result per loan', schema: bulkResultSchema } },
    handler: async ({ principal, body }) => ({ status: 200, body: await changeRateForLoans(deps, principal!, body) }),
  });
}

function toRateChange(body: { changeId: string; newNominalRatePercent: string; effectiveFrom: string }) {
  const request: RateChangeRequest = {
    changeId: body.changeId,
    newNominalRatePercent: body.newNominalRatePercent,
    effectiveFrom: body.effectiveFrom,
  };
  return request;
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
