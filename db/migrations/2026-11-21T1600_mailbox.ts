import { type Kysely, sql } from 'kysely';

/**
 * The customer mailbox (R-LOAN-11: every notice also goes to the customer's mailbox, and the
 * customer is told by SMS or email that new mail arrived) and the customers' contact details the
 * notices are delivered with.
 *
 * `customers` holds personal data (R-SEC-2): email, phone and postal address. It is written when an
 * application pays out (the applicant's contact details) and never logged.
 *
 * `mailbox_messages` is written once per idempotency key (a retried activity or a repeated loan
 * step is the same message); `notified_at` / `posted_at` guard the new-mail notice and the letter
 * so each goes out once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('postal_name', 'text')
    .addColumn('postal_street', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('postal_city', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mailbox_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('loan_id', 'text')
    .addColumn('application_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('business_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addColumn('notified_at', 'timestamptz')
    .addColumn('notified_channel', 'text')
    .addColumn('by_post', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('posted_at', 'timestamptz')
    .execute();
  // A customer's mailbox, newest first.
  await sql`create index mailbox_messages_customer_idx on mailbox_messages (customer_id, created_at desc, id)`.execute(
    db,
  );
  await db.schema.createIndex('mailbox_messages_loan_idx').on('mailbox_messages').column('loan_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mailbox_messages').execute();
  await db.schema.dropTable('customers').execute();
}
