import { type Kysely, sql } from 'kysely';

/** Default interest bookkeeping, termination notices (R-LOAN-4) and collection cases (R-COLL-1). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('loans').addColumn('default_interest_accrued_until', 'date').execute();

  await db.schema
    .createTable('termination_notices')
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('sent_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('grounds', 'jsonb', (c) => c.notNull())
    .addColumn('overdue_amount', 'numeric(14, 2)', (c) => c.notNull())
    /** OPEN | CURED | EXPIRED */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolved_on', 'date')
    .addPrimaryKeyConstraint('termination_notices_pk', ['loan_id', 'sequence'])
    .execute();

  await db.schema
    .createTable('collection_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('loan_id', 'text', (c) => c.notNull().unique().references('loans.id'))
    .addColumn('opened_on', 'date', (c) => c.notNull())
    .addColumn('principal', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('interest', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('fees', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('default_interest', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('collection_fee', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('total', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('collection_cases').execute();
  await db.schema.dropTable('termination_notices').execute();
  await db.schema.alterTable('loans').dropColumn('default_interest_accrued_until').execute();
}
