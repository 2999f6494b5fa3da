/**
 * Complaints (R-LOAN-9): plain functions taking the db first. The API inserts the row when a
 * complaint is received (so it can be read at once); the workflow's activities move it on, each
 * write guarded so a retried or late step never undoes a later one (an escalation never overwrites
 * an answer; a second answer never replaces the first). Subject, text and answer are personal
 * data (R-SEC-2): never log a row.
 */
import type { Selectable } from 'kysely';
import type { ComplaintStatus } from '../domain/complaint';
import type { ComplaintTable, Db } from './database';

export type ComplaintRow = Selectable<ComplaintTable>;

export interface NewComplaint {
  id: string;
  loanId: string;
  customerId: string;
  workflowId: string;
  receivedOn: string;
  escalateOn: string;
  answerDueOn: string;
  subject: string;
  text: string;
}

export interface ListPage {
  limit: number;
  offset: number;
}

/** Inserts once per id; a repeat returns the stored row. */
export async function insertComplaint(db: Db, c: NewComplaint): Promise<ComplaintRow> {
  await db
    .insertInto('complaints')
    .values({
      id: c.id,
      loan_id: c.loanId,
      customer_id: c.customerId,
      workflow_id: c.workflowId,
      received_on: c.receivedOn,
      escalate_on: c.escalateOn,
      answer_due_on: c.answerDueOn,
      subject: c.subject,
      text: c.text,
      status: 'RECEIVED',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await findComplaint(db, c.id))!;
}

/**
 * Removes a complaint the API has just inserted when its workflow could not be started (the undo of
 * filing it). Only a complaint still RECEIVED is removed. True when a row was removed.
 */
export async function deleteUnstartedComplaint(db: Db, id: string): Promise<boolean> {
  const deleted = await db
    .deleteFrom('complaints')
    .where('id', '=', id)
    .where('status', '=', 'RECEIVED')
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

export async function findComplaint(db: Db, id: string): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A loan's complaints, newest first. */
export async function listLoanComplaints(db: Db, loanId: string): Promise<ComplaintRow[]> {
  return db
    .selectFrom('complaints')
    .selectAll()
    .where('loan_id', '=', loanId)
    .orderBy('received_at', 'desc')
    .orderBy('id')
    .execute();
}

/** The operators' queue: by status (all when absent), the earliest due first. */
export async function listComplaints(
  db: Db,
  filter: { status?: ComplaintStatus },
  page: ListPage,
): Promise<ComplaintRow[]> {
  let q = db.selectFrom('complaints').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('answer_due_on')
    .orderBy('received_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/**
 * R-LOAN-9: marks an unanswered complaint escalated on `escalatedOn`. Idempotent: a repeat, or a
 * complaint answered meanwhile, changes nothing. Returns the row as it now is.
 */
export async function markComplaintEscalated(db: Db, id: string, escalatedOn: string): Promise<ComplaintRow> {
  await db
    .updateTable('complaints')
    .set({ status: 'ESCALATED', escalated_on: escalatedOn, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'RECEIVED')
    .execute();
  const row = await findComplaint(db, id);
  if (!row) throw new Error(`no complaint ${id}`);
  return row;
}

/**
 * R-LOAN-9: records the written answer once. A repeat (a retried activity) or a later answer
 * leaves the first in place; the row returned shows which answer stands.
 */
export async function recordComplaintAnswer(
  db: Db,
  id: string,
  answer: { answer: string; answeredBy: string; answeredOn: string },
): Promise<ComplaintRow> {
  await db
    .updateTable('complaints')
    .set({
      status: 'ANSWERED',
      answer: answer.answer,
      answered_by: answer.answeredBy,
      answered_on: answer.answeredOn,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '<>', 'ANSWERED')
    .execute();
  const row = await findComplaint(db, id);
  if (!row) throw new Error(`no complaint ${id}`);
  return row;
}
