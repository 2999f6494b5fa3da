/**
 * The debtor's agreements on a case (R-COLL-5, R-COLL-6): a postponement of the due date, once per
 * case, and an installment plan. Each is the case workflow's update; a refusal is a 409 naming the
 * rule (with the smallest acceptable monthly amount for a plan too low).
 */
import { postponeUpdate, proposePlanUpdate } from '../../../workflows/collection-case-messages';
import { caseActionResult, caseParams, caseSchema, COLLECTION_TAG, visibleCollectionCase } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { isoDate, positiveAmountString } from '../../schemas';
import { z } from '../../zod';

export function postponementAndPlanRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/postponement',
    operationId: 'postponeCollectionCase',
    summary: 'Postpone the due date, up to 30 days ahead, once per case (R-COLL-5)',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    body: z.strictObject({ newDueDate: isoDate }).openapi('CollectionPostponement'),
    responses: { 200: { description: 'postponed', schema: caseSchema }, 409: { description: 'refused (R-COLL-5)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return caseActionResult(deps, row, (h) =>
        h.executeUpdate(postponeUpdate, { args: [{ actor: principal!.sub, newDueDate: body.newDueDate }] }),
      );
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/installment-plan',
    operationId: 'proposeInstallmentPlan',
    summary:
      'Propose a monthly amount and day: accepted within 24 months and 300 SEK a month, plus a plan fee of 170 (R-COLL-6)',
    description: 'Refused (409, rule R-COLL-6) with the smallest acceptable monthly amount in the message.',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    body: z
      .strictObject({ monthlyAmount: positiveAmountString, dayOfMonth: z.number().int().min(1).max(28) })
      .openapi('InstallmentPlanProposal'),
    responses: { 200: { description: 'accepted', schema: caseSchema }, 409: { description: 'refused (R-COLL-6)' } },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return caseActionResult(deps, row, (h) =>
        h.executeUpdate(proposePlanUpdate, {
          args: [{ actor: principal!.sub, monthlyAmount: body.monthlyAmount, dayOfMonth: body.dayOfMonth }],
        }),
      );
    },
  });
}
