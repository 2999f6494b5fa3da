/** R-LOAN-4: termination notices sent on a loan, one per sequence. Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db, TerminationNoticeTable } from './database';

export type TerminationNoticeRow = Selectable<TerminationNoticeTable>;

export async function findTerminationNotice(
  db: Db,
  loanId: string,
  sequence: number,
): Promise<TerminationNoticeRow | undefined> {
  return db
    .selectFrom('termination_notices')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('sequence', '=', sequence)
    .executeTakeFirst();
}

export async function insertTerminationNotice(db: Db, notice: Insertable<TerminationNoticeTable>): Promise<void> {
  await db.insertInto('termination_notices').values(notice).execute();
}

/** CURED: paid in time, the notice lapses; EXPIRED: the debt fell due and went to collection. */
export async function resolveTerminationNotice(
  db: Db,
  loanId: string,
  sequence: number,
  status: 'CURED' | 'EXPIRED',
  resolvedOn: string,
): Promise<void> {
  await db
    .updateTable('termination_notices')
    .set({ status, resolved_on: resolvedOn })
    .where('loan_id', '=', loanId)
    .where('sequence', '=', sequence)
    .execute();
}
