/**
 * What the payer reads about direct debit (autogiro, R-PAY-3): the text shown and signed in the
 * BankID app when a mandate is given, in Swedish (English below it for the English pages). Pure.
 */
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
