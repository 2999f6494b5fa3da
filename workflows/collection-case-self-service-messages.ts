/**
 * The collection case workflow's self-service messages, part 2 (R-COLL-2): receipts of a payment
 * made elsewhere and the message thread. Beside workflows/collection-case-messages.ts (kept apart
 * so the two parts merge cleanly); the handlers are in workflows/collection-case-receipts.ts.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/dates';
import type { Actor, CaseView } from './collection-case-messages';

/**
 * R-COLL-2: the debtor sends a receipt (its file, if any, is already stored under `fileId`); an
 * operator task until decided. While a receipt is checked the case does not go to enforcement.
 */
export const submitReceiptUpdate = defineUpdate<
  CaseView,
  [Actor & { receiptId: string; bankReference: string; paidOn: IsoDate; amount: string; fileId?: string }]
>('submitReceipt');

/**
 * R-COLL-2 (operator): accepted, the payment is registered through the payment path (to the case's
 * OCR, at the receipt's date); rejected with a reason, the timeline resumes.
 */
export const decideReceiptUpdate = defineUpdate<
  CaseView,
  [Actor & { receiptId: string; outcome: 'accepted' | 'rejected'; reason?: string }]
>('decideReceipt');

/** R-COLL-2: the debtor writes to the collector in the case's thread. */
export const sendCaseMessageUpdate = defineUpdate<CaseView, [Actor & { messageId: string; body: string }]>(
  'sendCaseMessage',
);

/** R-COLL-2, R-LOAN-11 (operator): an answer in the thread goes to the mailbox, with the new-mail SMS/email. */
export const answerCaseMessageUpdate = defineUpdate<CaseView, [Actor & { messageId: string; body: string }]>(
  'answerCaseMessage',
);
