/** R-LOAN-8: a loan's withdrawal (one per loan). Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db, WithdrawalTable } from './database';

export type WithdrawalRow = Selectable<WithdrawalTable>;

export async function findWithdrawal(db: Db, loanId: string): Promise<WithdrawalRow | undefined> {
  return db.selectFrom('withdrawals').selectAll().where('loan_id', '=', loanId).executeTakeFirst();
}

export async function insertWithdrawal(db: Db, withdrawal: Insertable<WithdrawalTable>): Promise<void> {
  await db.insertInto('withdrawals').values(withdrawal).execute();
}

export async function setWithdrawalStatus(db: Db, loanId: string, status: 'REPAID' | 'OVERDUE'): Promise<void> {
  await db.updateTable('withdrawals').set({ status }).where('loan_id', '=', loanId).execute();
}
