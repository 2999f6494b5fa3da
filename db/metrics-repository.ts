/**
 * What the book holds now, for the operators' gauges (platform/metrics.ts): counts by status of
 * loans, collection cases, applications and payments (SUSPENSE = unmatched, R-LOAN-2). Four
 * grouped counts over indexed status columns, read at each scrape.
 */
import { sql } from 'kysely';
import type { Db } from './database';

export interface BookCountsRow {
  loansByStatus: Record<string, number>;
  collectionCasesByStatus: Record<string, number>;
  applicationsByStatus: Record<string, number>;
  paymentsByStatus: Record<string, { count: number; amount: number }>;
}

export async function bookCounts(db: Db): Promise<BookCountsRow> {
  const byStatus = async (table: 'loans' | 'collection_cases' | 'applications'): Promise<Record<string, number>> => {
    const rows = await db
      .selectFrom(table)
      .select(['status', sql<string>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
  };
  const [loansByStatus, collectionCasesByStatus, applicationsByStatus, payments] = await Promise.all([
    byStatus('loans'),
    byStatus('collection_cases'),
    byStatus('applications'),
    db
      .selectFrom('payments')
      .select(['status', sql<string>`count(*)`.as('n'), sql<string>`coalesce(sum(amount), 0)`.as('amount')])
      .groupBy('status')
      .execute(),
  ]);
  return {
    loansByStatus,
    collectionCasesByStatus,
    applicationsByStatus,
    paymentsByStatus: Object.fromEntries(
      payments.map((p) => [p.status, { count: Number(p.n), amount: Number(p.amount) }]),
    ),
  };
}
