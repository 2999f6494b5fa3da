/**
 * The collection case's self-service steps, part 2 (R-COLL-2): a receipt submitted, accepted (its
 * payment registered to the case's OCR through the payment path) or rejected; a message from the
 * debtor and the collector's answer (to the mailbox, with the new-mail SMS/email, R-LOAN-11). Each
 * locks the case, changes its rows, records the event on the case's timeline and any letter, in
 * one transaction, once per idempotency key. Returns the case as the ledger says.
 */
import { randomUUID } from 'node:crypto';
import { lockCollectionCase, recordCaseEvent, updateCollectionCase } from '../../db/collection-case-repository';
import {
  decideReceipt,
  findReceipt,
  insertCaseMessage,
  insertReceipt,
} from '../../db/collection-self-service-repository';
import { registerPayment } from '../../db/loan-repository';
import type { IsoDate } from '../../domain/dates';
import type { Notice } from '../../domain/notice';
import type { CollectionLetter } from '../../texts/collection';
import * as texts from '../../texts/collection-self-service';
import type { LoanActivityContext } from '../loan/context';
import { type CaseSnapshot, loanOfCase, snapshotOf } from './case-ledger';

export type SelfServiceStep =
  | {
      kind: 'receipt-submitted';
      receiptId: string;
      bankReference: string;
      paidOn: IsoDate;
      amount: string;
      fileId?: string;
    }
  | { kind: 'receipt-accepted'; receiptId: string }
  | { kind: 'receipt-rejected'; receiptId: string; reason: string; deadline?: IsoDate }
  | { kind: 'message-received'; messageId: string; body: string }
  | { kind: 'message-answered'; messageId: string; body: string };

export interface SelfServiceStepInput {
  caseId: string;
  /** `collection-<caseNumber>:<n>:<kind>`: a repeat changes nothing and answers as the first time. */
  idempotencyKey: string;
  date: IsoDate;
  step: SelfServiceStep;
  /** Who acted: the debtor, their helper (R-COLL-8) or an operator, by their subject. */
  actor: string;
}

export interface SelfServiceResult {
  snapshot: CaseSnapshot;
  /** `receipt-accepted`: the payment registered for it. */
  paymentId?: string;
}

/** The bank reference a receipt's payment is registered under: one payment per receipt. */
export const receiptBankReference = (receiptId: string): string => `receipt-${receiptId}`;

export function createCollectionSelfServiceActivities({ withNotices }: LoanActivityContext) {
  return {
    async selfServiceStep(input: SelfServiceStepInput): Promise<SelfServiceResult> {
      return withNotices(async (trx, notices) => {
        const row = await lockCollectionCase(trx, input.caseId);
        const step = input.step;
        const paymentOf = async (): Promise<string | undefined> => {
          if (step.kind !== 'receipt-accepted') return undefined;
          return (await findReceipt(trx, step.receiptId))?.payment_id ?? undefined;
        };
        const done = await trx
          .selectFrom('collection_case_events')
          .select('id')
          .where('idempotency_key', '=', input.idempotencyKey)
          .executeTakeFirst();
        if (done) {
          const paymentId = await paymentOf();
          return { snapshot: await snapshotOf(trx, row, input.date), ...(paymentId ? { paymentId } : {}) };
        }
        const loan = await loanOfCase(trx, row);
        const caseNumber = row.case_number!;
        const notice = (kind: string, letter: CollectionLetter) =>
          notices.push({
            idempotencyKey: `${input.idempotencyKey}:notice`,
            customerId: loan.customer_id,
            loanId: loan.id,
            kind,
            ...letter,
            date: input.date,
          } satisfies Notice);
        // The timeline holds ids and amounts; personal text (messages, reasons) stays in its own rows.
        const detail: Record<string, unknown> = { actor: input.actor };
        let paymentId: string | undefined;
        switch (step.kind) {
          case 'receipt-submitted': {
            await insertReceipt(trx, {
              id: step.receiptId,
              case_id: row.id,
              bank_reference: step.bankReference,
              paid_on: step.paidOn,
              amount: step.amount,
              file_id: step.fileId ?? null,
              status: 'CHECKING',
              submitted_by: input.actor,
              submitted_on: input.date,
            });
            notice('collection-receipt', texts.receiptReceivedLetter({ caseNumber, ...step }));
            Object.assign(detail, {
              receiptId: step.receiptId,
              amount: step.amount,
              paidOn: step.paidOn,
              file: step.fileId !== undefined,
            });
            break;
          }
          case 'receipt-accepted': {
            const receipt = await findReceipt(trx, step.receiptId);
            if (!receipt || receipt.case_id !== row.id)
              throw new Error(`case ${row.id} has no receipt ${step.receiptId}`);
            // R-COLL-9: to the case's OCR at the day the debtor paid, like a bank payment (POST /v1/payments).
            const payment = await registerPayment(trx, {
              id: randomUUID(),
              bankReference: receiptBankReference(receipt.id),
              ocrReference: row.ocr_reference!,
              amount: receipt.amount,
              paymentDate: receipt.paid_on,
            });
            paymentId = payment.id;
            await updateReceiptDecision(trx, receipt.id, 'ACCEPTED', input, { paymentId });
            notice(
              'collection-receipt-accepted',
              texts.receiptAcceptedLetter({ caseNumber, amount: receipt.amount, paidOn: receipt.paid_on }),
            );
            Object.assign(detail, { receiptId: receipt.id, paymentId, amount: receipt.amount });
            break;
          }
          case 'receipt-rejected': {
            await updateReceiptDecision(trx, step.receiptId, 'REJECTED', input, { reason: step.reason });
            if (step.deadline) await updateCollectionCase(trx, row.id, { deadline: step.deadline });
            notice(
              'collection-receipt-rejected',
              texts.receiptRejectedLetter({
                caseNumber,
                reason: step.reason,
                ...(step.deadline ? { deadline: step.deadline } : {}),
              }),
            );
            Object.assign(detail, { receiptId: step.receiptId, ...(step.deadline ? { deadline: step.deadline } : {}) });
            break;
          }
          case 'message-received': {
            const message = await insertCaseMessage(trx, {
              case_id: row.id,
              idempotency_key: `message-${step.messageId}`,
              from_role: 'customer',
              author: input.actor,
              body: step.body,
            });
            Object.assign(detail, { messageId: message.id });
            break;
          }
          case 'message-answered': {
            const message = await insertCaseMessage(trx, {
              case_id: row.id,
              idempotency_key: `message-${step.messageId}`,
              from_role: 'operator',
              author: input.actor,
              body: step.body,
            });
            // R-LOAN-11: to the mailbox; the customer is told by SMS or email that new mail arrived.
            notice('collection-message', texts.messageAnswerLetter({ caseNumber, body: step.body }));
            Object.assign(detail, { messageId: message.id });
            break;
          }
        }
        await recordCaseEvent(trx, {
          caseId: row.id,
          idempotencyKey: input.idempotencyKey,
          date: input.date,
          kind: step.kind,
          detail,
        });
        return { snapshot: await snapshotOf(trx, row, input.date), ...(paymentId ? { paymentId } : {}) };
      });
    },
  };
}

async function updateReceiptDecision(
  trx: Parameters<typeof decideReceipt>[0],
  receiptId: string,
  status: 'ACCEPTED' | 'REJECTED',
  input: SelfServiceStepInput,
  more: { reason?: string; paymentId?: string },
): Promise<void> {
  await decideReceipt(trx, receiptId, { status, decidedBy: input.actor, decidedOn: input.date, ...more });
}
