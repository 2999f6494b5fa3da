/**
 * Collection cases (R-COLL-2, R-SEC-1): the debtor's self-service — the overview of their cases
 * with the claim itemised and exact to today, the case's OCR and bankgiro, its timeline, and the
 * actions (postponement, installment plan, dispute) — and the operator's list, read and actions
 * (answer a dispute, write off). Reads come from the ledger and the case's rows; actions are the
 * case workflow's updates, whose refusals are mapped once (api/problem.ts). Someone else's case is
 * a 404; a refused action a 409 naming the rule.
 */
import { type CaseListRow, findCollectionCaseByNumber, listCaseEvents } from '../../db/collection-case-repository';
import { caseFlags, listCasesForOperators } from '../../db/collection-self-service-repository';
import { findInvoice, listInvoices } from '../../db/loan-repository';
import { claimView, DEFAULT_COLLECTION_PRODUCT } from '../../domain/collection';
import {
  COLLECTION_STAGES,
  COLLECTION_STATUSES,
  collectionCaseWorkflowId,
  daysInCollection,
} from '../../domain/collection-case';
import { addDays } from '../../domain/dates';
import {
  answerDisputeUpdate,
  type CaseView,
  disputeUpdate,
  orderInvoiceCopyUpdate,
  postponeUpdate,
  proposePlanUpdate,
  writeOffUpdate,
} from '../../workflows/collection-case-messages';
import type { Principal } from '../auth';
import { casesVisibleTo, findCaseAccess } from '../collection-access';
import { caseClaimToday } from '../case-claim';
import type { ApiDeps } from '../deps';
import { conflict, isWorkflowGone, notFound, refusalOf, refusalProblem } from '../problem';
import type { ApiRoutes } from '../routing';
import { isoDate, positiveAmountString, stockholmToday } from '../schemas';
import { z } from '../zod';

const TAG = 'collection';
const caseParams = z.object({ caseNumber: z.string().regex(/^\d{6,9}$/, 'not a case number') });

const money = z.string().describe('SEK, two decimals');
const claimSchema = z
  .object({
    principal: money,
    interest: money,
    fees: money,
    defaultInterest: money.describe('accrued to today (R-COLL-1)'),
    collectionFee: money,
    total: money,
  })
  .openapi('CollectionClaim');

const caseSchema = z
  .object({
    caseNumber: z.string(),
    contractNumber: z.string(),
    status: z.enum(COLLECTION_STATUSES),
    stage: z.string().nullable(),
    openedOn: isoDate,
    nextDueDate: isoDate.nullable().describe('the date the claim (or the next plan installment) is due'),
    claim: claimSchema,
    payTo: z.object({ bankgiro: z.string(), ocrReference: z.string() }),
    postponementsUsed: z.number().int(),
    plan: z.unknown().nullable(),
  })
  .openapi('CollectionCase');

const caseWithTimeline = caseSchema
  .extend({
    timeline: z.array(z.object({ date: isoDate, kind: z.string(), detail: z.record(z.string(), z.unknown()) })),
  })
  .openapi('CollectionCaseWithTimeline');

/** The case if the principal may see it (a helper too, R-COLL-8); anyone else's is a 404 (R-SEC-1). Shared with the pages (web/). */
export async function visibleCollectionCase(
  deps: ApiDeps,
  principal: Principal,
  caseNumber: string,
): Promise<CaseListRow> {
  return (await findCaseAccess(deps.db, principal, caseNumber)).row;
}

export type CollectionCaseView = z.infer<typeof caseSchema>;

/** The case as the ledger says today: default interest up to today added to what is posted (R-COLL-1, R-COLL-2). */
export async function collectionCaseView(deps: ApiDeps, row: CaseListRow): Promise<CollectionCaseView> {
  const claim = await caseClaimToday(deps, row);
  return {
    caseNumber: row.case_number!,
    contractNumber: row.contract_number,
    status: row.status,
    stage: row.stage,
    openedOn: row.opened_on,
    nextDueDate: row.deadline,
    claim: claimView(claim),
    payTo: { bankgiro: DEFAULT_COLLECTION_PRODUCT.bankgiro, ocrReference: row.ocr_reference! },
    postponementsUsed: row.postponements_used,
    plan: row.plan ?? null,
  };
}

const caseHandleOf = (deps: ApiDeps, row: CaseListRow) =>
  deps.temporal.workflow.getHandle(collectionCaseWorkflowId(row.case_number!));

/** Runs one of the case's updates; a refusal is the problem it names, a closed case a 409. */
export async function actOnCollectionCase<A>(
  deps: ApiDeps,
  row: CaseListRow,
  run: (handle: ReturnType<typeof caseHandleOf>) => Promise<A>,
): Promise<A> {
  try {
    return await run(caseHandleOf(deps, row));
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) throw refusalProblem(refused);
    if (isWorkflowGone(err)) throw conflict(`collection case ${row.case_number} is ${row.status}`);
    throw err;
  }
}

