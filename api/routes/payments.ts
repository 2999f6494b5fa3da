/**
 * Incoming payments (R-LOAN-2): what a bank file import calls. A payment is registered once per
 * bank reference, matched by its OCR reference to a loan, and applied by its payment workflow
 * (`payment-<id>`, workflows/payment.ts), which wakes the loan workflow when it must; an unmatched
 * payment waits in the suspense list until an operator assigns it.
 */
import { assignPayment, findLoan, findPayment, listSuspensePayments, type PaymentRow } from '../../db/loan-repository';
import { findCollectionCaseOfLoan } from '../../db/collection-case-repository';
import { hasLoanEnded } from '../../domain/loan-statuses';
import type { ApiDeps } from '../deps';
import { registerIncomingPayment, startPaymentWorkflow } from '../payment-registration';
import { paymentSchema, toPaymentView } from '../payment-view';
import { badRequest, conflict, notFound, ProblemError, workflowUnavailable } from '../problem';
import type { ApiRoutes } from '../routing';
import { EARLIEST_BUSINESS_DATE, isoDateWithin, positiveAmountString, stockholmToday } from '../schemas';
import { z } from '../zod';

const registerBody = z
  .strictObject({
    bankReference: z.string().min(1).max(100).describe('the bank’s unique reference: a repeat registers nothing new'),
    ocrReference: z.string().regex(/^\d{2,25}$/, 'must be 2–25 digits'),
    amount: positiveAmountString.describe('0.01–999999999999.99 SEK, at most 2 decimals'),
    paymentDate: isoDateWithin(() => ({ from: EARLIEST_BUSINESS_DATE, to: stockholmToday() })).describe(
      `the value date: the day the customer paid, from the bank file (R-PAY-1): from ${EARLIEST_BUSINESS_DATE} to ` +
        'today (Europe/Stockholm), never later; the booking date is the day it is registered',
    ),
  })
  .openapi('PaymentRegistration');

/** A 409 about the loan an assignment names. */
const loanIdConflict = (detail: string, message: string) =>
  new ProblemError(409, 'Conflict', detail, [{ field: 'body.loanId', message }], '/problems/conflict');

/**
 * Starts the payment's workflow once (api/payment-registration.ts). Temporal unreachable is a 503:
 * the payment is stored, and the same request again starts it.
 */
async function applyToLoan(deps: ApiDeps, payment: PaymentRow): Promise<void> {
  try {
    await startPaymentWorkflow(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, payment);
  } catch (error) {
    deps.logger.error({ err: error, paymentId: payment.id }, 'payment workflow could not be started');
    throw workflowUnavailable(
      'the workflow service is unavailable, try again: the payment is stored and the same request starts it',
    );
  }
}

/**
 * A payment already assigned: to the loan asked for, the assignment is repeated (its workflow
 * started if it is not yet) and answered as the first was; to another loan, a 409.
 */
async function answerAssigned(deps: ApiDeps, payment: PaymentRow, loanId: string) {
  if (payment.loan_id !== loanId) {
    throw loanIdConflict(
      `payment ${payment.id} is not in suspense: it is ${payment.status}${payment.loan_id ? ' on another loan' : ''}`,
      'the payment is already assigned to another loan',
    );
  }
  await applyToLoan(deps, payment);
  return toPaymentView(payment);
}

/**
 * Assigns a suspense payment to a loan: idempotent; to another loan, or to a loan that has ended,
 * a 409 naming body.loanId. Shared by the route and the operator pages (web/operator).
 */
export async function assignSuspensePayment(deps: ApiDeps, paymentId: string, loanId: string) {
  const payment = await findPayment(deps.db, paymentId);
  if (!payment) throw notFound(`no payment ${paymentId}`);
  if (payment.status !== 'SUSPENSE') return answerAssigned(deps, payment, loanId);
  const loan = await findLoan(deps.db, loanId);
  if (!loan) throw badRequest('unknown loan', [{ field: 'body.loanId', message: 'no such loan' }]);
  // R-COLL-9: a loan in collection takes payments for its open case.
  const openCase = loan.status === 'IN_COLLECTION' ? await findCollectionCaseOfLoan(deps.db, loan.id) : undefined;
  if (hasLoanEnded(loan.status) && !(openCase?.case_number && openCase.status === 'OPEN')) {
    throw loanIdConflict(`loan ${loan.id} is ${loan.status}: it takes no payments`, `the loan is ${loan.status}`);
  }
  const assigned = await assignPayment(deps.db, paymentId, loanId);
  if (assigned) {
    await applyToLoan(deps, assigned);
    return toPaymentView(assigned);
  }
  // Assigned meanwhile (a concurrent call): answer as for a repeat.
  const now = await findPayment(deps.db, paymentId);
  if (!now) throw conflict(`payment ${paymentId} changed meanwhile`);
  return answerAssigned(deps, now, loanId);
}

export function paymentRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/payments',
    operationId: 'registerPayment',
    summary: 'Register an incoming bank payment (OCR reference, amount, date)',
    description: 'Idempotent on bankReference. Unmatched OCR references go to the suspense list.',
    tags: ['payments'],
    auth: ['operator'],
    body: registerBody,
    responses: {
      201: { description: 'registered', schema: paymentSchema },
      200: { description: 'already registered (same bankReference)', schema: paymentSchema },
      409: { description: 'the bankReference was registered with other details' },
      503: { description: 'the workflow service is unavailable: the payment is stored, repeat the request' },
    },
    handler: async ({ body }) => {
      // One registration for single payments and bank files (api/payment-registration.ts).
      const registration = await registerIncomingPayment(deps.db, body);
      if (registration.kind === 'conflict')
        throw conflict(`bank reference ${body.bankReference} was registered with other details`);
      await applyToLoan(deps, registration.payment);
      return { status: registration.kind === 'registered' ? 201 : 200, body: toPaymentView(registration.payment) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/payments/suspense',
    operationId: 'listSuspensePayments',
    summary: 'Payments whose OCR reference matched no loan',
    tags: ['payments'],
    auth: ['operator'],
    responses: { 200: { description: 'the suspense list', schema: z.object({ payments: z.array(paymentSchema) }) } },
    handler: async () => ({
      status: 200,
      body: { payments: (await listSuspensePayments(deps.db)).map(toPaymentView) },
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/payments/:paymentId/assign',
    operationId: 'assignSuspensePayment',
    summary: 'Assign a suspense payment to a loan; it is then allocated like any payment',
    tags: ['payments'],
    auth: ['operator'],
    params: z.object({ paymentId: z.string().uuid('not a payment id') }),
    body: z.strictObject({ loanId: z.string().min(1) }).openapi('PaymentAssignment'),
    description:
      'Idempotent: assigning again to the same loan answers as the first assignment did (and starts the payment’s ' +
      'workflow if it is not running yet); to another loan it is a 409. A loan that has ended (CLOSED, WITHDRAWN, ' +
      'IN_COLLECTION) takes no assignment: 409 naming body.loanId.',
    responses: {
      200: { description: 'assigned', schema: paymentSchema },
      409: { description: 'assigned to another loan already, or the loan has ended' },
      503: { description: 'the workflow service is unavailable: the assignment is stored, repeat the request' },
    },
    handler: async ({ params, body }) => ({
      status: 200,
      body: await assignSuspensePayment(deps, params.paymentId, body.loanId),
    }),
  });
}
