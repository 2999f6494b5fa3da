/**
 * R-COLL-1…9: the collection case a loan is handed over with (one per loan), its timeline and its
 * claim read from the ledger. Plain functions taking the db first.
 */
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { OpenLineKind } from '../domain/allocation';
import type { CollectionStatus } from '../domain/collection-case';
import { RECEIVABLE_ACCOUNTS } from '../domain/ledger';
import { Decimal } from '../domain/money';
import type { CollectionCaseTable, Db } from './database';

export type CollectionCaseRow = Selectable<CollectionCaseTable>;

export async function findCollectionCaseOfLoan(db: Db, loanId: string): Promise<CollectionCaseRow | undefined> {
  return db.selectFrom('collection_cases').selectAll().where('loan_id', '=', loanId).executeTakeFirst();
}

export async function insertCollectionCase(db: Db, collectionCase: Insertable<CollectionCaseTable>): Promise<void> {
  await db.insertInto('collection_cases').values(collectionCase).execute();
}

export type CollectionCaseUpdate = Updateable<CollectionCaseTable>;

/** R-COLL-1: the next case number (a PostgreSQL sequence: unique across every worker). */
export async function nextCaseNumber(db: Db): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval('collection_case_number_seq')::text as n`.execute(db);
  return rows[0]!.n;
}

export async function findCollectionCase(db: Db, caseId: string): Promise<CollectionCaseRow | undefined> {
  return db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

export async function findCollectionCaseByNumber(db: Db, caseNumber: string): Promise<CollectionCaseRow | undefined> {
  return db.selectFrom('collection_cases').selectAll().where('case_number', '=', caseNumber).executeTakeFirst();
}

/** The open case whose OCR reference a payment carries (R-COLL-9). */
export async function findCollectionCaseByOcr(db: Db, ocrReference: string): Promise<CollectionCaseRow | undefined> {
  return db.selectFrom('collection_cases').selectAll().where('ocr_reference', '=', ocrReference).executeTakeFirst();
}

/** Row lock: one step of a case at a time, across workers. */
export async function lockCollectionCase(db: Db, caseId: string): Promise<CollectionCaseRow> {
  return db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirstOrThrow();
}

export async function updateCollectionCase(db: Db, caseId: string, changes: CollectionCaseUpdate): Promise<void> {
  await db.updateTable('collection_cases').set(changes).where('id', '=', caseId).execute();
}

export interface CaseListRow extends CollectionCaseRow {
  customer_id: string;
  contract_number: string;
}

/** R-SEC-1: a customer's cases (overview, R-COLL-2); an operator's list, by status. */
export async function listCollectionCases(
  db: Db,
  filter: { customerId?: string; status?: CollectionStatus; limit?: number },
): Promise<CaseListRow[]> {
  let q = db
    .selectFrom('collection_cases as c')
    .innerJoin('loans as l', 'l.id', 'c.loan_id')
    .selectAll('c')
    .select(['l.customer_id', 'l.contract_number'])
    .where('c.case_number', 'is not', null);
  if (filter.customerId) q = q.where('l.customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  return q
    .orderBy('c.created_at')
    .limit(filter.limit ?? 500)
    .execute();
}

/** What remains per line kind under the case (the claim, R-COLL-1), from the ledger. */
export async function caseLedgerLines(db: Db, caseId: string): Promise<{ kind: OpenLineKind; remaining: Decimal }[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['line_kind', (eb) => eb.fn.sum<string>('amount').as('remaining')])
    .where('case_id', '=', caseId)
    .where('account', 'in', [...RECEIVABLE_ACCOUNTS])
    .groupBy('line_kind')
    .execute();
  return rows.map((r) => ({ kind: r.line_kind as OpenLineKind, remaining: new Decimal(r.remaining) }));
}

/** Everything paid to the case so far (the plan's progress, R-COLL-6); a loan has one case. */
export async function casePaidTotal(db: Db, loanId: string): Promise<Decimal> {
  const row = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
    .select((eb) => eb.fn.sum<string | null>('e.amount').as('paid'))
    .where('p.loan_id', '=', loanId)
    .where('p.type', '=', 'case-payment')
    .where('e.account', '=', 'bank')
    .executeTakeFirst();
  return new Decimal(row?.paid ?? 0);
}

/** R-COLL-4…7: one event on the case's timeline, written once per key. */
export async function recordCaseEvent(
  db: Db,
  event: { caseId: string; idempotencyKey: string; date: string; kind: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('collection_case_events')
    .values({
      case_id: event.caseId,
      idempotency_key: event.idempotencyKey,
      date: event.date,
      kind: event.kind,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

export async function listCaseEvents(db: Db, caseId: string) {
  return db
    .selectFrom('collection_case_events')
    .select(['date', 'kind', 'detail'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}
