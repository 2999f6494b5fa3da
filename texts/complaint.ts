/**
 * What the complaint process says, in Swedish: to the customer, the receipt and the written answer
 * in their mailbox; to the lender's complaints officer (an operator, not the customer), the
 * escalation and overdue emails. Pure: the workflow and the activities compose, the activities
 * deliver. The officer's email carries ids and dates only, never the customer's words.
 */
import type { IsoDate } from '../domain/dates';

export interface NoticeText {
  subject: string;
  body: string;
}

/** Where the customer can turn if they are not satisfied with the answer. */
const FURTHER_HELP = [
  'Om du inte är nöjd med svaret kan du få kostnadsfri vägledning hos Konsumenternas Bank- och Finansbyrå,',
  'www.konsumenternas.se. Du kan också göra en skriftlig anmälan till Allmänna reklamationsnämnden (ARN),',
  'Box 174, 101 23 Stockholm.',
].join('\n');

export function complaintReceivedText(input: {
  contractNumber: string;
  subject: string;
  receivedOn: IsoDate;
  answerDueOn: IsoDate;
}): NoticeText {
  return {
    subject: 'Vi har tagit emot ditt klagomål',
    body: [
      `Vi har den ${input.receivedOn} tagit emot ditt klagomål om lån ${input.contractNumber}:`,
      `"${input.subject}"`,
      '',
      `Du får ett skriftligt svar i din brevlåda senast ${input.answerDueOn}.`,
    ].join('\n'),
  };
}

export function complaintAnswerText(input: {
  contractNumber: string;
  subject: string;
  receivedOn: IsoDate;
  answer: string;
}): NoticeText {
  return {
    subject: 'Svar på ditt klagomål',
    body: [
      `Svar på ditt klagomål om lån ${input.contractNumber}, mottaget ${input.receivedOn}:`,
      `"${input.subject}"`,
      '',
      input.answer.trim(),
      '',
      FURTHER_HELP,
    ].join('\n'),
  };
}

// --- to the complaints officer (operator) -----------------------------------------------------------

export type OfficerReason = 'escalation' | 'overdue';

export function complaintOfficerText(input: {
  reason: OfficerReason;
  complaintId: string;
  contractNumber: string;
  receivedOn: IsoDate;
  answerDueOn: IsoDate;
}): { subject: string; text: string } {
  const lead =
    input.reason === 'escalation'
      ? `Klagomålet är obesvarat och ska besvaras skriftligt senast ${input.answerDueOn}.`
      : `Klagomålet är fortfarande obesvarat: svaret skulle ha skickats senast ${input.answerDueOn}.`;
  return {
    subject:
      input.reason === 'escalation'
        ? `Eskalerat klagomål ${input.complaintId}: svar senast ${input.answerDueOn}`
        : `Försenat klagomål ${input.complaintId}: svar skulle ha skickats senast ${input.answerDueOn}`,
    text: [
      lead,
      '',
      `Klagomål: ${input.complaintId}`,
      `Lån (avtalsnummer): ${input.contractNumber}`,
      `Mottaget: ${input.receivedOn}`,
      '',
      `Läs och besvara: GET /v1/operator/complaints/${input.complaintId}, POST /v1/operator/complaints/${input.complaintId}/answer`,
    ].join('\n'),
  };
}
