import { type Kysely, sql } from 'kysely';

/**
 * The collection case as a process (R-COLL-1…7): its number and OCR reference, where it is on the
 * timeline, its agreements, its events; and the tag that puts ledger entries under a case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence collection_case_number_seq start with 100001`.execute(db);
  await db.schema
    .alterTable('collection_cases')
    .addColumn('case_number', 'text', (c) => c.unique())
    .addColumn('ocr_reference', 'text', (c) => c.unique())
    .addColumn('stage', 'text')
    .addColumn('deadline', 'date')
    .addColumn('default_interest_accrued_until', 'date')
    .addColumn('postponements_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plan', 'jsonb')
    .addColumn('dispute', 'jsonb')
    .addColumn('enforcement_reference', 'text')
    .addColumn('closed_on', 'date')
    .execute();
  await db.schema
    .createTable('collection_case_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('collection_cases.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('collection_case_events_case_idx')
    .on('collection_case_events')
    .columns(['case_id', 'id'])
    .execute();
  await db.schema.alterTable('ledger_entries').addColumn('case_id', 'text').execute();
  await db.schema
    .createIndex('ledger_entries_case_idx')
    .on('ledger_entries')
    .columns(['case_id', 'account'])
    .where(sql.ref('case_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_entries_case_idx').execute();
  await db.schema.alterTable('ledger_entries').dropColumn('case_id').execute();
  await db.schema.dropTable('collection_case_events').execute();
  await db.schema
    .alterTable('collection_cases')
    .dropColumn('case_number')
    .dropColumn('ocr_reference')
    .dropColumn('stage')
    .dropColumn('deadline')
    .dropColumn('default_interest_accrued_until')
    .dropColumn('postponements_used')
    .dropColumn('plan')
    .dropColumn('dispute')
    .dropColumn('enforcement_reference')
    .dropColumn('closed_on')
    .execute();
  await sql`drop sequence collection_case_number_seq`.execute(db);
}
