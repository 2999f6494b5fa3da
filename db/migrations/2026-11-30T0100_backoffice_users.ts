import { type Kysely, sql } from 'kysely';

/**
 * The back-office (web/vendor, web/operator): vendor users who log in with e-mail and password
 * (an argon2id hash, never the password), each belonging to one vendor (R-SEC-1); their lock-out
 * after repeated failures; one-time password-reset links (only the SHA-256 of the link's token is
 * stored); and the applicant's name from BankID, shown to the vendor that created the application.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vendor_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('vendor_users_vendor_idx').on('vendor_users').column('vendor_id').execute();

  await db.schema
    .createTable('vendor_password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('vendor_users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema.alterTable('applicants').addColumn('name', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applicants').dropColumn('name').execute();
  await db.schema.dropTable('vendor_password_resets').execute();
  await db.schema.dropTable('vendor_users').execute();
}
