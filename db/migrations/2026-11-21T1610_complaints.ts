import { type Kysely, sql } from 'kysely';

/**
 * Complaints (R-LOAN-9): one row per complaint a customer files on a loan, kept current by the
 * complaint workflow's activities (escalation, the written answer). The operators' list reads it;
 * no workflow is queried for a list. Subject, text and answer are the customer's and the lender's
 * words: personal data (R-SEC-2), never logged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('complaints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('loan_id', 'text', (c) => c.notNull().references('loans.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('escalate_on', 'date', (c) => c.notNull())
    .addColumn('answer_due_on', 'date', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('RECEIVED', 'ESCALATED', 'ANSWERED')`))
    .addColumn('escalated_on', 'date')
    .addColumn('answered_on', 'date')
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'complaints_answered_check',
      sql`(status = 'ANSWERED') = (answered_on is not null and answer is not null and answered_by is not null)`,
    )
    .execute();
  await db.schema.createIndex('complaints_loan_idx').on('complaints').columns(['loan_id', 'received_at']).execute();
  // The operators' queue: open complaints by due date.
  await db.schema.createIndex('complaints_status_idx').on('complaints').columns(['status', 'answer_due_on']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('complaints').execute();
}
