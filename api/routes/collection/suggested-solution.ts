/**
 * The suggested solution (R-COLL-6): one monthly amount over all the debtor's open cases, decided
 * on the claims exact to today (R-COLL-1), each case's share an installment plan of its own; once
 * accepted, proposed to each case's workflow in turn.
 */
import { claimTotal } from '../../../domain/collection';
import { COLLECTION_STAGES } from '../../../domain/collection-case';
import { suggestSolution } from '../../../domain/collection-self-service';
import { Decimal } from '../../../domain/money';
import { proposePlanUpdate } from '../../../workflows/collection-case-messages';
import type { Principal } from '../../auth';
import { casesVisibleTo } from '../../collection-access';
import { actOnCollectionCase, COLLECTION_TAG, money } from '../../collection-case';
import { caseClaimToday } from '../../case-claim';
import type { ApiDeps } from '../../deps';
import { notFound, orProblem, ProblemError } from '../../problem';
import type { ApiRoutes } from '../../routing';
import { isoDate, positiveAmountString, stockholmToday } from '../../schemas';
import { z } from '../../zod';

const suggestionSchema = z
  .object({
    monthlyAmount: money,
    dayOfMonth: z.number().int(),
    plans: z.array(
      z.object({
        caseNumber: z.string(),
        monthlyAmount: money,
        months: z.number().int(),
        lastDueDate: isoDate,
        total: money.describe('the claim today plus the plan fee'),
      }),
    ),
    excluded: z.array(z.object({ caseNumber: z.string(), stage: z.string() })),
  })
  .openapi('CollectionSuggestedSolution');

/** The caller's own open cases with the claim exact to today (R-COLL-1). */
async function openCasesOf(deps: ApiDeps, principal: Principal) {
  const rows = (await casesVisibleTo(deps.db, principal)).filter(
    (r) => r.customer_id === principal.sub && r.status === 'OPEN',
  );
  return Promise.all(
    rows.map(async (row) => {
      const claim = await caseClaimToday(deps, row);
      return {
        row,
        caseNumber: row.case_number!,
        claimTotal: claimTotal(claim),
        standing: {
          stage: row.stage ?? 'DEMAND',
          deadline: row.deadline,
          postponementsUsed: row.postponements_used,
        },
      };
    }),
  );
}

async function suggest(deps: ApiDeps, principal: Principal, body: { monthlyAmount: string; dayOfMonth: number }) {
  const cases = await openCasesOf(deps, principal);
  if (cases.length === 0) throw notFound('you have no open collection cases');
  const solution = orProblem(
    suggestSolution({
      today: stockholmToday(),
      monthlyAmount: new Decimal(body.monthlyAmount),
      dayOfMonth: body.dayOfMonth,
      cases,
    }),
  );
  return { cases, solution };
}

const suggestionView = (solution: Awaited<ReturnType<typeof suggest>>['solution']) => ({
  monthlyAmount: solution.monthlyAmount,
  dayOfMonth: solution.dayOfMonth,
  plans: solution.plans.map(({ plan: _plan, ...p }) => p),
  excluded: solution.excluded,
});

export type CollectionSuggestionView = ReturnType<typeof suggestionView>;

/** R-COLL-6: one monthly amount over all the caller's open cases, the plan length on each. */
export async function suggestCollectionSolution(
  deps: ApiDeps,
  principal: Principal,
  body: { monthlyAmount: string; dayOfMonth: number },
): Promise<CollectionSuggestionView> {
  return suggestionView((await suggest(deps, principal, body)).solution);
}

/** R-COLL-6: the suggestion decided again today, then proposed to each case in turn. */
export async function acceptCollectionSolution(
  deps: ApiDeps,
  principal: Principal,
  body: { monthlyAmount: string; dayOfMonth: number },
) {
  const { cases, solution } = await suggest(deps, principal, body);
  const results: {
    caseNumber: string;
    accepted: boolean;
    stage?: (typeof COLLECTION_STAGES)[number];
    refusal?: string;
  }[] = [];
  for (const p of solution.plans) {
    const row = cases.find((c) => c.caseNumber === p.caseNumber)!.row;
    try {
      const view = await actOnCollectionCase(deps, row, (h) =>
        h.executeUpdate(proposePlanUpdate, {
          args: [{ actor: principal.sub, monthlyAmount: p.monthlyAmount, dayOfMonth: solution.dayOfMonth }],
        }),
      );
      results.push({ caseNumber: p.caseNumber, accepted: true, stage: view.stage });
    } catch (err) {
      if (!(err instanceof ProblemError) || err.status !== 409) throw err;
      results.push({ caseNumber: p.caseNumber, accepted: false, refusal: err.detail ?? err.title });
    }
  }
  return { ...suggestionView(solution), results };
}

export function suggestedSolutionRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const suggestionBody = z
    .strictObject({ monthlyAmount: positiveAmountString, dayOfMonth: z.number().int().min(1).max(28) })
    .openapi('CollectionSuggestionRequest');
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/suggested-solution',
    operationId: 'suggestCollectionSolution',
    summary: 'A suggested solution for all your open cases: one monthly amount, the plan length on each case',
    description:
      'Each case gets at least its own smallest acceptable amount (24 months, 300 SEK a month, plan fee 170); the ' +
      'rest of the amount is shared by the claims. Refused (409, rule R-COLL-6) with the smallest amount for all.',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    body: suggestionBody,
    responses: {
      200: { description: 'the suggestion', schema: suggestionSchema },
      404: { description: 'you have no open collection cases' },
      409: { description: 'too low' },
    },
    handler: async ({ body, principal }) => {
      return { status: 200, body: await suggestCollectionSolution(deps, principal!, body) };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/suggested-solution/acceptance',
    operationId: 'acceptCollectionSolution',
    summary: 'Accept the suggested solution: an installment plan on each case at its share of the amount',
    description:
      'Decided again on the claims today, then proposed to each case in turn; each case answers as its own ' +
      'installment plan does. A case that refuses does not undo the plans already agreed.',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    body: suggestionBody,
    responses: {
      200: {
        description: 'each case’s answer',
        schema: suggestionSchema.extend({
          results: z.array(
            z.object({
              caseNumber: z.string(),
              accepted: z.boolean(),
              stage: z.enum(COLLECTION_STAGES).optional(),
              refusal: z.string().optional(),
            }),
          ),
        }),
      },
      404: { description: 'you have no open collection cases' },
      409: { description: 'too low' },
    },
    handler: async ({ body, principal }) => {
      return { status: 200, body: await acceptCollectionSolution(deps, principal!, body) };
    },
  });
}
