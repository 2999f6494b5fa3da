/**
 * The complaint workflow's data (R-LOAN-9): its input and what its query and update answer. Plain
 * types with no Temporal import, so the API, the
 * activities and the tests use them without loading workflow code.
 */
import type { ComplaintStatus } from '../domain/complaint';
import type { IsoDate } from '../domain/dates';

export function complaintWorkflowId(complaintId: string): string {
  return `complaint-${complaintId}`;
}

export interface ComplaintInput {
  complaintId: string;
  loanId: string;
  /** The complaining customer (the loan's borrower): the answer goes to their mailbox. */
  customerId: string;
  /** The loan's contract number, for the texts. */
  contractNumber: string;
  /** Business date of receipt (R-TIME-1), fixed by the API when the complaint came in. */
  receivedOn: IsoDate;
  /** The customer's subject line, quoted in the written answer (encrypted payload only). */
  subject: string;
}

/** The operator's written answer (R-LOAN-9). */
export interface ComplaintAnswer {
  answer: string;
  /** The operator answering (their token's subject). */
  answeredBy: string;
}

export interface ComplaintView {
  complaintId: string;
  loanId: string;
  status: ComplaintStatus;
  receivedOn: IsoDate;
  escalateOn: IsoDate;
  answerDueOn: IsoDate;
  escalatedOn: IsoDate | null;
  /** False when the officer's email could not be sent (the complaint is ESCALATED all the same). */
  officerNotified: boolean | null;
  /** True once the due date has passed without an answer. */
  overdue: boolean;
  answeredOn: IsoDate | null;
  answeredBy: string | null;
  answeredInTime: boolean | null;
}

export interface ComplaintOutcome {
  status: 'ANSWERED';
  answeredOn: IsoDate;
  answeredInTime: boolean;
  escalatedOn: IsoDate | null;
}
