/**
 * What the borrower reads about the loan (R-LOAN-1…8, R-LOAN-11): the subject and body of each
 * letter recorded in the customer mailbox, in Swedish, never showing rule ids. Pure: the
 * activities pass the facts and record the finished text.
 */
import type { OpenLineKind } from '../domain/allocation';
import type { IsoDate } from '../domain/dates';
import { Decimal } from '../domain/money';
import { formatLongDate, formatKronor, formatPercent, invoiceLineLabel } from './format';

export interface LoanLetter {
  subject: string;
  body: string;
}

type Amount = string | Decimal;

/** R-LOAN-1: the monthly invoice. */
export function invoiceLetter(invoice: {
  number: number;
  contractNumber: string;
  total: Amount;
  dueDate: IsoDate;
  ocrReference: string;
  lines: readonly { kind: OpenLineKind; amount: Amount }[];
}): LoanLetter {
  return {
    subject: `Faktura ${invoice.number} för lån ${invoice.contractNumber}`,
    body:
      `Att betala: ${formatKronor(invoice.total)} senast ${formatLongDate(invoice.dueDate)} till OCR-nummer ` +
      `${invoice.ocrReference}.\n` +
      invoice.lines.map((l) => `${invoiceLineLabel(l.kind)}: ${formatKronor(l.amount)}`).join('\n'),
  };
}

/** R-LOAN-3: the reminder, with the late fee and the reminder fee added. */
export function reminderLetter(reminder: {
  invoiceNumber: number;
  contractNumber: string;
  lateFee: Amount;
  reminderFee: Amount;
  newDueDate: IsoDate;
}): LoanLetter {
  return {
    subject: `Påminnelse: faktura ${reminder.invoiceNumber} för lån ${reminder.contractNumber} är obetald`,
    body:
      `Faktura ${reminder.invoiceNumber} betalades inte senast på förfallodagen. En förseningsavgift på ` +
      `${formatKronor(reminder.lateFee)} och en påminnelseavgift på ${formatKronor(reminder.reminderFee)} har ` +
      `lagts till, och dröjsmålsränta löper. Betala senast ${formatLongDate(reminder.newDueDate)}.`,
  };
}

const TERMINATION_GROUNDS: Record<string, string> = {
  a: 'du är mer än en månad försenad med ett belopp som överstiger tio procent av lånefordran',
  b:
    'du är mer än en månad försenad med ett belopp som överstiger fem procent av lånefordran, ' +
    'för två eller flera poster som förföll vid olika tidpunkter',
};

/** R-LOAN-4: the termination for payment in advance, with the last day to cure it. */
export function terminationLetter(termination: {
  contractNumber: string;
  grounds: readonly string[];
  endsOn: IsoDate;
}): LoanLetter {
  const why = termination.grounds.map((g) => TERMINATION_GROUNDS[g] ?? g).join(', och ');
  return {
    subject: `Uppsägning av lån ${termination.contractNumber}`,
    body:
      `Vi säger upp ditt lån till betalning i förtid eftersom ${why}. Om inte allt som är förfallet, med ` +
      `dröjsmålsränta, är betalt senast ${formatLongDate(termination.endsOn)} förfaller hela skulden till ` +
      'betalning och lämnas till inkasso.',
  };
}

/** R-COLL-1: the loan is handed over to collection. */
export function collectionLetter(handover: {
  contractNumber: string;
  total: Amount;
  collectionFee: Amount;
}): LoanLetter {
  return {
    subject: `Lån ${handover.contractNumber} har lämnats till inkasso`,
    body:
      `Hela skulden på ${formatKronor(handover.total)}, inklusive en inkassoavgift på ` +
      `${formatKronor(handover.collectionFee)}, har förfallit till betalning.`,
  };
}

/** R-LOAN-5: a new interest rate and the monthly payment it brings. */
export function rateChangeLetter(change: {
  contractNumber: string;
  effectiveFrom: IsoDate;
  newRatePercent: Amount;
  currentRatePercent: Amount;
  firstInstallment: number;
  newMonthlyPayment: Amount;
  remainingInstallments: number;
}): LoanLetter {
  return {
    subject: `Ny ränta på lån ${change.contractNumber}`,
    body:
      `Från och med ${formatLongDate(change.effectiveFrom)} är din nominella ränta ${formatPercent(change.newRatePercent)} ` +
      `(i dag ${formatPercent(change.currentRatePercent)}). Från och med avbetalning ${change.firstInstallment} är ` +
      `din månadsbetalning ${formatKronor(change.newMonthlyPayment)} under de ${change.remainingInstallments} ` +
      'avbetalningar som återstår.',
  };
}

/** R-LOAN-6: a payment-free month granted. */
export function paymentFreeMonthLetter(grant: {
  contractNumber: string;
  installmentNumber: number;
  dueDate: IsoDate;
  capitalisedInterest: Amount;
  termMonths: number;
  newMonthlyPayment: Amount;
}): LoanLetter {
  return {
    subject: `Betalningsfri månad beviljad på lån ${grant.contractNumber}`,
    body:
      `Avbetalning ${grant.installmentNumber} (förfaller ${formatLongDate(grant.dueDate)}) blir betalningsfri. Cirka ` +
      `${formatKronor(grant.capitalisedInterest)} i ränta läggs till skulden, löptiden förlängs med en månad till ` +
      `${grant.termMonths} månader och månadsbetalningen blir cirka ${formatKronor(grant.newMonthlyPayment)}.`,
  };
}

/** R-LOAN-7: a confirmed early repayment: what to pay, to which reference, by when. */
export function earlyRepaymentLetter(order: {
  contractNumber: string;
  kind: 'whole' | 'partial';
  total: Amount;
  ocrReference: string;
  payBy: IsoDate;
  remainingInstallments: number | null;
}): LoanLetter {
  return {
    subject: `Förtidsbetalning av lån ${order.contractNumber}`,
    body:
      `Betala ${formatKronor(order.total)} till OCR-nummer ${order.ocrReference} senast ${formatLongDate(order.payBy)} ` +
      (order.kind === 'whole'
        ? 'för att lösa hela lånet.'
        : `för att minska ditt lån; därefter återstår ${order.remainingInstallments} avbetalningar.`) +
      ' Förtidsbetalningen kostar ingen avgift.',
  };
}

/** R-LOAN-8: the withdrawal received: what to repay by when. */
export function withdrawalLetter(withdrawal: {
  contractNumber: string;
  total: Amount;
  ocrReference: string;
  repayBy: IsoDate;
  principal: Amount;
  interest: Amount;
  interestPerDay: Amount;
  feesRefunded: Amount;
}): LoanLetter {
  return {
    subject: `Ångrat lån ${withdrawal.contractNumber}`,
    body:
      `Vi har tagit emot att du ångrar ditt lån. Betala tillbaka ${formatKronor(withdrawal.total)} till OCR-nummer ` +
      `${withdrawal.ocrReference} senast ${formatLongDate(withdrawal.repayBy)}: lånebeloppet ` +
      `${formatKronor(withdrawal.principal)}, räntan ${formatKronor(withdrawal.interest)} fram till den dagen ` +
      `(${formatKronor(withdrawal.interestPerDay, 4)} per dag, mindre om du betalar tidigare), minus återbetalda ` +
      `avgifter ${formatKronor(withdrawal.feesRefunded)}.`,
  };
}
