import { type Kysely, sql } from 'kysely';

/**
 * Loans, their invoices, incoming payments and the double-entry ledger. A deferred constraint
 * trigger refuses any transaction that leaves a posting unbalanced, so the invariant "every loan's
 * entries sum to zero" holds in the database itself, not only in code.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('loans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contract_number', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull())
    .addColumn('nominal_rate_percent', 'numeric(6, 2)', (c) => c.notNull())
    .addColumn('notice_channel', 'text', (c) => c.notNull())
    .addColumn('payout_date', 'date', (c) => c.notNull())
    .addColumn('monthly_payment', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('ocr_reference', 'text', (c) => c.notNull().unique())
    .addColumn('closed_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('loans_customer_idx').on('loans').column('customer_id').execute();

  await db.schema
    .createTable('ledger_postings')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('business_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('posting_id', 'bigint', (c) => c.notNull().references('ledger_postings.id'))
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('invoice_number', 'integer')
    .addColumn('line_kind', 'text')
    .execute();
  await db.schema.createIndex('ledger_entries_loan_idx').on('ledger_entries').columns(['loan_id', 'account']).execute();
  await db.schema.createIndex('ledger_entries_posting_idx').on('ledger_entries').column('posting_id').execute();

  await sql`
    create function ledger_posting_must_balance() returns trigger language plpgsql as $$
    declare total numeric;
    begin
      select coalesce(sum(amount), 0) into total from ledger_entries where posting_id = new.posting_id;
      if total <> 0 then
        raise exception 'ledger posting % does not balance (sum %)', new.posting_id, total;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger ledger_entries_balanced after insert or update on ledger_entries
    deferrable initially deferred for each row execute function ledger_posting_must_balance()`.execute(db);

  await db.schema
    .createTable('invoices')
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('issue_date', 'date', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('ocr_reference', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('paid_date', 'date')
    .addColumn('late_fee_charged_on', 'date')
    .addColumn('reminder_sent_on', 'date')
    .addColumn('reminder_due_date', 'date')
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('total', 'numeric(14, 2)', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoices_pk', ['loan_id', 'number'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bank_reference', 'text', (c) => c.notNull().unique())
    .addColumn('ocr_reference', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('payment_date', 'date', (c) => c.notNull())
    .addColumn('loan_id', 'text', (c) => c.references('loans.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('allocation', 'jsonb')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('payments_loan_idx').on('payments').column('loan_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['payments', 'invoices', 'ledger_entries', 'ledger_postings', 'loans'])
    await db.schema.dropTable(t).execute();
  await sql`drop function if exists ledger_posting_must_balance()`.execute(db);
}
