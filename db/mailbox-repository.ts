/**
 * The customer mailbox (R-LOAN-11): every notice to a customer is a message here, written once
 * per idempotency key, whatever else delivers it (SMS/email "new mail" notice, a printed letter).
 * Plain functions taking the db or a transaction first, so the loan workflow's activities can
 * record a notice in the same transaction as the ledger posting that caused it.
 *
 * Bodies and subjects may hold amounts and names: never log them (R-SEC-2).
 */
import type { Kysely, Selectable } from 'kysely';
import type { Notice } from '../domain/notice';
import type { Database, MailboxMessageTable } from './database';

export type MailboxMessageRow = Selectable<MailboxMessageTable>;

export interface ListPage {
  limit: number;
  offset: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Inserts the message once per idempotency key; a repeat (retried activity, replayed step)
 * returns the first row unchanged. Works inside a transaction (pass the `trx`).
 */
export async function recordMailboxMessage(db: Kysely<Database>, notice: Notice): Promise<MailboxMessageRow> {
  const inserted = await db
    .insertInto('mailbox_messages')
    .values({
      idempotency_key: notice.idempotencyKey,
      customer_id: notice.customerId,
      loan_id: notice.loanId ?? null,
      application_id: notice.applicationId ?? null,
      kind: notice.kind,
      subject: notice.subject,
      body: notice.body,
      business_date: notice.date,
      by_post: notice.byPost ?? false,
      read_at: null,
      notified_at: null,
      notified_channel: null,
      posted_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('mailbox_messages')
    .selectAll()
    .where('idempotency_key', '=', notice.idempotencyKey)
    .executeTakeFirstOrThrow();
}

/** A customer's messages, newest first (R-SEC-1: only theirs). */
export async function listMailboxMessages(
  db: Kysely<Database>,
  customerId: string,
  page: ListPage = { limit: 50, offset: 0 },
): Promise<MailboxMessageRow[]> {
  return db
    .selectFrom('mailbox_messages')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** How many of a customer's messages are unread. */
export async function countUnreadMailboxMessages(db: Kysely<Database>, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('mailbox_messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', customerId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findMailboxMessage(db: Kysely<Database>, id: string): Promise<MailboxMessageRow | undefined> {
  if (!UUID.test(id)) return undefined;
  return db.selectFrom('mailbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findMailboxMessageByKey(
  db: Kysely<Database>,
  idempotencyKey: string,
): Promise<MailboxMessageRow | undefined> {
  return db.selectFrom('mailbox_messages').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

/** Marks the message read (the first read counts; later reads change nothing) and returns it. */
export async function markMailboxMessageRead(
  db: Kysely<Database>,
  id: string,
  at: Date = new Date(),
): Promise<MailboxMessageRow | undefined> {
  if (!UUID.test(id)) return undefined;
  await db
    .updateTable('mailbox_messages')
    .set({ read_at: at })
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
  return findMailboxMessage(db, id);
}

/** Records that the customer was told about the message (once: an earlier mark stays). */
export async function markMailboxMessageNotified(
  db: Kysely<Database>,
  id: string,
  channel: 'sms' | 'email' | 'none',
  at: Date = new Date(),
): Promise<void> {
  await db
    .updateTable('mailbox_messages')
    .set({ notified_at: at, notified_channel: channel })
    .where('id', '=', id)
    .where('notified_at', 'is', null)
    .execute();
}

/** Records that the printed letter was handed over (once). */
export async function markMailboxMessagePosted(db: Kysely<Database>, id: string, at: Date = new Date()): Promise<void> {
  await db
    .updateTable('mailbox_messages')
    .set({ posted_at: at })
    .where('id', '=', id)
    .where('posted_at', 'is', null)
    .execute();
}
