import { type Kysely, sql } from 'kysely';

/**
 * R-PAY-2: every imported BgMax file, once (its identity — the start record's timestamp and the
 * payee bankgiros — and its content hash are unique), with its report. R-PAY-4: what the lender
 * pays back to a customer, once per refund, and where it stands.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('payment_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identity', 'text', (c) => c.notNull().unique())
    .addColumn('content_hash', 'text', (c) => c.notNull().unique())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('imported_on', 'date', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('business_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('PENDING', 'PAID', 'FAILED')`))
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('to_account', 'jsonb')
    .addColumn('payout_id', 'text')
    .addColumn('execution_date', 'date')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('refunds_loan_idx').on('refunds').column('loan_id').execute();
  await db.schema.createIndex('refunds_status_idx').on('refunds').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refunds').execute();
  await db.schema.dropTable('payment_files').execute();
}
