import { type Kysely, sql } from 'kysely';

/**
 * The loan's changes during its life (R-LOAN-5…8): rate changes with their notice, payment-free
 * months, early repayment orders and withdrawals. Invoices get a kind, so the payoff of an early
 * repayment and the repayment after a withdrawal are invoices like the monthly ones (one OCR
 * reference each, one allocation rule), and the late-invoice sweep can tell them apart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('invoices')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('installment'))
    .execute();
  // The late-invoice sweep: unpaid installment invoices past their due date without a late fee.
  await sql`create index invoices_late_idx on invoices (due_date, loan_id)
    where status = 'OPEN' and late_fee_charged_on is null`.execute(db);

  await db.schema
    .createTable('rate_changes')
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addColumn('announced_on', 'date', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('first_installment', 'integer', (c) => c.notNull())
    .addColumn('new_rate_percent', 'numeric(6, 2)', (c) => c.notNull())
    .addColumn('new_monthly_payment', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('remaining_installments', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_changes_pk', ['loan_id', 'change_id'])
    .execute();

  await db.schema
    .createTable('payment_free_months')
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('installment_number', 'integer', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('granted_on', 'date', (c) => c.notNull())
    .addColumn('capitalised_interest', 'numeric(14, 2)')
    .addColumn('new_monthly_payment', 'numeric(14, 2)')
    .addColumn('status', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_free_months_pk', ['loan_id', 'installment_number'])
    .execute();

  await db.schema
    .createTable('early_repayment_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('confirmed_on', 'date', (c) => c.notNull())
    .addColumn('pay_by', 'date', (c) => c.notNull())
    .addColumn('total', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('quote', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('settled_by_payment', 'text')
    .execute();
  await db.schema
    .createIndex('early_repayment_orders_loan_idx')
    .on('early_repayment_orders')
    .column('loan_id')
    .execute();

  await db.schema
    .createTable('withdrawals')
    .addColumn('loan_id', 'text', (c) => c.primaryKey().references('loans.id'))
    .addColumn('notice_date', 'date', (c) => c.notNull())
    .addColumn('repay_by', 'date', (c) => c.notNull())
    .addColumn('principal', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('interest', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('interest_per_day', 'numeric(14, 4)', (c) => c.notNull())
    .addColumn('fees_refunded', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('total', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('invoice_number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('withdrawals').execute();
  await db.schema.dropTable('early_repayment_orders').execute();
  await db.schema.dropTable('payment_free_months').execute();
  await db.schema.dropTable('rate_changes').execute();
  await sql`drop index invoices_late_idx`.execute(db);
  await db.schema.alterTable('invoices').dropColumn('kind').execute();
}
