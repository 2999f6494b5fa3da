/**
 * What the debtor reads about a collection case (R-COLL-2…7, R-LOAN-11): each letter's subject and
 * body, in Swedish, never showing rule ids. Pure: the activities pass the facts (the claim read
 * from the ledger) and record the finished text in the mailbox (and by post where it says so).
 */
import type { IsoDate } from '../domain/dates';
import { Decimal } from '../domain/money';
import { formatDate, formatKronor, invoiceLineLabel } from './format';

export interface CollectionLetter {
  subject: string;
  body: string;
}

type Amount = string | Decimal;

/** The claim as the debtor reads it, item by item (R-COLL-1). */
export interface ClaimText {
  principal: Amount;
  interest: Amount;
  fees: Amount;
  defaultInterest: Amount;
  collectionFee: Amount;
  total: Amount;
}

export interface PayTo {
  caseNumber: string;
  ocrReference: string;
  bankgiro: string;
}

function itemised(claim: ClaimText): string {
  return [
    `  Kapitalbelopp        ${formatKronor(claim.principal)}`,
    `  Ränta                ${formatKronor(claim.interest)}`,
    `  Avgifter             ${formatKronor(claim.fees)}`,
    `  Dröjsmålsränta       ${formatKronor(claim.defaultInterest)}`,
    `  Inkassoavgift        ${formatKronor(claim.collectionFee)}`,
    `  Att betala           ${formatKronor(claim.total)}`,
  ].join('\n');
}

function howToPay(pay: PayTo): string {
  return `Betala till bankgiro ${pay.bankgiro} med OCR-nummer ${pay.ocrReference}.`;
}

const ONGOING_INTEREST = 'Dröjsmålsränta löper på kapitalbeloppet tills skulden är betald.';

/** R-COLL-4: the collection demand (inkassokrav). */
export function demandLetter(input: {
  pay: PayTo;
  contractNumber: string;
  claim: ClaimText;
  deadline: IsoDate;
}): CollectionLetter {
  return {
    subject: `Inkassokrav ${input.pay.caseNumber}`,
    body: [
      `Ditt lån ${input.contractNumber} har lämnats till inkasso. Kravet:`,
      itemised(input.claim),
      `Betala senast ${formatDate(input.deadline)}. ${howToPay(input.pay)}`,
      ONGOING_INTEREST,
      'Om du inte kan betala kan du på Mina sidor begära anstånd eller föreslå en avbetalningsplan. ' +
        'Om du anser att kravet är felaktigt kan du bestrida det; då avvaktar vi med indrivningen tills vi har svarat.',
      'Betalar du inte, och har vi inte kommit överens om något annat, kan vi ansöka om betalningsföreläggande hos Kronofogden.',
    ].join('\n\n'),
  };
}

/** R-COLL-4: the last reminder before the enforcement authority. */
export function lastReminderLetter(input: { pay: PayTo; claim: ClaimText; deadline: IsoDate }): CollectionLetter {
  return {
    subject: `Sista påminnelse – inkassokrav ${input.pay.caseNumber}`,
    body: [
      'Vi har inte fått betalt. Kravet i dag:',
      itemised(input.claim),
      `Betala senast ${formatDate(input.deadline)}. ${howToPay(input.pay)}`,
      'Betalar du inte senast då ansöker vi om betalningsföreläggande hos Kronofogden.',
    ].join('\n\n'),
  };
}

/** R-COLL-3: the claim has gone to the enforcement authority. */
export function enforcementLetter(input: { caseNumber: string; total: Amount; appliedOn: IsoDate }): CollectionLetter {
  return {
    subject: `Ansökan om betalningsföreläggande – ärende ${input.caseNumber}`,
    body:
      `Den ${formatDate(input.appliedOn)} ansökte vi hos Kronofogden om betalningsföreläggande för ` +
      `${formatKronor(input.total)}. Kronofogden kontaktar dig.`,
  };
}

/** R-COLL-5: a postponement is granted. */
export function postponementLetter(input: { pay: PayTo; newDueDate: IsoDate }): CollectionLetter {
  return {
    subject: `Anstånd beviljat – ärende ${input.pay.caseNumber}`,
    body: `Du har fått anstånd. Betala senast ${formatDate(input.newDueDate)}. ${howToPay(input.pay)}\n\n${ONGOING_INTEREST}`,
  };
}

/** R-COLL-6: the plan is accepted, with every installment. */
export function planAcceptedLetter(input: {
  pay: PayTo;
  fee: Amount;
  installments: readonly { number: number; dueDate: IsoDate; amount: Amount }[];
}): CollectionLetter {
  const rows = input.installments.map(
    (i) => `  ${String(i.number).padStart(2)}. ${formatDate(i.dueDate)}  ${formatKronor(i.amount)}`,
  );
  return {
    subject: `Avbetalningsplan – ärende ${input.pay.caseNumber}`,
    body: [
      `Din avbetalningsplan är godkänd. En avgift för planen på ${formatKronor(input.fee)} har lagts till skulden.`,
      rows.join('\n'),
      `Varje delbetalning aviseras. ${howToPay(input.pay)}`,
      'Missar du en delbetalning får du en påminnelse; missar du två upphör planen och hela skulden förfaller.',
    ].join('\n\n'),
  };
}

