/**
 * What the payer reads about direct debit (autogiro, R-PAY-3): the text shown and signed in the
 * BankID app when a mandate is given, in Swedish (English below it for the English pages). Pure.
 */
import { formatKronor, formatLongDate } from './format';

export type MandateFor = { kind: 'loan'; contractNumber: string } | { kind: 'case'; caseNumber: string };

export interface MandateSigningFacts {
  for: MandateFor;
  clearingNumber: string;
  accountNumber: string;
}

/** The account as the payer recognises it, without showing all of it: `8327-****5678`. */
export function maskedAccount(clearingNumber: string, accountNumber: string): string {
  const tail = accountNumber.slice(-4);
  return `${clearingNumber}-${'*'.repeat(Math.max(0, accountNumber.length - tail.length))}${tail}`;
}

/** The BankID sign text: what is drawn, from which account, and that it can be cancelled. */
export function mandateSigningText(facts: MandateSigningFacts, lang: 'sv' | 'en' = 'sv'): string {
  const account = maskedAccount(facts.clearingNumber, facts.accountNumber);
  if (lang === 'en') {
    const what =
      facts.for.kind === 'loan'
        ? `each invoice of loan ${facts.for.contractNumber} on its due date`
        : `each installment of the payment plan of case ${facts.for.caseNumber} on its due date`;
    return [
      'Direct debit mandate (autogiro)',
      `I authorise the lender to draw ${what} from account ${account}.`,
      'The mandate can be cancelled at any time.',
    ].join('\n');
  }
  const what =
    facts.for.kind === 'loan'
      ? `varje faktura för lån ${facts.for.contractNumber} på förfallodagen`
      : `varje delbetalning enligt avbetalningsplanen för ärende ${facts.for.caseNumber} på förfallodagen`;
  return [
    'Medgivande till autogiro',
    `Jag medger att långivaren drar ${what} från konto ${account}.`,
    'Medgivandet kan återkallas när som helst.',
  ].join('\n');
}

/** A mailbox notice about direct debit (R-PAY-3, R-LOAN-11): subject and body, Swedish. */
export interface DirectDebitNotice {
  subject: string;
  body: string;
}

function mandateSubjectOf(what: MandateFor): string {
  return what.kind === 'loan' ? `lån ${what.contractNumber}` : `ärende ${what.caseNumber}`;
}

/** The mandate is registered and active: from now on each due invoice (or installment) is drawn. */
export function mandateActiveNotice(facts: MandateSigningFacts & { atSigning: boolean }): DirectDebitNotice {
  const account = maskedAccount(facts.clearingNumber, facts.accountNumber);
  const what = facts.for.kind === 'loan' ? 'varje faktura dras' : 'varje delbetalning enligt avbetalningsplanen dras';
  return {
    subject: `Autogiro är aktiverat för ${mandateSubjectOf(facts.for)}`,
    body:
      (facts.atSigning
        ? 'Du valde autogiro när du skrev under låneavtalet, och medgivandet ingick i din underskrift. '
        : '') +
      `Autogiro är nu aktiverat: ${what} från konto ${account} på förfallodagen. ` +
      'Se till att det finns pengar på kontot dagen före. Du kan återkalla medgivandet när som helst.',
  };
}

/** The mandate has ended (by the customer, the lender or the payer's bank): pay each invoice yourself. */
export function mandateCancelledNotice(facts: {
  for: MandateFor;
  by: 'customer' | 'operator' | 'bank';
}): DirectDebitNotice {
  const who = facts.by === 'customer' ? 'på din begäran' : facts.by === 'bank' ? 'av din bank' : 'av oss';
  return {
    subject: `Autogiro har avslutats för ${mandateSubjectOf(facts.for)}`,
    body:
      `Medgivandet till autogiro har återkallats ${who}. Inget mer dras från ditt konto. ` +
      'Betala kommande fakturor själv till det OCR-nummer som står på varje faktura.',
  };
}

/** A draw was refused: nothing was drawn, the invoice is unpaid; pay it yourself to its OCR. */
export function drawRefusedNotice(facts: {
  contractNumber: string;
  invoiceNumber: number;
  amount: string;
  dueDate: string;
  ocrReference: string;
  reason: string;
}): DirectDebitNotice {
  const why =
    facts.reason === 'insufficient_funds'
      ? 'det inte fanns tillräckligt med pengar på kontot'
      : facts.reason === 'mandate_cancelled'
        ? 'medgivandet har återkallats hos din bank'
        : 'banken inte godkände dragningen';
  return {
    subject: `Faktura ${facts.invoiceNumber} för lån ${facts.contractNumber} kunde inte dras via autogiro`,
    body:
      `Vi kunde inte dra ${formatKronor(facts.amount)} för faktura ${facts.invoiceNumber} ` +
      `den ${formatLongDate(facts.dueDate)} eftersom ${why}. Fakturan är obetald. ` +
      `Betala den själv så snart som möjligt till OCR-nummer ${facts.ocrReference}. ` +
      'Vi försöker inte dra fakturan igen.' +
      (facts.reason === 'mandate_cancelled'
        ? ' Betala även kommande fakturor själv.'
        : ' Kommande fakturor dras som vanligt.'),
  };
}
