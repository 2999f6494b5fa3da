import { type Kysely, sql } from 'kysely';

/**
 * The debtor's self-service on a collection case, part 2 (R-COLL-2, R-COLL-8): receipts of a
 * payment made elsewhere (with an optional scanned file, capped at 5 MB), the message thread per
 * case, powers of attorney a customer gives a helper, and the record of every helper's act.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('collection_receipt_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('collection_cases.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0 and size <= 5242880`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('collection_receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('collection_cases.id'))
    .addColumn('bank_reference', 'text', (c) => c.notNull())
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.references('collection_receipt_files.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_on', 'date', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_on', 'date')
    .addColumn('reason', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('collection_receipts_case_idx')
    .on('collection_receipts')
    .columns(['case_id', 'status'])
    .execute();
  await db.schema
    .createTable('collection_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('collection_cases.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('from_role', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('collection_messages_case_idx')
    .on('collection_messages')
    .columns(['case_id', 'id'])
    .execute();
  await db.schema
    .createTable('collection_powers_of_attorney')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('grantor_customer_id', 'text', (c) => c.notNull())
    // R-SEC-2: personal data, deletable with the grantor's; never logged.
    .addColumn('helper_personnummer', 'text', (c) => c.notNull())
    .addColumn('helper_customer_id', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('order_ref', 'text')
    .addColumn('signed_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('collection_poa_helper_idx')
    .on('collection_powers_of_attorney')
    .columns(['helper_customer_id', 'status'])
    .execute();
  await db.schema
    .createIndex('collection_poa_grantor_idx')
    .on('collection_powers_of_attorney')
    .columns(['grantor_customer_id'])
    .execute();
  await db.schema
    .createTable('collection_helper_acts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('power_of_attorney_id', 'text', (c) => c.notNull().references('collection_powers_of_attorney.id'))
    .addColumn('helper_customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('collection_cases.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('collection_helper_acts').execute();
  await db.schema.dropTable('collection_powers_of_attorney').execute();
  await db.schema.dropTable('collection_messages').execute();
  await db.schema.dropTable('collection_receipts').execute();
  await db.schema.dropTable('collection_receipt_files').execute();
}
