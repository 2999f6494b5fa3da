/**
 * A dispute of the claim (R-COLL-7): the debtor disputes, collection pauses; an operator answers,
 * upheld (the case closes, or the claim is reduced) or rejected (the case resumes with a fresh
 * deadline). Each is the case workflow's update; a refusal is a 409 naming the rule.
 */
import { answerDisputeUpdate, disputeUpdate } from '../../../workflows/collection-case-messages';
import { caseActionResult, caseParams, caseSchema, COLLECTION_TAG, visibleCollectionCase } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { positiveAmountString } from '../../schemas';
import { z } from '../../zod';

export function disputeRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/dispute',
    operationId: 'disputeCollectionCase',
    summary: 'Dispute the claim: collection pauses until an operator answers (R-COLL-7)',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(4000) }).openapi('CollectionDispute'),
    responses: { 200: { description: 'disputed', schema: caseSchema }, 409: { description: 'refused (R-COLL-7)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return caseActionResult(deps, row, (h) =>
        h.executeUpdate(disputeUpdate, { args: [{ actor: principal!.sub, reason: body.reason }] }),
      );
    },
  });
}

export function disputeAnswerRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/dispute-answer',
    operationId: 'answerCollectionDispute',
    summary:
      'Answer a dispute: upheld closes the case (or reduces the claim by reduceBy); rejected resumes it with a fresh deadline (R-COLL-7)',
    tags: [COLLECTION_TAG],
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
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return caseActionResult(deps, row, (h) =>
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
    },
  });
}
