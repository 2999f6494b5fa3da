import { type Kysely, sql } from 'kysely';

/**
 * R-SEC-1: every operator request is audited. One row per request, written by the API after the
 * response has finished: who (the token's subject), what (method, route template, path parameters
 * — ids only), and how it ended (HTTP status and outcome). No request bodies, no personal data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operator_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'refused', 'error')`))
    .execute();
  // The list reads newest first (id descending), optionally by operator or route, or by time.
  await db.schema.createIndex('operator_audit_operator_idx').on('operator_audit').columns(['operator', 'id']).execute();
  await db.schema.createIndex('operator_audit_route_idx').on('operator_audit').columns(['route', 'id']).execute();
  await db.schema.createIndex('operator_audit_at_idx').on('operator_audit').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('operator_audit').execute();
}