/** R-COLL-6: one installment's invoice. */
export function planInstallmentLetter(input: {
  pay: PayTo;
  number: number;
  count: number;
  amount: Amount;
  dueDate: IsoDate;
}): CollectionLetter {
  return {
    subject: `Delbetalning ${input.number} av ${input.count} – ärende ${input.pay.caseNumber}`,
    body: `Betala ${formatKronor(input.amount)} senast ${formatDate(input.dueDate)}. ${howToPay(input.pay)}`,
  };
}

/** R-COLL-6: a missed installment (the first). */
export function planReminderLetter(input: { pay: PayTo; amount: Amount; dueDate: IsoDate }): CollectionLetter {
  return {
    subject: `Påminnelse om delbetalning – ärende ${input.pay.caseNumber}`,
    body:
      `Vi har inte fått din delbetalning. Betala ${formatKronor(input.amount)} senast ${formatDate(input.dueDate)}. ` +
      `${howToPay(input.pay)}\n\nMissar du en delbetalning till upphör avbetalningsplanen.`,
  };
}

/** R-COLL-6: the plan is broken (the second miss): the whole claim is due again. */
export function planBrokenLetter(input: { pay: PayTo; claim: ClaimText; deadline: IsoDate }): CollectionLetter {
  return {
    subject: `Avbetalningsplanen har upphört – ärende ${input.pay.caseNumber}`,
    body: [
      'Du har missat två delbetalningar och avbetalningsplanen har upphört. Hela skulden förfaller:',
      itemised(input.claim),
      `Betala senast ${formatDate(input.deadline)}. ${howToPay(input.pay)}`,
    ].join('\n\n'),
  };
}

/** R-COLL-7: a dispute is received. */
export function disputeReceivedLetter(input: { caseNumber: string; answerBy: IsoDate }): CollectionLetter {
  return {
    subject: `Vi har tagit emot ditt bestridande – ärende ${input.caseNumber}`,
    body: `Vi avvaktar med indrivningen och svarar dig senast ${formatDate(input.answerBy)}.`,
  };
}

/** R-COLL-7: the dispute is answered. */
export function disputeAnsweredLetter(input: {
  pay: PayTo;
  outcome: 'upheld' | 'rejected';
  answer: string;
  deadline?: IsoDate;
  reducedBy?: Amount;
}): CollectionLetter {
  const outcome =
    input.outcome === 'upheld'
      ? input.reducedBy
        ? `Vi har gett dig rätt och satt ned kravet med ${formatKronor(input.reducedBy)}.`
        : 'Vi har gett dig rätt och avslutat ärendet.'
      : `Vi har prövat ditt bestridande men anser att kravet är riktigt.`;
  const pay = input.deadline ? `\n\nBetala senast ${formatDate(input.deadline)}. ${howToPay(input.pay)}` : '';
  return {
    subject: `Svar på ditt bestridande – ärende ${input.pay.caseNumber}`,
    body: `${outcome}\n\n${input.answer}${pay}`,
  };
}

/** R-COLL-9: the claim is paid in full. */
export function paidInFullLetter(input: { caseNumber: string }): CollectionLetter {
  return {
    subject: `Ärende ${input.caseNumber} är betalt`,
    body: 'Tack! Skulden är betald och ärendet är avslutat.',
  };
}

/** R-COLL-2: a copy of one of the loan's original invoices, by post. */
export function invoiceCopyLetter(input: {
  caseNumber: string;
  contractNumber: string;
  invoice: {
    number: number;
    issueDate: IsoDate;
    dueDate: IsoDate;
    total: Amount;
    lines: readonly { kind: string; amount: Amount }[];
  };
}): CollectionLetter {
  const { invoice } = input;
  const rows = invoice.lines.map((l) => `  ${invoiceLineLabel(l.kind).padEnd(20)} ${formatKronor(l.amount)}`);
  return {
    subject: `Kopia av faktura ${invoice.number} – lån ${input.contractNumber}`,
    body: [
      `Kopia av den ursprungliga fakturan ${invoice.number}, utfärdad ${formatDate(invoice.issueDate)}, förfallodag ${formatDate(invoice.dueDate)}:`,
      rows.join('\n'),
      `  Summa                ${formatKronor(invoice.total)}`,
      `Fakturan ingår i inkassoärende ${input.caseNumber}; betala till ärendets OCR-nummer.`,
    ].join('\n\n'),
  };
}
