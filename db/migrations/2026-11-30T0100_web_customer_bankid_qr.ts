import { type Kysely, sql } from 'kysely';

/**
 * The qrStartSecret of the BankID orders the application workflow starts (identification,
 * signing): stored by the start-order activity keyed by orderRef, read only by the customer pages
 * (web/) to draw the animated QR code, so the secret never enters workflow history. A row is
 * worthless once its order has ended and is swept after `expires_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bankid_qr_secrets')
    .addColumn('order_ref', 'text', (c) => c.primaryKey())
    .addColumn('qr_start_token', 'text', (c) => c.notNull())
    .addColumn('qr_start_secret', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('bankid_qr_secrets_expires_idx').on('bankid_qr_secrets').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bankid_qr_secrets').execute();
}
