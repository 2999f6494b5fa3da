import { type Kysely, sql } from 'kysely';

/**
 * Applications (R-APP-1…10): the projection the application workflow keeps current (lists and
 * detail pages read it, never the workflows), the applicants and their answers, an event history
 * for operators, the payouts made, vendors' notification addresses, and the contract-number
 * sequence. Personal identity numbers and contact details live here (PostgreSQL), never in search
 * attributes or logs (R-SEC-2).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vendors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`create sequence application_contract_number_seq start 10000000 minvalue 10000000 maxvalue 99999999`.execute(
    db,
  );

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('contract_number', 'text', (c) => c.unique())
    .addColumn('vendor_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('creator_customer_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull())
    .addColumn('notice_channel', 'text', (c) => c.notNull())
    .addColumn('payout_account', 'jsonb')
    .addColumn('consolidation_loans', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('decision', 'jsonb')
    .addColumn('offer', 'jsonb')
    .addColumn('income_verification', 'jsonb')
    .addColumn('payout_status', 'text')
    .addColumn('loan_id', 'text')
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // R-APP-4: the vendor's two lists.
  await sql`create index applications_vendor_pending_idx on applications (vendor_id, valid_until)
            where contract_number is null and status in ('NOT_STARTED', 'STARTED')`.execute(db);
  await sql`create index applications_vendor_submitted_idx on applications (vendor_id, submitted_at)
            where contract_number is not null`.execute(db);
  await db.schema.createIndex('applications_creator_idx').on('applications').column('creator_customer_id').execute();

  await db.schema
    .createTable('applicants')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('idx', 'smallint', (c) => c.notNull())
    .addColumn('personnummer', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invite_code_hash', 'text')
    .addColumn('identified_at', 'timestamptz')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('signed_at', 'timestamptz')
    .addPrimaryKeyConstraint('applicants_pk', ['application_id', 'idx'])
    .execute();
  await db.schema.createIndex('applicants_customer_idx').on('applicants').column('customer_id').execute();

  await db.schema
    .createTable('application_answers')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('applicant_idx', 'smallint', (c) => c.notNull())
    .addColumn('personnummer', 'text', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('submitted_on', 'date')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_answers_pk', ['application_id', 'applicant_idx'])
    .execute();
  // R-APP-6: earlier submitted answers of the same person.
  await db.schema
    .createIndex('application_answers_prefill_idx')
    .on('application_answers')
    .columns(['personnummer', 'submitted_on'])
    .execute();

  await db.schema
    .createTable('application_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('application_events_seq_unique', ['application_id', 'seq'])
    .execute();

  await db.schema
    .createTable('application_payouts')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('leg', 'text', (c) => c.notNull())
    .addColumn('payout_id', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('execution_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('application_payouts_application_idx')
    .on('application_payouts')
    .column('application_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'application_payouts',
    'application_events',
    'application_answers',
    'applicants',
    'applications',
    'vendors',
  ])
    await db.schema.dropTable(t).execute();
  await sql`drop sequence if exists application_contract_number_seq`.execute(db);
}
