/**
 * A collection case as the case routes (api/routes/collection/) and the pages (web/) read and act
 * on it (R-COLL-1, R-COLL-2, R-SEC-1): who may see it (api/collection-access.ts), its view with the
 * claim exact to today, and its workflow's updates, whose refusals are mapped once (api/problem.ts).
 * Also the wire schemas more than one of the case's features answers with.
 */
import { type CaseListRow, findCollectionCaseByNumber } from '../db/collection-case-repository';
import { claimView, DEFAULT_COLLECTION_PRODUCT } from '../domain/collection';
import { COLLECTION_STATUSES, collectionCaseWorkflowId } from '../domain/collection-case';
import type { Principal } from './auth';
import { findCaseAccess } from './collection-access';
import { caseClaimToday } from './case-claim';
import type { ApiDeps } from './deps';
import { conflict, isWorkflowGone, refusalOf, refusalProblem, type RefusalFields } from './problem';
import { isoDate } from './schemas';
import { z } from './zod';

/** The OpenAPI tag of every collection case endpoint. */
export const COLLECTION_TAG = 'collection';

export const caseParams = z.object({ caseNumber: z.string().regex(/^\d{6,9}$/, 'not a case number') });

export const money = z.string().describe('SEK, two decimals');

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

export const caseSchema = z
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

/** The case if the principal may see it (a helper too, R-COLL-8); anyone else's is a 404 (R-SEC-1). */
export async function visibleCollectionCase(
  deps: ApiDeps,
  principal: Principal | undefined,
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

/**
 * Runs one of the case's updates; a refusal is the problem it names (its fields placed by
 * `fields`), a case whose workflow has ended a 409.
 */
export async function actOnCollectionCase<A>(
  deps: ApiDeps,
  row: CaseListRow,
  run: (handle: ReturnType<typeof caseHandleOf>) => Promise<A>,
  fields: RefusalFields = {},
): Promise<A> {
  try {
    return await run(caseHandleOf(deps, row));
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) throw refusalProblem(refused, fields);
    if (isWorkflowGone(err)) throw conflict(`collection case ${row.case_number} is ${row.status}`);
    throw err;
  }
}

/** The case as its rows and the ledger say now (after an update has committed its step). */
export async function freshCollectionCase(deps: ApiDeps, row: CaseListRow): Promise<CollectionCaseView> {
  const fresh = (await findCollectionCaseByNumber(deps.db, row.case_number!))!;
  return collectionCaseView(deps, { ...fresh, customer_id: row.customer_id, contract_number: row.contract_number });
}

/** A case action's answer: the update run, then the case as it is now (200). */
export async function caseActionResult<A>(
  deps: ApiDeps,
  row: CaseListRow,
  run: (handle: ReturnType<typeof caseHandleOf>) => Promise<A>,
): Promise<{ status: number; body: CollectionCaseView }> {
  await actOnCollectionCase(deps, row, run);
  return { status: 200, body: await freshCollectionCase(deps, row) };
}
