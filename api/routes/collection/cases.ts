/**
 * The collection cases (R-COLL-1, R-COLL-2, R-SEC-1): the debtor's list, each with the claim
 * itemised and exact to today; the operators' list, filtered by what waits for them; one case with
 * how to pay it (OCR and bankgiro) and its timeline. Someone else's case is a 404.
 */
import { listCaseEvents } from '../../../db/collection-case-repository';
import { caseFlags, listCasesForOperators } from '../../../db/collection-self-service-repository';
import { COLLECTION_STAGES, COLLECTION_STATUSES, daysInCollection } from '../../../domain/collection-case';
import { addDays } from '../../../domain/dates';
import { casesVisibleTo } from '../../collection-access';
import {
  caseParams,
  caseSchema,
  COLLECTION_TAG,
  collectionCaseView,
  visibleCollectionCase,
} from '../../collection-case';
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { isoDate, stockholmToday } from '../../schemas';
import { z } from '../../zod';

const caseWithTimeline = caseSchema
  .extend({
    timeline: z.array(z.object({ date: isoDate, kind: z.string(), detail: z.record(z.string(), z.unknown()) })),
  })
  .openapi('CollectionCaseWithTimeline');

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const operatorCaseSchema = caseSchema
  .extend({
    daysInCollection: z.number().int(),
    openReceipt: z.boolean().describe('a receipt of a payment made elsewhere waits to be checked'),
    openDispute: z.boolean(),
    unansweredMessage: z.boolean().describe('the last message in the case’s thread is the customer’s'),
  })
  .openapi('OperatorCollectionCase');

export function collectionCaseRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/collection-cases',
    operationId: 'listMyCollectionCases',
    summary: 'Your collection cases, each with the claim itemised and its next due date (R-COLL-2)',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    responses: { 200: { description: 'the cases', schema: z.object({ items: z.array(caseSchema) }) } },
    handler: async ({ principal }) => {
      const rows = await casesVisibleTo(deps.db, principal!);
      return { status: 200, body: { items: await Promise.all(rows.map((row) => collectionCaseView(deps, row))) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/collection-cases',
    operationId: 'listCollectionCases',
    summary: 'Collection cases, oldest first, by status, stage, days in collection and what waits for an operator',
    tags: [COLLECTION_TAG],
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
          ...(await collectionCaseView(deps, row)),
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
    tags: [COLLECTION_TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'the case', schema: caseWithTimeline } },
    handler: async ({ params, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      const events = await listCaseEvents(deps.db, row.id);
      return {
        status: 200,
        body: {
          ...(await collectionCaseView(deps, row)),
          timeline: events.map((e) => ({
            date: e.date,
            kind: e.kind,
            detail: principal!.role === 'operator' ? e.detail : {},
          })),
        },
      };
    },
  });
}
