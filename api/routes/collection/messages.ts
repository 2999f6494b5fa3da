/**
 * The message thread per case (R-COLL-2): the debtor (or their helper, R-COLL-8) writes to the
 * collector, an operator answers (the customer is told by SMS or email). Each message is the case
 * workflow's update.
 */
import { randomUUID } from 'node:crypto';
import type { CaseListRow } from '../../../db/collection-case-repository';
import { listCaseMessages } from '../../../db/collection-self-service-repository';
import type { CaseView } from '../../../workflows/collection-case-messages';
import {
  answerCaseMessageUpdate,
  sendCaseMessageUpdate,
} from '../../../workflows/collection-case-self-service-messages';
import type { Principal } from '../../auth';
import { actOnCollectionCase, caseParams, COLLECTION_TAG, visibleCollectionCase } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { isoDate } from '../../schemas';
import { z } from '../../zod';

const messageSchema = z
  .object({
    id: z.string(),
    from: z.enum(['customer', 'operator']),
    body: z.string(),
    sentAt: z.string().describe('ISO 8601 instant'),
  })
  .openapi('CollectionMessage');

const caseStateSchema = z
  .object({ caseNumber: z.string(), status: z.string(), stage: z.string(), deadline: isoDate.nullable() })
  .openapi('CollectionCaseState');

export type CollectionMessageView = Awaited<ReturnType<typeof collectionMessages>>[number];

/** The case's message thread, oldest first. */
export async function collectionMessages(deps: ApiDeps, row: CaseListRow) {
  return (await listCaseMessages(deps.db, row.id)).map((m) => ({
    id: String(m.id),
    from: m.from_role,
    body: m.body,
    sentAt: m.created_at.toISOString(),
  }));
}

/** A message in the case's thread, from the customer (or their helper) or an operator's answer. */
export async function sendCollectionMessage(
  deps: ApiDeps,
  principal: Principal,
  row: CaseListRow,
  body: string,
  as: 'customer' | 'operator',
): Promise<CaseView> {
  return actOnCollectionCase(
    deps,
    row,
    (h) =>
      h.executeUpdate(as === 'customer' ? sendCaseMessageUpdate : answerCaseMessageUpdate, {
        args: [{ actor: principal.sub, messageId: randomUUID(), body }],
      }),
    { body: ['body'] },
  );
}

export function messageRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const messageBody = z.strictObject({ body: z.string().trim().min(1).max(4000) }).openapi('CollectionMessageRequest');

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/messages',
    operationId: 'listCollectionMessages',
    summary: 'The case’s message thread, oldest first',
    tags: [COLLECTION_TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'the thread', schema: z.object({ items: z.array(messageSchema) }) } },
    handler: async ({ params, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return { status: 200, body: { items: await collectionMessages(deps, row) } };
    },
  });

  const sendMessage =
    (as: 'customer' | 'operator') =>
    async (ctx: { params: { caseNumber: string }; body: { body: string }; principal: Principal | undefined }) => {
      const row = await visibleCollectionCase(deps, ctx.principal, ctx.params.caseNumber);
      const view = await sendCollectionMessage(deps, ctx.principal!, row, ctx.body.body, as);
      return {
        status: 201,
        body: {
          case: { caseNumber: view.caseNumber, status: view.status, stage: view.stage, deadline: view.deadline },
          items: await collectionMessages(deps, row),
        },
      };
    };
  const threadAnswer = z.object({ case: caseStateSchema, items: z.array(messageSchema) });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/messages',
    operationId: 'sendCollectionMessage',
    summary: 'Write to the collector in the case’s thread',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    body: messageBody,
    responses: {
      201: { description: 'sent: the thread', schema: threadAnswer },
      409: { description: 'the case has ended' },
    },
    handler: sendMessage('customer'),
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/messages',
    operationId: 'answerCollectionMessage',
    summary: 'Answer in the case’s thread: the customer gets it in the mailbox, told by SMS or email',
    tags: [COLLECTION_TAG],
    auth: ['operator'],
    params: caseParams,
    body: messageBody,
    responses: {
      201: { description: 'sent: the thread', schema: threadAnswer },
      409: { description: 'the case has ended' },
    },
    handler: sendMessage('operator'),
  });
}
