/** R-COLL-1: the collection case a loan is handed over with (one per loan). Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { CollectionCaseTable, Db } from './database';

export type CollectionCaseRow = Selectable<CollectionCaseTable>;

export async function findCollectionCaseOfLoan(db: Db, loanId: string): Promise<CollectionCaseRow | undefined> {
  return db.selectFrom('collection_cases').selectAll().where('loan_id', '=', loanId).executeTakeFirst();
}

export async function insertCollectionCase(db: Db, collectionCase: Insertable<CollectionCaseTable>): Promise<void> {
  await db.insertInto('collection_cases').values(collectionCase).execute();
}
