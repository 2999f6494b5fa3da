/** An operator writes a case's claim off (R-COLL-3): the case workflow's update ends it WRITTEN_OFF. */
import { writeOffUpdate } from '../../../workflows/collection-case-messages';
import { caseActionResult, caseParams, caseSchema, COLLECTION_TAG, visibleCollectionCase } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { z } from '../../zod';

export function writeOffRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/write-off',
    operationId: 'writeOffCollectionCase',
    summary: 'Write the claim off: the case ends WRITTEN_OFF (R-COLL-3)',
    tags: [COLLECTION_TAG],
    auth: ['operator'],
    params: caseParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(4000) }).openapi('CollectionWriteOff'),
    responses: { 200: { description: 'written off', schema: caseSchema }, 409: { description: 'the case has ended' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return caseActionResult(deps, row, (h) =>
        h.executeUpdate(writeOffUpdate, { args: [{ actor: principal!.sub, reason: body.reason }] }),
      );
    },
  });
}
