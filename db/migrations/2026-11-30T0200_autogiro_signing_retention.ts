import { type Kysely, sql } from 'kysely';

/**
 * Personal-data retention (R-SEC-2, domain/retention.ts) of direct-debit mandates (the payer's
 * personnummer and account) and collection powers of attorney (the helper's personnummer): when it
 * was erased, and indexes for finding the ones that are due.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('direct_debit_mandates').addColumn('personal_data_erased_at', 'timestamptz').execute();
  await db.schema
    .alterTable('collection_powers_of_attorney')
    .addColumn('personal_data_erased_at', 'timestamptz')
    .execute();
  await sql`create index direct_debit_mandates_erasure_due_idx on direct_debit_mandates (status)
            where personal_data_erased_at is null and status in ('FAILED', 'CANCELLED')`.execute(db);
  await sql`create index collection_poa_erasure_due_idx on collection_powers_of_attorney (status)
            where personal_data_erased_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists collection_poa_erasure_due_idx`.execute(db);
  await sql`drop index if exists direct_debit_mandates_erasure_due_idx`.execute(db);
  await db.schema.alterTable('collection_powers_of_attorney').dropColumn('personal_data_erased_at').execute();
  await db.schema.alterTable('direct_debit_mandates').dropColumn('personal_data_erased_at').execute();
}
