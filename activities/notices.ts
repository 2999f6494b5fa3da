/**
 * Notices to customers (R-LOAN-11): every notice goes to the customer's mailbox, and the customer
 * is told by SMS (when a phone number is known) or else by email that new mail arrived. A notice
 * marked `byPost` is also printed and posted through the print-and-post service (R-LOAN-3:
 * reminders always go by post).
 *
 * Idempotent end to end, so a retried activity never delivers twice:
 * - the mailbox message is written once per `idempotencyKey` (a repeat returns the first row);
 * - the new-mail notice is sent only while `notified_at` is empty, under the key
 *   `mailbox:<messageId>:new-mail:<channel>` (the gateway / SMTP recorder de-duplicate a send
 *   whose answer was lost before `notified_at` was written);
 * - the letter is sent only while `posted_at` is empty, under `mailbox:<messageId>:letter`.
 *
 * The SMS and email say only that new mail arrived: no amounts, no names (R-SEC-2). Nothing here
 * logs contact details or message bodies.
 *
 * The loan workflow records notices with `recordMailboxMessage(trx, …)` inside its own
 * transactions and calls `notifyNewMail` (or the `notifyNewMail` activity) after the commit.
 */
import type { Adapters } from '../adapters';
import { isRetryableAdapterError } from '../adapters/shared/errors';
import { failFastOnAdapterRefusal } from './adapter-failure';
import type { LetterRecipient } from '../adapters/post';
import { type CustomerContact, findCustomer, postalAddressOf, upsertCustomerContact } from '../db/customer-repository';
import type { Db } from '../db/database';
import { normaliseSwedishMobile } from '../domain/application';
import type { Notice } from '../domain/notice';
import {
  findMailboxMessage,
  markMailboxMessageNotified,
  markMailboxMessagePosted,
  recordMailboxMessage,
} from '../db/mailbox-repository';

export type NoticeAdapters = Pick<Adapters, 'email' | 'sms' | 'post'>;

export type NewMailChannel = 'sms' | 'email';

export interface NewMailResult {
  /** How the customer was told (now or by an earlier call); null: no phone or email known yet. */
  notifiedBy: NewMailChannel | null;
  /** Whether the printed letter has been handed to the post service (false when not `byPost`). */
  posted: boolean;
}

/** What the SMS and the email say: that new mail arrived, nothing more (R-SEC-2). */
export const NEW_MAIL_TEXT = {
  sms: 'Du har fått ett nytt meddelande i din brevlåda hos oss. Logga in för att läsa det.',
  emailSubject: 'Nytt meddelande i din brevlåda',
  email: [
    'Hej!',
    '',
    'Du har fått ett nytt meddelande i din brevlåda hos oss. Logga in för att läsa det.',
    '',
    'Det här mejlet går inte att svara på.',
  ].join('\n'),
} as const;

/** Records the notice in the mailbox, then tells the customer and posts the letter (each once). */
export async function deliverNotice(db: Db, adapters: NoticeAdapters, notice: Notice): Promise<{ messageId: string }> {
  const message = await recordMailboxMessage(db, notice);
  await notifyNewMail(db, adapters, message.id);
  return { messageId: message.id };
}

/**
 * For a recorded message: the new-mail SMS (or email) once, and the letter once when `byPost`.
 * Repeats after success do nothing. When neither phone nor email is known the message stays
 * un-notified (a later call, after the contact is upserted, tells the customer).
 */
export async function notifyNewMail(db: Db, adapters: NoticeAdapters, messageId: string): Promise<NewMailResult> {
  const message = await findMailboxMessage(db, messageId);
  if (!message) throw new Error(`mailbox message ${messageId} does not exist`);
  const needsNotice = message.notified_at === null;
  const needsLetter = message.by_post && message.posted_at === null;
  let notifiedBy = (message.notified_channel as NewMailChannel | null) ?? null;
  if (!needsNotice && !needsLetter) return { notifiedBy, posted: message.by_post };

  const customer = await findCustomer(db, message.customer_id);
  if (needsNotice) {
    notifiedBy = await tellCustomer(adapters, message.id, customer?.phone ?? null, customer?.email ?? null);
    if (notifiedBy) await markMailboxMessageNotified(db, message.id, notifiedBy);
  }
  if (needsLetter) {
    const address = customer ? postalAddressOf(customer) : undefined;
    const recipient: LetterRecipient = address
      ? { kind: 'address', address }
      : { kind: 'customer', customerId: message.customer_id };
    await adapters.post.sendLetter({
      idempotencyKey: `mailbox:${message.id}:letter`,
      recipient,
      subject: message.subject,
      body: message.body,
    });
    await markMailboxMessagePosted(db, message.id);
  }
  return { notifiedBy, posted: message.by_post };
}

/** SMS when a usable mobile number is known, else (or when the gateway refuses it) email. */
async function tellCustomer(
  adapters: NoticeAdapters,
  messageId: string,
  phone: string | null,
  email: string | null,
): Promise<NewMailChannel | null> {
  const mobile = phone ? normaliseSwedishMobile(phone) : undefined;
  if (mobile) {
    try {
      await adapters.sms.send({
        idempotencyKey: `mailbox:${messageId}:new-mail:sms`,
        to: mobile,
        text: NEW_MAIL_TEXT.sms,
      });
      return 'sms';
    } catch (err) {
      // A refused number (not a retryable fault) falls back to email when there is one.
      if (isRetryableAdapterError(err) || !email) throw err;
    }
  }
  if (email) {
    await adapters.email.send({
      idempotencyKey: `mailbox:${messageId}:new-mail:email`,
      to: email,
      subject: NEW_MAIL_TEXT.emailSubject,
      text: NEW_MAIL_TEXT.email,
    });
    return 'email';
  }
  return null;
}

export function createNoticeActivities(db: Db, adapters: NoticeAdapters) {
  return {
    /** R-LOAN-11: mailbox message + new-mail SMS/email (+ letter when `byPost`), each once. */
    async sendNotice(notice: Notice): Promise<{ messageId: string }> {
      return failFastOnAdapterRefusal('send notice', () => deliverNotice(db, adapters, notice));
    },

    /** R-LOAN-11: for a message recorded in a transaction elsewhere, the notice and letter (once). */
    async notifyNewMail(input: { messageId: string }): Promise<NewMailResult> {
      return failFastOnAdapterRefusal('notify new mail', () => notifyNewMail(db, adapters, input.messageId));
    },

    /** The customer's contact details for notices (upsert; fields not given are kept). */
    async recordCustomerContact(contact: CustomerContact): Promise<void> {
      await upsertCustomerContact(db, contact);
    },
  };
}

export type NoticeActivities = ReturnType<typeof createNoticeActivities>;
