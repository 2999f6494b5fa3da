/**
 * What the application process says, in Swedish: the applicants' links and reminders, the
 * vendor's "submitted" mail, the income-verification, offer and rejection messages, the mailbox
 * notices, and the texts shown in the BankID app. Pure: the workflow composes, the activities
 * deliver. Messages carry the reference and a link, never a personal identity number.
 */
import type { ConsolidationLoan, Offer } from '../domain/application';
import { DEFAULT_PRODUCT, type ProductParameters } from '../domain/product';
import { formatKronor } from './format';

export interface Message {
  subject: string;
  text: string;
  sms: string;
}

/** R-APP-7: where the open-banking provider sends the applicant back after consent (web/apply.ts). */
export function incomeVerificationReturnLink(linkBaseUrl: string, applicationId: string): string {
  return `${linkBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(applicationId)}/inkomst/tillbaka`;
}

export function applicationLink(linkBaseUrl: string, applicationId: string, inviteCode: string | null): string {
  const base = `${linkBaseUrl.replace(/\/+$/, '')}/${applicationId}`;
  return inviteCode ? `${base}?invite=${encodeURIComponent(inviteCode)}` : base;
}

/**
 * The link to an applicant. A vendor's application names the shop and the amount, so
 * the customer recognises the purchase; `amount` is the decimal string of the application.
 */
export function invitationMessage(input: {
  reference: string;
  link: string;
  reminder: boolean;
  shop?: string | null;
  amount?: string;
}): Message {
  const amount = input.amount ? ` på ${formatKronor(input.amount)}` : '';
  const lead = input.reminder
    ? `Påminnelse: din låneansökan${amount}${input.shop ? ` hos ${input.shop}` : ''} väntar på dig.`
    : input.shop
      ? `${input.shop} har skapat en låneansökan${amount} åt dig.`
      : `En låneansökan${amount} har skapats åt dig.`;
  return {
    subject: input.reminder ? `Påminnelse om låneansökan ${input.reference}` : `Din låneansökan ${input.reference}`,
    text: [
      lead,
      '',
      'Öppna länken, identifiera dig med BankID och besvara frågorna om din ekonomi (KALP) och kundkännedom (KYC).',
      'Ansökan gäller i 7 dagar.',
      '',
      input.link,
      '',
      `Referens: ${input.reference}`,
    ].join('\n'),
    sms: `${lead} Identifiera dig med BankID och besvara frågorna: ${input.link}`,
  };
}

/** To the vendor who created the application, when the customer has submitted it. */
export function vendorSubmittedMessage(input: { reference: string; contractNumber: string }): Message {
  return {
    subject: `Ansökan ${input.reference} är inskickad (avtal ${input.contractNumber})`,
    text: [
      `Kunden har skickat in ansökan ${input.reference}.`,
      `Den har fått avtalsnummer ${input.contractNumber} och finns nu i listan över inskickade ansökningar.`,
    ].join('\n'),
    sms: `Ansökan ${input.reference} är inskickad, avtal ${input.contractNumber}.`,
  };
}

export function incomeVerificationMessage(input: {
  reference: string;
  redirectUrl: string;
  deadline: string;
}): Message {
  return {
    subject: `Verifiera din inkomst för ansökan ${input.reference}`,
    text: [
      'För att vi ska kunna fatta beslut behöver vi verifiera din inkomst via din bank.',
      `Gör det senast ${input.deadline.slice(0, 10)}, annars avslås ansökan.`,
      '',
      input.redirectUrl,
    ].join('\n'),
    sms: `Verifiera din inkomst för ansökan ${input.reference} senast ${input.deadline.slice(0, 10)}: ${input.redirectUrl}`,
  };
}

export function offerMessage(input: {
  reference: string;
  link: string;
  monthlyPayment: string;
  aprPercent: string;
  validUntil: string;
}): Message {
  return {
    subject: `Ditt lånerbjudande ${input.reference}`,
    text: [
      `Ansökan ${input.reference} är beviljad.`,
      `Månadsbelopp ${input.monthlyPayment} kr, effektiv ränta ${input.aprPercent} %.`,
      `Erbjudandet gäller till ${input.validUntil.slice(0, 10)}. Signera med BankID:`,
      '',
      input.link,
    ].join('\n'),
    sms: `Ditt lån ${input.reference} är beviljat. Signera med BankID senast ${input.validUntil.slice(0, 10)}: ${input.link}`,
  };
}

export function decisionRejectedMessage(input: { reference: string }): Message {
  return {
    subject: `Besked om ansökan ${input.reference}`,
    text: `Tyvärr kan vi inte bevilja ansökan ${input.reference}. Du har rätt att få veta vilka uppgifter beslutet grundades på.`,
    sms: `Tyvärr kan vi inte bevilja ansökan ${input.reference}.`,
  };
}

