/**
 * Direct debit (autogiro, R-PAY-3; R-COLL-6 for a plan): the borrower gives a mandate for their
 * loan's invoices (Mina sidor), the debtor one for their collection case's plan, each signed with
 * BankID by the account holder (the answer carries the BankID order to open the app with); the
 * mandate is then read and can be cancelled. Someone else's loan, case or mandate is a 404; a
 * mandate the loan or case cannot take (ended, or one already live) is a 409 naming the rule.
 */
import { randomUUID } from 'node:crypto';
import { findCollectionCaseByNumber } from '../../db/collection-case-repository';
import { findMandate, insertMandate, listMandatesOfLoan, type MandateRow } from '../../db/direct-debit-repository';
import { findLoan, type LoanRow } from '../../db/loan-repository';
import { mandateSigningText, maskedAccount, type MandateFor } from '../../texts/direct-debit';
import { cancelDirectDebitMandateWorkflow, directDebitMandateWorkflow } from '../../workflows/direct-debit-mandate';
import {
  mandateCancelWorkflowId,
  mandateSigningOrderUpdate,
  mandateWorkflowId,
} from '../../workflows/direct-debit-messages';
import type { Principal } from '../auth';
import { caseParams } from '../collection-case';
import type { ApiDeps } from '../deps';
import { mayAccessLoan } from '../loan-access';
import { notFound, ProblemError } from '../problem';
import type { ApiRoutes } from '../routing';
import { personnummerString } from '../schemas';
import { endUserIp } from '../security';
import { z } from '../zod';

const TAG = 'direct debit';

/** A refusal by R-PAY-3: 409 naming the rule (and the field, when one is to blame). */
const refused = (detail: string, field?: string) =>
  new ProblemError(
    409,
    'Conflict',
    detail,
    field ? [{ field, message: detail }] : undefined,
    '/problems/conflict',
    'R-PAY-3',
  );

const mandateBody = z
  .strictObject({
    clearingNumber: z.string().regex(/^\d{4,5}$/, 'must be 4–5 digits'),
    accountNumber: z.string().regex(/^\d{1,12}$/, 'must be 1–12 digits'),
    payerPersonnummer: personnummerString.describe('the account holder, who signs the mandate with BankID'),
  })
  .openapi('DirectDebitMandateRequest');

