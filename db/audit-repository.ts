/**
 * The operator audit (R-SEC-1): plain functions taking the db first. The API records one row per
 * operator request after its response finished (api/routing.ts) and lists them newest first. Rows
 * hold ids only: no request bodies, no personal data.
 */
import { type Selectable, sql } from 'kysely';
import type { Db, OperatorAuditTable } from './database';

export type OperatorAuditRow = Selectable<OperatorAuditTable>;

export type AuditOutcome = 'ok' | 'refused' | 'error';

export interface OperatorAuditEntry {
  /** The operator token's subject. */
  operator: string;
  method: string;
  /** The route template, e.g. `/v1/loans/{loanId}`. */
  route: string;
  /** Path parameters (ids). */
  params: Record<string, string>;
  status: number;
  outcome: AuditOutcome;
}

export interface OperatorAuditFilter {
  operator?: string;
  route?: string;
  /** Europe/Stockholm calendar dates (YYYY-MM-DD), both inclusive. */
  from?: string;
  to?: string;
}

export interface OperatorAuditPage {
  limit: number;
  /** Rows older than this id (the previous page's `next`). */
  before?: string;
}

export async function recordOperatorRequest(db: Db, entry: OperatorAuditEntry): Promise<void> {
  await db
    .insertInto('operator_audit')
    .values({
      operator: entry.operator,
      method: entry.method,
      route: entry.route,
      params: JSON.stringify(entry.params),
      status: entry.status,
      outcome: entry.outcome,
    })
    .execute();
}

/** Newest first; `next` is the cursor for the following page, or null on the last one. */
export async function listOperatorAudit(
  db: Db,
  filter: OperatorAuditFilter,
  page: OperatorAuditPage,
): Promise<{ rows: OperatorAuditRow[]; next: string | null }> {
  let q = db.selectFrom('operator_audit').selectAll();
  if (filter.operator !== undefined) q = q.where('operator', '=', filter.operator);
  if (filter.route !== undefined) q = q.where('route', '=', filter.route);
  if (filter.from !== undefined) {
    q = q.where('at', '>=', sql<Date>`(${filter.from}::date)::timestamp at time zone 'Europe/Stockholm'`);
  }
  if (filter.to !== undefined) {
    q = q.where('at', '<', sql<Date>`(${filter.to}::date + 1)::timestamp at time zone 'Europe/Stockholm'`);
  }
  if (page.before !== undefined) q = q.where('id', '<', page.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  return { rows, next: more ? rows[rows.length - 1]!.id : null };
}
