import { type Kysely, sql } from 'kysely';

/**
 * R-LOAN-11, R-PAY-1: every late-payment report made to the credit bureau, with the bureau's id,
 * so a report a value-dated payment would have prevented can be withdrawn, exactly once (the
 * withdrawal's idempotency key is set when the payment is applied; `withdrawn_at` when the bureau
 * confirmed; `withdrawal_refused` when it refused for good, for an operator).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bureau_late_payment_reports')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('borrower', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('reported_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('withdrawal_key', 'text', (c) => c.unique())
    .addColumn('withdrawal_payment_id', 'text')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('withdrawal_refused', 'text')
    .execute();
  await sql`create index bureau_late_payment_reports_loan_idx on bureau_late_payment_reports (loan_id, due_date)`.execute(
    db,
  );
  await sql`create index bureau_late_payment_reports_pending_idx on bureau_late_payment_reports (loan_id)
            where withdrawal_key is not null and withdrawn_at is null and withdrawal_refused is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bureau_late_payment_reports').execute();
}
