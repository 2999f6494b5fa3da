/** R-LOAN-5, R-LOAN-10: rate changes announced on a loan. Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db, RateChangeTable } from './database';

export type RateChangeRow = Selectable<RateChangeTable>;

export async function findRateChange(db: Db, loanId: string, changeId: string): Promise<RateChangeRow | undefined> {
  return db
    .selectFrom('rate_changes')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('change_id', '=', changeId)
    .executeTakeFirst();
}

export async function insertRateChange(db: Db, change: Insertable<RateChangeTable>): Promise<void> {
  await db.insertInto('rate_changes').values(change).execute();
}

/** Changes not yet applied whose first installment is `number` or earlier, earliest first. */
export async function scheduledRateChangesUpTo(db: Db, loanId: string, number: number): Promise<RateChangeRow[]> {
  return db
    .selectFrom('rate_changes')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('status', '=', 'SCHEDULED')
    .where('first_installment', '<=', number)
    .orderBy('first_installment')
    .execute();
}

export async function markRateChangeApplied(db: Db, loanId: string, changeId: string): Promise<void> {
  await db
    .updateTable('rate_changes')
    .set({ status: 'APPLIED' })
    .where('loan_id', '=', loanId)
    .where('change_id', '=', changeId)
    .execute();
}