const mandateSchema = z
  .object({
    mandateId: z.string(),
    status: z.enum(['PENDING_SIGNATURE', 'ACTIVE', 'FAILED', 'CANCELLED']),
    loanId: z.string(),
    caseNumber: z.string().nullable().describe('set for a mandate for a collection case’s plan'),
    account: z.string().describe('clearing number and the last digits of the account'),
    failureReason: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('DirectDebitMandate');

const signingSchema = z
  .object({
    mandate: mandateSchema,
    bankId: z
      .object({ orderRef: z.string(), autoStartToken: z.string(), qrStartToken: z.string() })
      .describe('open the BankID app with autoStartToken (or show the animated QR code)'),
  })
  .openapi('DirectDebitMandateSigning');

export type DirectDebitMandateView = z.infer<typeof mandateSchema>;
type MandateInput = z.infer<typeof mandateBody>;

const caseNumberOfId = (deps: ApiDeps, caseId: string) =>
  deps.db.selectFrom('collection_cases').select('case_number').where('id', '=', caseId).executeTakeFirst();

/** The mandate as the API answers it. */
export async function directDebitMandateView(deps: ApiDeps, row: MandateRow): Promise<DirectDebitMandateView> {
  const caseRow = row.case_id ? await caseNumberOfId(deps, row.case_id) : undefined;
  return {
    mandateId: row.id,
    status: row.status,
    loanId: row.loan_id,
    caseNumber: caseRow?.case_number ?? null,
    account: maskedAccount(row.clearing_number, row.account_number),
    failureReason: row.failure_reason,
    cancelledBy: row.cancelled_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** The loan if it is the customer's own (operators see any); a 404 otherwise. */
async function ownLoan(deps: ApiDeps, principal: Principal | undefined, loanId: string): Promise<LoanRow> {
  const loan = await findLoan(deps.db, loanId);
  if (!loan || !mayAccessLoan(principal, loan)) throw notFound(`no loan ${loanId}`);
  return loan;
}

/** Records the mandate, starts its signing and answers with the BankID order. */
async function give(
  deps: ApiDeps,
  input: { loan: LoanRow; caseId: string | null; for: MandateFor; endUserIp: string },
  body: MandateInput,
) {
  const mandateId = randomUUID();
  const row = await insertMandate(deps.db, {
    id: mandateId,
    customerId: input.loan.customer_id,
    loanId: input.loan.id,
    caseId: input.caseId,
    clearingNumber: body.clearingNumber,
    accountNumber: body.accountNumber,
    payerPersonnummer: body.payerPersonnummer,
  });
  if (!row) throw refused('a direct-debit mandate is already given or being signed: cancel it first');
  const handle = await deps.temporal.workflow.start(directDebitMandateWorkflow, {
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowId: mandateWorkflowId(mandateId),
    args: [
      {
        mandateId,
        personnummer: body.payerPersonnummer,
        endUserIp: input.endUserIp,
        userVisibleData: mandateSigningText({ for: input.for, ...body }),
      },
    ],
  });
  const order = await handle.executeUpdate(mandateSigningOrderUpdate);
  const now = (await findMandate(deps.db, mandateId))!;
  if (!order) throw refused('the BankID signature could not be started: try again');
  return { mandate: await directDebitMandateView(deps, now), bankId: order };
}

/** R-PAY-3: an autogiro mandate for the loan's invoices, waiting for the account holder's BankID. */
export async function giveLoanDirectDebitMandate(
  deps: ApiDeps,
  principal: Principal | undefined,
  loanId: string,
  body: MandateInput,
  ip: string,
) {
  const loan = await ownLoan(deps, principal, loanId);
  if (loan.status !== 'ACTIVE') throw refused(`the loan is ${loan.status}: it is not invoiced any more`);
  return give(
    deps,
    { loan, caseId: null, for: { kind: 'loan', contractNumber: loan.contract_number }, endUserIp: ip },
    body,
  );
}

/** R-COLL-6, R-PAY-3: an autogiro mandate for the case's plan, waiting for the account holder's BankID. */
export async function giveCaseDirectDebitMandate(
  deps: ApiDeps,
  principal: Principal | undefined,
  caseNumber: string,
  body: MandateInput,
  ip: string,
) {
  const caseRow = await findCollectionCaseByNumber(deps.db, caseNumber);
  const loan = caseRow ? await findLoan(deps.db, caseRow.loan_id) : undefined;
  if (!caseRow || !loan || !mayAccessLoan(principal, loan)) throw notFound(`no collection case ${caseNumber}`);
  if (caseRow.status !== 'OPEN') throw refused(`the case is ${caseRow.status}: nothing is drawn for it`);
  return give(deps, { loan, caseId: caseRow.id, for: { kind: 'case', caseNumber }, endUserIp: ip }, body);
}

/** The loan's mandates (and its collection case's), newest first. */
export async function directDebitMandatesOfLoan(
  deps: ApiDeps,
  principal: Principal | undefined,
  loanId: string,
): Promise<DirectDebitMandateView[]> {
  const loan = await ownLoan(deps, principal, loanId);
  const rows = await listMandatesOfLoan(deps.db, loan.id);
  return Promise.all(rows.map((r) => directDebitMandateView(deps, r)));
}

/** The mandate if the principal may see it (the borrower or an operator); a 404 otherwise. */
async function visibleMandate(deps: ApiDeps, principal: Principal | undefined, mandateId: string): Promise<MandateRow> {
  const row = await findMandate(deps.db, mandateId);
  const mayRead =
    row && (principal?.role === 'operator' || (principal?.role === 'customer' && row.customer_id === principal.sub));
  if (!row || !mayRead) throw notFound(`no mandate ${mandateId}`);
  return row;
}

/** One mandate the principal may see. */
export async function directDebitMandate(deps: ApiDeps, principal: Principal | undefined, mandateId: string) {
  return directDebitMandateView(deps, await visibleMandate(deps, principal, mandateId));
}

/** R-PAY-3: an active mandate cancelled; nothing more is drawn under it. */
export async function cancelDirectDebitMandate(
  deps: ApiDeps,
  principal: Principal | undefined,
  mandateId: string,
): Promise<DirectDebitMandateView> {
  const row = await visibleMandate(deps, principal, mandateId);
  if (row.status !== 'ACTIVE') throw refused(`the mandate is ${row.status}: only an active mandate can be cancelled`);
  await deps.temporal.workflow.execute(cancelDirectDebitMandateWorkflow, {
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowId: mandateCancelWorkflowId(row.id),
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    args: [{ mandateId: row.id, by: principal?.role === 'operator' ? 'operator' : 'customer' }],
  });
  return directDebitMandateView(deps, (await findMandate(deps.db, row.id))!);
}

export function directDebitRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/direct-debit-mandate',
    operationId: 'giveLoanDirectDebitMandate',
    summary: 'Give an autogiro mandate for the loan’s invoices, to be signed with BankID (R-PAY-3)',
    description:
      'The account holder signs in the BankID app; once signed, the mandate is ACTIVE and every later invoice is ' +
      'drawn on its due date. One live mandate per loan (409 naming R-PAY-3); an ended loan takes none (409).',
    tags: [TAG],
    auth: ['customer'],
    params: z.object({ loanId: z.string().min(1).max(100) }),
    body: mandateBody,
    responses: {
      201: { description: 'the mandate, waiting for the BankID signature', schema: signingSchema },
      404: { description: 'no such loan of yours' },
      409: { description: 'the loan has ended, or a mandate is already live (R-PAY-3)' },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await giveLoanDirectDebitMandate(deps, principal, params.loanId, body, endUserIp(req)),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/direct-debit-mandate',
    operationId: 'giveCaseDirectDebitMandate',
    summary: 'Give an autogiro mandate for the case’s installment plan, to be signed with BankID (R-COLL-6, R-PAY-3)',
    description:
      'Once signed, each plan installment is drawn on its day; a refused draw is a missed installment. One live ' +
      'mandate per case; a closed case takes none (409 naming R-PAY-3).',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: mandateBody,
    responses: {
      201: { description: 'the mandate, waiting for the BankID signature', schema: signingSchema },
      404: { description: 'no such case of yours' },
      409: { description: 'the case is closed, or a mandate is already live (R-PAY-3)' },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await giveCaseDirectDebitMandate(deps, principal, params.caseNumber, body, endUserIp(req)),
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId/direct-debit-mandates',
    operationId: 'listDirectDebitMandates',
    summary: 'The loan’s autogiro mandates (and its collection case’s), newest first',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: z.object({ loanId: z.string().min(1).max(100) }),
    responses: {
      200: { description: 'the mandates', schema: z.object({ items: z.array(mandateSchema) }) },
      404: { description: 'no such loan of yours' },
    },
    handler: async ({ principal, params }) => ({
      status: 200,
      body: { items: await directDebitMandatesOfLoan(deps, principal, params.loanId) },
    }),
  });

  const mandateParams = z.object({ mandateId: z.string().uuid('not a mandate id') });
  routes.add({
    method: 'get',
    path: '/v1/direct-debit-mandates/:mandateId',
    operationId: 'getDirectDebitMandate',
    summary: 'One autogiro mandate: PENDING_SIGNATURE, ACTIVE, FAILED or CANCELLED',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: mandateParams,
    responses: { 200: { description: 'the mandate', schema: mandateSchema }, 404: { description: 'no such mandate' } },
    handler: async ({ principal, params }) => ({
      status: 200,
      body: await directDebitMandate(deps, principal, params.mandateId),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/direct-debit-mandates/:mandateId/cancel',
    operationId: 'cancelDirectDebitMandate',
    summary: 'Cancel an active autogiro mandate: nothing more is drawn under it (R-PAY-3)',
    description:
      'Only an ACTIVE mandate can be cancelled (409 naming R-PAY-3 otherwise); invoices are then paid as usual.',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: mandateParams,
    responses: {
      200: { description: 'the cancelled mandate', schema: mandateSchema },
      404: { description: 'no such mandate' },
      409: { description: 'the mandate is not active (R-PAY-3)' },
    },
    handler: async ({ principal, params }) => ({
      status: 200,
      body: await cancelDirectDebitMandate(deps, principal, params.mandateId),
    }),
  });
}