/** The case as its rows and the ledger say now (after an update has committed its step). */
export async function freshCollectionCase(deps: ApiDeps, row: CaseListRow): Promise<CollectionCaseView> {
  const fresh = (await findCollectionCaseByNumber(deps.db, row.case_number!))!;
  return collectionCaseView(deps, { ...fresh, customer_id: row.customer_id, contract_number: row.contract_number });
}

export function collectionRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const visibleCase = (principal: Principal, caseNumber: string) => visibleCollectionCase(deps, principal, caseNumber);
  const toView = (row: CaseListRow) => collectionCaseView(deps, row);
  const act = <A>(row: CaseListRow, run: (handle: ReturnType<typeof caseHandleOf>) => Promise<A>) =>
    actOnCollectionCase(deps, row, run);
  /** After an action: the case as its rows and the ledger say now (the update has committed its step). */
  const answer = async (row: CaseListRow, _view: CaseView) => ({
    status: 200,
    body: await freshCollectionCase(deps, row),
  });

  routes.add({
    method: 'get',
    path: '/v1/collection-cases',
    operationId: 'listMyCollectionCases',
    summary: 'Your collection cases, each with the claim itemised and its next due date (R-COLL-2)',
    tags: [TAG],
    auth: ['customer'],
    responses: { 200: { description: 'the cases', schema: z.object({ items: z.array(caseSchema) }) } },
    handler: async ({ principal }) => {
      const rows = await casesVisibleTo(deps.db, principal!);
      return { status: 200, body: { items: await Promise.all(rows.map(toView)) } };
    },
  });

  const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
  const operatorCaseSchema = caseSchema
    .extend({
      daysInCollection: z.number().int(),
      openReceipt: z.boolean().describe('a receipt of a payment made elsewhere waits to be checked'),
      openDispute: z.boolean(),
      unansweredMessage: z.boolean().describe('the last message in the case’s thread is the customer’s'),
    })
    .openapi('OperatorCollectionCase');

  routes.add({
    method: 'get',
    path: '/v1/operator/collection-cases',
    operationId: 'listCollectionCases',
    summary: 'Collection cases, oldest first, by status, stage, days in collection and what waits for an operator',
    tags: [TAG],
    auth: ['operator'],
    query: z.strictObject({
      status: z.enum(COLLECTION_STATUSES).optional(),
      stage: z.enum(COLLECTION_STAGES).optional(),
      minDaysInCollection: z.coerce.number().int().min(0).max(36500).optional(),
      maxDaysInCollection: z.coerce.number().int().min(0).max(36500).optional(),
      openReceipt: booleanQuery.optional(),
      openDispute: booleanQuery.optional(),
      unansweredMessage: booleanQuery.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: { description: 'the cases', schema: z.object({ items: z.array(operatorCaseSchema) }) } },
    handler: async ({ query }) => {
      const today = stockholmToday();
      const rows = await listCasesForOperators(deps.db, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.stage ? { stage: query.stage } : {}),
        ...(query.minDaysInCollection !== undefined
          ? { openedOnOrBefore: addDays(today, -query.minDaysInCollection) }
          : {}),
        ...(query.maxDaysInCollection !== undefined
          ? { openedOnOrAfter: addDays(today, -query.maxDaysInCollection) }
          : {}),
        ...(query.openReceipt !== undefined ? { openReceipt: query.openReceipt } : {}),
        ...(query.openDispute !== undefined ? { openDispute: query.openDispute } : {}),
        ...(query.unansweredMessage !== undefined ? { unansweredMessage: query.unansweredMessage } : {}),
        limit: query.limit,
      });
      const flags = await caseFlags(
        deps.db,
        rows.map((r) => r.id),
      );
      const items = await Promise.all(
        rows.map(async (row) => ({
          ...(await toView(row)),
          daysInCollection: daysInCollection(row.opened_on, today),
          openReceipt: flags.get(row.id)!.openReceipt,
          openDispute: row.status === 'OPEN' && row.stage === 'DISPUTED',
          unansweredMessage: flags.get(row.id)!.unansweredMessage,
        })),
      );
      return { status: 200, body: { items } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber',
    operationId: 'getCollectionCase',
    summary: 'One case: the claim exact to today, how to pay (OCR and bankgiro), and its timeline',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'the case', schema: caseWithTimeline } },
    handler: async ({ params, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const events = await listCaseEvents(deps.db, row.id);
      return {
        status: 200,
        body: {
          ...(await toView(row)),
          timeline: events.map((e) => ({
            date: e.date,
            kind: e.kind,
            detail: principal!.role === 'operator' ? e.detail : {},
          })),
        },
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/postponement',
    operationId: 'postponeCollectionCase',
    summary: 'Postpone the due date, up to 30 days ahead, once per case (R-COLL-5)',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: z.strictObject({ newDueDate: isoDate }).openapi('CollectionPostponement'),
    responses: { 200: { description: 'postponed', schema: caseSchema }, 409: { description: 'refused (R-COLL-5)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const view = await act(row, (h) =>
        h.executeUpdate(postponeUpdate, { args: [{ actor: principal!.sub, newDueDate: body.newDueDate }] }),
      );
      return answer(row, view);
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/installment-plan',
    operationId: 'proposeInstallmentPlan',
    summary:
      'Propose a monthly amount and day: accepted within 24 months and 300 SEK a month, plus a plan fee of 170 (R-COLL-6)',
    description: 'Refused (409, rule R-COLL-6) with the smallest acceptable monthly amount in the message.',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: z
      .strictObject({ monthlyAmount: positiveAmountString, dayOfMonth: z.number().int().min(1).max(28) })
      .openapi('InstallmentPlanProposal'),
    responses: { 200: { description: 'accepted', schema: caseSchema }, 409: { description: 'refused (R-COLL-6)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const view = await act(row, (h) =>
        h.executeUpdate(proposePlanUpdate, {
          args: [{ actor: principal!.sub, monthlyAmount: body.monthlyAmount, dayOfMonth: body.dayOfMonth }],
        }),
      );
      return answer(row, view);
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/dispute',
    operationId: 'disputeCollectionCase',
    summary: 'Dispute the claim: collection pauses until an operator answers (R-COLL-7)',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(4000) }).openapi('CollectionDispute'),
    responses: { 200: { description: 'disputed', schema: caseSchema }, 409: { description: 'refused (R-COLL-7)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const view = await act(row, (h) =>
        h.executeUpdate(disputeUpdate, { args: [{ actor: principal!.sub, reason: body.reason }] }),
      );
      return answer(row, view);
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/invoices',
    operationId: 'listCollectionCaseInvoices',
    summary: 'The original invoices of the loan behind the case (R-COLL-2)',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: {
      200: {
        description: 'the invoices, oldest first',
        schema: z.object({
          items: z.array(
            z.object({
              number: z.number().int(),
              issueDate: isoDate,
              dueDate: isoDate,
              total: money,
              lines: z.array(z.object({ kind: z.string(), amount: money })),
            }),
          ),
        }),
      },
    },
    handler: async ({ params, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const invoices = await listInvoices(deps.db, row.loan_id);
      return {
        status: 200,
        body: {
          items: invoices.map((i) => ({
            number: i.number,
            issueDate: i.issue_date,
            dueDate: i.due_date,
            total: i.total,
            lines: i.lines,
          })),
        },
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/invoices/:invoiceNumber/copy',
    operationId: 'orderCollectionInvoiceCopy',
    summary: 'Order a copy of an original invoice by post (R-COLL-2)',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams.extend({ invoiceNumber: z.coerce.number().int().min(1).max(999) }),
    responses: { 200: { description: 'ordered', schema: caseSchema }, 404: { description: 'no such invoice' } },
    handler: async ({ params, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      if (!(await findInvoice(deps.db, row.loan_id, params.invoiceNumber))) {
        throw notFound(`no invoice ${params.invoiceNumber} on case ${params.caseNumber}`);
      }
      const view = await act(row, (h) =>
        h.executeUpdate(orderInvoiceCopyUpdate, {
          args: [{ actor: principal!.sub, invoiceNumber: params.invoiceNumber }],
        }),
      );
      return answer(row, view);
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/dispute-answer',
    operationId: 'answerCollectionDispute',
    summary:
      'Answer a dispute: upheld closes the case (or reduces the claim by reduceBy); rejected resumes it with a fresh deadline (R-COLL-7)',
    tags: [TAG],
    auth: ['operator'],
    params: caseParams,
    body: z
      .strictObject({
        outcome: z.enum(['upheld', 'rejected']),
        answer: z.string().trim().min(1).max(4000),
        reduceBy: positiveAmountString.optional(),
      })
      .openapi('CollectionDisputeAnswer'),
    responses: { 200: { description: 'answered', schema: caseSchema }, 409: { description: 'not disputed' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const view = await act(row, (h) =>
        h.executeUpdate(answerDisputeUpdate, {
          args: [
            {
              actor: principal!.sub,
              outcome: body.outcome,
              answer: body.answer,
              ...(body.reduceBy ? { reduceBy: body.reduceBy } : {}),
            },
          ],
        }),
      );
      return answer(row, view);
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/write-off',
    operationId: 'writeOffCollectionCase',
    summary: 'Write the claim off: the case ends WRITTEN_OFF (R-COLL-3)',
    tags: [TAG],
    auth: ['operator'],
    params: caseParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(4000) }).openapi('CollectionWriteOff'),
    responses: { 200: { description: 'written off', schema: caseSchema }, 409: { description: 'the case has ended' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCase(principal!, params.caseNumber);
      const view = await act(row, (h) =>
        h.executeUpdate(writeOffUpdate, { args: [{ actor: principal!.sub, reason: body.reason }] }),
      );
      return answer(row, view);
    },
  });
}
