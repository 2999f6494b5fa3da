/**
 * The copy of the collection self-service on Mina sidor beyond the case page's own actions
 * (web/collection-self-service.ts): receipts of a payment made elsewhere, the message thread,
 * the suggested solution over several cases. Swedish first, English second; pure, no rule ids.
 */
import type { Lang } from './bankid';

const sv = {
  receiptsTitle: 'Har du redan betalat?',
  receiptsLead:
    'Har du betalat på annat sätt än till vårt bankgiro, skicka ditt kvitto. Vi kontrollerar det och under tiden skickar vi inte ärendet vidare till Kronofogden.',
  bankReference: 'Bankens referens för betalningen',
  paidOn: 'Betalningsdag (ÅÅÅÅ-MM-DD)',
  receiptAmount: 'Betalt belopp (kr)',
  receiptButton: 'Skicka kvitto',
  receiptSent: 'Vi har tagit emot ditt kvitto och kontrollerar det.',
  receiptInvalid: 'Kontrollera uppgifterna om betalningen.',
  receiptRefused: 'Kvittot gick inte att skicka. Ärendet är avslutat.',
  receiptsCaption: 'Skickade kvitton',
  receiptHeads: ['Skickat', 'Betalningsdag', 'Belopp', 'Status'],
  receiptStatuses: { CHECKING: 'Kontrolleras', ACCEPTED: 'Godkänt', REJECTED: 'Inte godkänt' } as Record<
    string,
    string
  >,
  messagesTitle: 'Meddelanden',
  messagesLead: 'Skriv till oss om ärendet. Vårt svar syns här och i din brevlåda.',
  noMessages: 'Inga meddelanden ännu.',
  fromCustomer: 'Du',
  fromOperator: 'Handläggare',
  messageBody: 'Ditt meddelande',
  messageButton: 'Skicka meddelande',
  messageSent: 'Ditt meddelande är skickat.',
  messageInvalid: 'Skriv ett meddelande (högst 4 000 tecken).',
  messageRefused: 'Meddelandet gick inte att skicka. Ärendet är avslutat.',
  suggestionLink: 'Få ett förslag för alla dina ärenden',
  suggestionTitle: 'Förslag på lösning',
  suggestionLead:
    'Har du flera ärenden kan du ange hur mycket du kan betala varje månad. Vi fördelar beloppet på dina ärenden och visar hur länge varje avbetalningsplan blir.',
  suggestionAmount: 'Belopp per månad för alla ärenden (kr)',
  suggestionDay: 'Betalningsdag i månaden (1–28)',
  suggestionButton: 'Visa förslag',
  suggestionCaption: 'Förslag per ärende',
  suggestionHeads: ['Ärende', 'Per månad', 'Antal månader', 'Sista betalning', 'Att betala totalt'],
  suggestionExcluded: 'Ärenden som inte kan ingå i förslaget: {cases}.',
  acceptButton: 'Godkänn förslaget',
  tooLow: 'Beloppet räcker inte. Det minsta belopp vi kan godta för alla ärenden är {smallest} i månaden.',
  tooLowPlain: 'Beloppet räcker inte för en avbetalningsplan på alla ärenden.',
  noOpenCases: 'Du har inga öppna inkassoärenden att lägga en plan på.',
  accepted: 'Förslaget är godkänt. Avbetalningsplaner gäller nu för ärende {cases}.',
  partlyAccepted: 'Förslaget godkändes för ärende {accepted}, men inte för ärende {refused}.',
};

export type CollectionSelfServicePageTexts = typeof sv;

const en: CollectionSelfServicePageTexts = {
  receiptsTitle: 'Already paid?',
  receiptsLead:
    'If you paid some other way than to our bankgiro, send us your receipt. We check it, and meanwhile the case is not sent to the enforcement authority.',
  bankReference: 'The bank’s reference for the payment',
  paidOn: 'Payment date (YYYY-MM-DD)',
  receiptAmount: 'Amount paid (SEK)',
  receiptButton: 'Send receipt',
  receiptSent: 'We have received your receipt and are checking it.',
  receiptInvalid: 'Check the details of the payment.',
  receiptRefused: 'The receipt could not be sent. The case has ended.',
  receiptsCaption: 'Receipts sent',
  receiptHeads: ['Sent', 'Payment date', 'Amount', 'Status'],
  receiptStatuses: { CHECKING: 'Being checked', ACCEPTED: 'Accepted', REJECTED: 'Not accepted' },
  messagesTitle: 'Messages',
  messagesLead: 'Write to us about the case. Our answer shows here and in your mailbox.',
  noMessages: 'No messages yet.',
  fromCustomer: 'You',
  fromOperator: 'Case officer',
  messageBody: 'Your message',
  messageButton: 'Send message',
  messageSent: 'Your message has been sent.',
  messageInvalid: 'Write a message (at most 4,000 characters).',
  messageRefused: 'The message could not be sent. The case has ended.',
  suggestionLink: 'Get a suggestion for all your cases',
  suggestionTitle: 'Suggested solution',
  suggestionLead:
    'If you have several cases, state how much you can pay each month. We share the amount between your cases and show how long each installment plan would be.',
  suggestionAmount: 'Amount per month for all cases (SEK)',
  suggestionDay: 'Payment day of the month (1–28)',
  suggestionButton: 'Show suggestion',
  suggestionCaption: 'Suggestion per case',
  suggestionHeads: ['Case', 'Per month', 'Months', 'Last payment', 'Total to pay'],
  suggestionExcluded: 'Cases that cannot be part of the suggestion: {cases}.',
  acceptButton: 'Accept the suggestion',
  tooLow: 'The amount is not enough. The smallest amount we can accept for all cases is {smallest} a month.',
  tooLowPlain: 'The amount is not enough for an installment plan on every case.',
  noOpenCases: 'You have no open collection cases to put on a plan.',
  accepted: 'The suggestion is accepted. Installment plans now apply to case {cases}.',
  partlyAccepted: 'The suggestion was accepted for case {accepted}, but not for case {refused}.',
};

export function collectionSelfServicePageTexts(lang: Lang): CollectionSelfServicePageTexts {
  return lang === 'en' ? en : sv;
}
