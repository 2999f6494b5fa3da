/**
 * Printed letters through a print-and-post service (R-LOAN-3: reminders always go by post;
 * R-LOAN-11: a notice marked "by post" is also printed and posted).
 *
 * A letter is an effect (printing and postage cost, and the customer receives paper), so it carries
 * an idempotency key: a repeat with the same key and letter returns the first letter and posts
 * nothing; the same key with a different letter is refused (`IdempotencyConflictError`).
 */

/** A Swedish postal address. Personal data (R-SEC-2): never logged. */
export interface PostalAddress {
  name: string;
  street: string;
  /** Five digits, optionally grouped "111 22". */
  postalCode: string;
  city: string;
}

export type LetterRecipient =
  /** Printed to this address. */
  | { kind: 'address'; address: PostalAddress }
  /** The service looks up the address it holds for the lender's customer id (population register sync). */
  | { kind: 'customer'; customerId: string };

export interface LetterRequest {
  /** Derived from the notice, e.g. `mailbox:<messageId>:letter`. */
  idempotencyKey: string;
  recipient: LetterRecipient;
  subject: string;
  /** Plain text; the service lays it out on A4 with the lender's letterhead. */
  body: string;
}

export type LetterStatus = 'accepted' | 'printed' | 'posted';

export interface SentLetter {
  letterId: string;
  status: LetterStatus;
  /** True when the service recognised a repeat of an earlier request. */
  replayed: boolean;
}

export interface LetterSender {
  sendLetter(letter: LetterRequest): Promise<SentLetter>;
}
