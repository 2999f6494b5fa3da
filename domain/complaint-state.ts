/**
 * The complaint process's data (R-LOAN-9): the workflow's input and what its query and update
 * answer. Plain types, shared by the workflow, the API, the simulator and the tests.
 */
import type { ComplaintStatus } from './complaint';
import type { IsoDate } from './dates';

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
