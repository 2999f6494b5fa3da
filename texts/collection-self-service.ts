/**
 * What the debtor (and their helper) reads about receipts, messages and powers of attorney on
 * collection cases (R-COLL-2, R-COLL-8, R-LOAN-11): Swedish, never showing rule ids. Pure.
 */
import type { IsoDate } from '../domain/dates';
import type { CollectionLetter } from './collection';
import { formatDate, formatKronor } from './format';

/** R-COLL-2: the receipt has arrived and is being checked. */
export function receiptReceivedLetter(input: {
  caseNumber: string;
  amount: string;
  paidOn: IsoDate;
}): CollectionLetter {
  return {
    subject: `Vi har tagit emot ditt kvitto – ärende ${input.caseNumber}`,
    body:
      `Tack! Vi har tagit emot ditt kvitto på en betalning om ${formatKronor(input.amount)} ` +
      `den ${formatDate(input.paidOn)}. Vi kontrollerar betalningen. Så länge kontrollen pågår ` +
      'lämnar vi inte ärendet vidare till Kronofogden.',
  };
}

/** R-COLL-2: the receipt is accepted: the payment counts from the day it was made. */
export function receiptAcceptedLetter(input: {
  caseNumber: string;
  amount: string;
  paidOn: IsoDate;
}): CollectionLetter {
  return {
    subject: `Din betalning är registrerad – ärende ${input.caseNumber}`,
    body:
      `Vi har kontrollerat ditt kvitto. Betalningen om ${formatKronor(input.amount)} den ` +
      `${formatDate(input.paidOn)} är registrerad på ärendet, och saldot på Mina sidor är uppdaterat.`,
  };
}

/** R-COLL-2: the receipt is rejected, with the reason; the claim stands. */
export function receiptRejectedLetter(input: {
  caseNumber: string;
  reason: string;
  deadline?: IsoDate;
}): CollectionLetter {
  return {
    subject: `Ditt kvitto kunde inte godkännas – ärende ${input.caseNumber}`,
    body: [
      'Vi har kontrollerat ditt kvitto men kan inte registrera betalningen:',
      '',
      input.reason,
      '',
      input.deadline
        ? `Kravet kvarstår. Betala senast ${formatDate(input.deadline)}, eller hör av dig till oss.`
        : 'Kravet kvarstår. Hör gärna av dig till oss om du har frågor.',
    ].join('\n'),
  };
}

/** R-COLL-2, R-LOAN-11: the collector's answer in the case's thread, in full. */
export function messageAnswerLetter(input: { caseNumber: string; body: string }): CollectionLetter {
  return {
    subject: `Nytt meddelande om ärende ${input.caseNumber}`,
    body: `${input.body}\n\nSvara gärna via Mina sidor.`,
  };
}

/** R-COLL-8: what the customer signs with BankID (shown in the BankID app). */
export function powerOfAttorneySignText(input: { helperBirthDate: IsoDate; validUntil: IsoDate }): string {
  return (
    'Jag ger fullmakt till personen född ' +
    `${formatDate(input.helperBirthDate)} att se och hantera mina inkassoärenden för min räkning ` +
    `till och med ${formatDate(input.validUntil)}, eller tills jag återkallar fullmakten.`
  );
}