// --- mailbox notices (R-LOAN-11) -----------------------------------------------------------------
// Read inside the logged-in mailbox, so they carry the figures; the SMS/email that announces them
// says only that new mail arrived (activities/notices.ts).

export interface MailboxText {
  subject: string;
  body: string;
}

export function offerNotice(input: {
  reference: string;
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  aprPercent: string;
  monthlyPayment: string;
  totalPayable: string;
  validUntil: string;
}): MailboxText {
  return {
    subject: `Lånerbjudande för ansökan ${input.reference}`,
    body: [
      `Din ansökan ${input.reference} är beviljad.`,
      '',
      `Lånebelopp: ${input.amount} kr, återbetalningstid ${input.termMonths} månader.`,
      `Nominell ränta ${input.nominalRatePercent} % (rörlig), effektiv ränta ${input.aprPercent} %.`,
      `Månadsbelopp ${input.monthlyPayment} kr, totalt att betala ${input.totalPayable} kr.`,
      '',
      `Erbjudandet gäller till ${input.validUntil.slice(0, 10)}. Varje sökande signerar med BankID.`,
    ].join('\n'),
  };
}

export function rejectedNotice(input: { reference: string }): MailboxText {
  return {
    subject: `Besked om ansökan ${input.reference}`,
    body: [
      `Tyvärr kan vi inte bevilja ansökan ${input.reference}.`,
      'Du har rätt att få veta vilka uppgifter beslutet grundades på: kontakta oss så berättar vi.',
    ].join('\n'),
  };
}

export function payoutNotice(input: {
  reference: string;
  contractNumber: string;
  amount: string;
  executionDate: string;
}): MailboxText {
  return {
    subject: `Ditt lån är utbetalt (avtal ${input.contractNumber})`,
    body: [
      `Lånet från ansökan ${input.reference} är utbetalt: ${input.amount} kr, utbetalningsdag ${input.executionDate}.`,
      `Avtalsnummer ${input.contractNumber}. Din betalplan och dina fakturor finns under Mina lån.`,
    ].join('\n'),
  };
}

// --- shown in the BankID app ----------------------------------------------------------------------

/** What the applicant sees when identifying with BankID. */
export function identificationText(reference: string): string {
  return `Identifiering för låneansökan ${reference}`;
}

/** The text every applicant signs with BankID: the offer and, for a consolidation, the power of attorney. */
export function signingText(
  reference: string,
  offer: Offer,
  consolidation: readonly ConsolidationLoan[],
  product: ProductParameters = DEFAULT_PRODUCT,
): string {
  const lines = [
    `Låneavtal ${reference}`,
    `Belopp ${offer.amount} kr, ${offer.termMonths} månader`,
    `Nominell ränta ${offer.nominalRatePercent} % (rörlig), effektiv ränta ${offer.aprPercent} %`,
    `Månadsbelopp ${offer.monthlyPayment} kr, totalt att betala ${offer.totalPayable} kr`,
  ];
  // R-PROD-2, R-PAY-3: the offer's signature is also the autogiro mandate (no second signature).
  if (offer.noticeChannel === 'autogiro')
    lines.push('Medgivande till autogiro: varje faktura dras på förfallodagen från det angivna utbetalningskontot');
  if (consolidation.length > 0)
    lines.push(
      `Fullmakt att lösa ${consolidation.length} lån (giltig ${product.application.powerOfAttorneyValidityMonths} månader eller tills den återkallas)`,
    );
  return lines.join('\n');
}

/**
 * To the lender's operations mailbox (not a customer): a payout the bank accepted but has not
 * confirmed executed, with the facts to reconcile it with the bank (ids and amounts only).
 */
export function unconfirmedPayoutReport(payout: {
  applicationId: string;
  reference: string;
  leg: string;
  payoutId: string;
  amount: string;
  executionDate: string;
}): { subject: string; text: string } {
  return {
    subject: `Obekräftad utbetalning: ansökan ${payout.reference}`,
    text: [
      `Utbetalningen för ansökan ${payout.reference} (${payout.applicationId}) har tagits emot av banken`,
      'men är inte bekräftad som genomförd.',
      '',
      `Del: ${payout.leg}`,
      `Bankens utbetalnings-id: ${payout.payoutId}`,
      `Belopp: ${payout.amount} kr`,
      `Begärd genomförandedag: ${payout.executionDate}`,
      '',
      'Stäm av med banken. Ansökan väntar kvar på bankens bekräftelse och lånet startar när den kommer.',
    ].join('\n'),
  };
}
