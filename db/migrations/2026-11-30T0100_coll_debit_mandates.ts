import { type Kysely, sql } from 'kysely';

/**
 * R-PAY-3: direct-debit (autogiro) mandates for a loan or a collection case's plan, and every draw
 * requested under them (one row per idempotency key, so an amount once asked for is never asked
 * for again under that key with another amount).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('direct_debit_mandates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('case_id', 'text', (c) => c.references('collection_cases.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('clearing_number', 'text', (c) => c.notNull())
    .addColumn('account_number', 'text', (c) => c.notNull())
    .addColumn('payer_personnummer', 'text', (c) => c.notNull())
    .addColumn('provider_mandate_id', 'text')
    .addColumn('bankid_order_ref', 'text')
    .addColumn('signature', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('cancelled_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('activated_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  // One live mandate per loan (its invoices) and per case (its plan).
  await sql`create unique index direct_debit_mandates_live_loan on direct_debit_mandates (loan_id)
    where case_id is null and status in ('PENDING_SIGNATURE', 'ACTIVE')`.execute(db);
  await sql`create unique index direct_debit_mandates_live_case on direct_debit_mandates (case_id)
    where case_id is not null and status in ('PENDING_SIGNATURE', 'ACTIVE')`.execute(db);
  await db.schema
    .createTable('direct_debit_draws')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('mandate_id', 'text', (c) => c.notNull().references('direct_debit_mandates.id'))
    .addColumn('loan_id', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'integer')
    .addColumn('case_id', 'text')
    .addColumn('installment_number', 'integer')
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('draw_id', 'text')
    .addColumn('refusal_reason', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('direct_debit_draws_loan_idx').on('direct_debit_draws').columns(['loan_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('direct_debit_draws').execute();
  await db.schema.dropTable('direct_debit_mandates').execute();
}
