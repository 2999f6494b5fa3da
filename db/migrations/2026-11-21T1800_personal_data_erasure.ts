import { type Kysely, sql } from 'kysely';

/**
 * Personal-data retention (R-SEC-2, domain/retention.ts): when an application that never became a
 * loan has had its personal data erased, and an index for finding the ones that are due.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('personal_data_erased_at', 'timestamptz').execute();
  await sql`create index applications_erasure_due_idx on applications (closed_at)
            where personal_data_erased_at is null and loan_id is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists applications_erasure_due_idx`.execute(db);
  await db.schema.alterTable('applications').dropColumn('personal_data_erased_at').execute();
}
