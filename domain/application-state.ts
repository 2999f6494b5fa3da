/**
 * The application process's data (R-APP-1…10): the workflow's input, the projection it writes to
 * PostgreSQL and the views its queries answer. Plain types and pure functions, shared by the
 * workflow, the activities, the repository and the API.
 */
import type {
  ApplicationPayoutStatus,
  ApplicantAnswers,
  ApplicantStatus,
  ApplicationStatus,
  BankAccount,
  ConsolidationLoan,
  Decision,
  Offer,
} from './application';
import type { IsoDate } from './dates';
import type { NoticeChannel } from './product';

export function applicationWorkflowId(reference: string): string {
  return `application-${reference}`;
}

export interface ApplicantInput {
  /** Normalised 12 digits (personal data: only in encrypted payloads and PostgreSQL). */
  personnummer: string;
  birthDate: IsoDate;
  email: string;
  /** E.164 */
  phone: string;
  /** The customer acting as this applicant: known at creation for a customer's own application. */
  customerId: string | null;
  /** The code in the link sent to this applicant (R-APP-3); null for the customer who created it. */
  inviteCode: string | null;
}

export interface ApplicationInput {
  applicationId: string;
  reference: string;
  createdBy: 'customer' | 'vendor';
  vendorId: string | null;
  creatorCustomerId: string | null;
  amount: string;
  termMonths: number;
  noticeChannel: NoticeChannel;
  applicants: ApplicantInput[];
  consolidation: ConsolidationLoan[];
  /** Links to the application are `<linkBaseUrl>/<applicationId>?invite=<code>`. */
  linkBaseUrl: string;
  /** Creation instant (ISO); default: the workflow's start. */
  createdAt?: string;
  /** The creating vendor's (shop's) name, named in the invitation; absent in older histories. */
  vendorName?: string | null;
}

export type BankIdOrderState = 'PENDING' | 'COMPLETE' | 'FAILED';

export interface BankIdOrderSummary {
  orderRef: string;
  state: BankIdOrderState;
  /** BankID hintCode of a failed order, or `wrong-person` when someone else completed it. */
  hintCode?: string;
}

export interface IncomeVerificationState {
  status: 'PENDING' | 'COMPLETED' | 'FAILED' | 'EXPIRED';
  deadline: string;
  applicants: {
    index: number;
    triggers: string[];
    verificationId: string;
    redirectUrl: string;
    status: 'pending' | 'completed' | 'failed';
    verifiedMonthlyIncome?: string;
  }[];
}

export interface PayoutSummary {
  leg: string;
  idempotencyKey: string;
  payoutId: string;
  amount: string;
  executionDate: IsoDate;
  status: string;
}

export interface ApplicantSnapshot {
  index: number;
  personnummer: string;
  email: string;
  phone: string;
  customerId: string | null;
  status: ApplicantStatus;
  inviteCode: string | null;
  identifiedAt: string | null;
  /** The name BankID gave at identification (absent in older histories). */
  name?: string | null;
  submittedAt: string | null;
  signedAt: string | null;
  answers: Partial<ApplicantAnswers> | null;
  /** Business date of submission (R-APP-6). */
  answersSubmittedOn: IsoDate | null;
}

/** The row set the projection holds; written whole, with a version, by `projectApplication`. */
export interface ApplicationSnapshot {
  id: string;
  reference: string;
  workflowId: string;
  version: number;
  createdBy: 'customer' | 'vendor';
  vendorId: string | null;
  creatorCustomerId: string | null;
  status: ApplicationStatus;
  step: string;
  amount: string;
  termMonths: number;
  noticeChannel: NoticeChannel;
  payoutAccount: BankAccount | null;
  consolidation: ConsolidationLoan[];
  contractNumber: string | null;
  decision: Decision | null;
  offer: Offer | null;
  incomeVerification: IncomeVerificationState | null;
  payoutStatus: ApplicationPayoutStatus | null;
  loanId: string | null;
  createdAt: string;
  validUntil: string;
  submittedAt: string | null;
  decidedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  applicants: ApplicantSnapshot[];
}

/** An entry of the operators' history: ids, statuses and reasons only (no personal data). */
export interface ApplicationEvent {
  seq: number;
  type: string;
  status: ApplicationStatus;
  actor: string | null;
  detail: Record<string, unknown>;
  occurredAt: string;
}

/** What the `view` query answers: the workflow's own state, for one application. */
export interface ApplicationView {
  status: ApplicationStatus;
  step: string;
  reference: string;
  contractNumber: string | null;
  validUntil: string;
  decision: Decision | null;
  offer: Offer | null;
  incomeVerification: IncomeVerificationState | null;
  payoutStatus: ApplicationPayoutStatus | null;
  payouts: PayoutSummary[];
  loanId: string | null;
  applicants: {
    index: number;
    status: ApplicantStatus;
    identified: boolean;
    customerId: string | null;
    identification: BankIdOrderSummary | null;
    signing: BankIdOrderSummary | null;
  }[];
}

/** One applicant's answers and the earlier answers offered for confirmation (R-APP-6). */
export interface AnswersView {
  applicantIndex: number;
  status: ApplicantStatus;
  answers: Partial<ApplicantAnswers> | null;
  prefill: { fromReference: string; submittedOn: IsoDate; answers: Partial<ApplicantAnswers> } | null;
}

export interface ApplicationOutcome {
  status: ApplicationStatus;
  contractNumber: string | null;
  loanId: string | null;
  reasons: string[];
}

/** What an update that starts a BankID order answers (the client opens the BankID app with it). */
export interface BankIdStart {
  applicantIndex: number;
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
}

/**
 * The projection of a just-created application (version 0): the API writes it before starting the
 * workflow, so a read right after creation finds the application; the workflow's first write
 * (version 1) replaces it.
 */
export function initialSnapshot(input: ApplicationInput, createdAt: string, validUntil: string): ApplicationSnapshot {
  return {
    id: input.applicationId,
    reference: input.reference,
    workflowId: applicationWorkflowId(input.reference),
    version: 0,
    createdBy: input.createdBy,
    vendorId: input.vendorId,
    creatorCustomerId: input.creatorCustomerId,
    status: 'NOT_STARTED',
    step: 'created',
    amount: input.amount,
    termMonths: input.termMonths,
    noticeChannel: input.noticeChannel,
    payoutAccount: null,
    consolidation: input.consolidation,
    contractNumber: null,
    decision: null,
    offer: null,
    incomeVerification: null,
    payoutStatus: null,
    loanId: null,
    createdAt,
    validUntil,
    submittedAt: null,
    decidedAt: null,
    closedAt: null,
    updatedAt: createdAt,
    applicants: input.applicants.map((a, index) => ({
      index,
      personnummer: a.personnummer,
      email: a.email,
      phone: a.phone,
      customerId: a.customerId,
      status: 'NOT_STARTED',
      inviteCode: a.inviteCode,
      identifiedAt: null,
      submittedAt: null,
      signedAt: null,
      answers: null,
      answersSubmittedOn: null,
    })),
  };
}
