/**
 * The shape of the simulator's one JSON document (docs/simulator.md): what simulator/output.ts
 * assembles from PostgreSQL and the runner prints.
 */
import type { CollectionCaseOutput } from './collection-run';
import type { IsoDate } from '../domain/dates';

export interface InvoiceOutput {
  number: number;
  issueDate: IsoDate;
  dueDate: IsoDate;
  ocr: string;
  /** As issued, by line type: `{"notice-fee": "20.00", "interest": "…", "principal": "…"}`. */
  lines: Record<string, string>;
  total: string;
  /** Added to the invoice after issue (late fee, reminder fee, default interest), by type. */
  charges: Record<string, string>;
  status: string;
  paidDate: IsoDate | null;
  lateFeeChargedOn: IsoDate | null;
  /** Still unpaid on this invoice (lines and charges). */
  unpaid: string;
}

export interface ReminderOutput {
  invoice: number;
  sentOn: IsoDate;
  channel: 'post';
  fee: string;
  newDueDate: IsoDate | null;
}

export interface PaymentOutput {
  date: IsoDate;
  amount: string;
  ocr: string;
  /** `borrower` (pays an invoice), `scenario` (a dated payment event), `other`. */
  source: 'borrower' | 'scenario' | 'other';
  /** RECEIVED (not applied yet) | APPLIED | SUSPENSE */
  status: string;
  allocation: { invoice: number; lines: Record<string, string> }[];
  /** What reduced principal not yet invoiced (R-LOAN-7). */
  excess: string | null;
}

export interface TerminationNoticeOutput {
  sequence: number;
  sentOn: IsoDate;
  endsOn: IsoDate;
  /** Which R-LOAN-4 threshold(s) applied. */
  grounds: string[];
  overdueAmount: string;
  /** OPEN | CURED | EXPIRED */
  status: string;
  cured: boolean;
  resolvedOn: IsoDate | null;
}

export interface CollectionOutput {
  openedOn: IsoDate;
  status: string;
  claim: {
    principal: string;
    interest: string;
    fees: string;
    defaultInterest: string;
    collectionFee: string;
    total: string;
  };
}

/** Why the loan refused an action (its refusal's message, domain/refusal.ts), and the request field it names. */
export interface RefusalOutput {
  outcome: 'refused';
  reason: string;
  field?: string;
}

/** R-LOAN-5, R-LOAN-10: a rate change the scenario announced, with the notice the borrower got. */
export type RateChangeOutput = {
  /** Index of the scenario event. */
  event: number;
  changeId: string;
  announcedOn: IsoDate;
  effectiveFrom: IsoDate;
  newNominalRatePercent: string;
} & (
  | {
      outcome: 'accepted';
      firstInstallment: number;
      newMonthlyPayment: string;
      remainingInstallments: number;
      /** From PostgreSQL: SCHEDULED (not yet in effect) | APPLIED. */
      status: string | null;
    }
  | RefusalOutput
);

/** R-LOAN-6: a payment-free month the scenario asked for. */
export type PaymentFreeMonthOutput = { event: number; requestedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      installmentNumber: number;
      dueDate: IsoDate;
      /** The month's interest, added to the debt (from PostgreSQL once applied). */
      capitalisedInterest: string | null;
      newMonthlyPayment: string | null;
      termMonths: number;
      /** From PostgreSQL: GRANTED (not yet reached) | APPLIED. */
      status: string | null;
    }
  | RefusalOutput
);

export interface PaymentMadeOutput {
  date: IsoDate;
  amount: string;
  ocr: string;
  /** The payment's status in PostgreSQL at the end (APPLIED, …). */
  status: string | null;
}

/** R-LOAN-7: an early repayment: the quote, the confirmed order and the payment made for it. */
export type EarlyRepaymentOutput = {
  event: number;
  requestedOn: IsoDate;
  kind: 'whole' | 'partial';
  /** Partial: the amount asked for. */
  amount: string | null;
} & (
  | {
      outcome: 'accepted';
      quote: {
        quoteId: string;
        paymentDate: IsoDate;
        total: string;
        principal: string;
        accruedInterest: string;
        unpaidInterest: string;
        unpaidFees: string;
        fee: string;
        remainingInstallments: number | null;
        lastDueDate: IsoDate | null;
      };
      order: { total: string; payBy: IsoDate; ocr: string; status: string };
      payment: PaymentMadeOutput;
    }
  | RefusalOutput
);

/** R-LOAN-8: the withdrawal, its repayment order and the repayment made. */
export type WithdrawalOutput = { event: number; requestedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      noticeDate: IsoDate;
      repayBy: IsoDate;
      principal: string;
      interest: string;
      feesRefunded: string;
      total: string;
      ocr: string;
      /** AWAITING_REPAYMENT | REPAID | OVERDUE (from PostgreSQL when recorded there). */
      status: string;
      payment: PaymentMadeOutput;
    }
  | RefusalOutput
);

/** R-LOAN-9: a complaint the borrower filed, as PostgreSQL has it at the end. */
export type ComplaintOutput = { event: number; receivedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      complaintId: string;
      escalateOn: IsoDate;
      answerDueOn: IsoDate;
      /** RECEIVED | ESCALATED | ANSWERED */
      status: string;
      escalatedOn: IsoDate | null;
      answeredOn: IsoDate | null;
    }
  | RefusalOutput
);

export interface WorkflowChainOutput {
  workflowId: string;
  /** RUNNING, COMPLETED, TERMINATED (by the simulator at the end date), … */
  stateAtEnd: string;
  workflowRuns: number;
  historyEvents: number;
  runs: { runId: string; historyEvents: number }[];
}

/** The loan workflow's chain (continue-as-new once per loan-year), and the borrower's beside it. */
export interface TemporalOutput extends WorkflowChainOutput {
  /** Wall-clock seconds from starting the workflows to the end of the simulated period. */
  wallSeconds: number;
  borrower: WorkflowChainOutput;
}

export interface SimulationOutput {
  description?: string;
  /** The loan's status in PostgreSQL at the end: ACTIVE, CLOSED, … */
  status: string;
  loan: {
    loanId: string;
    contractNumber: string;
    ocr: string;
    amount: string;
    termMonths: number;
    nominalRatePercent: string;
    noticeChannel: string;
    payoutDate: IsoDate;
    monthlyPayment: string;
    closedOn: IsoDate | null;
  };
  simulated: {
    from: IsoDate;
    to: IsoDate;
    /**
     * Why it stopped: the loan workflow ended (closed, handed to collection, …), the scenario's
     * end date, or the untilClosed safety horizon.
     */
    endedBy: 'loan-ended' | 'until' | 'horizon' | 'case-ended';
  };
  invoices: InvoiceOutput[];
  reminders: ReminderOutput[];
  /** R-LOAN-4: every termination notice, cured or not. */
  terminationNotices: TerminationNoticeOutput[];
  /** R-LOAN-4, R-COLL-1: the collection case the loan was handed to, or null. */
  collection: CollectionOutput | null;
  /** R-COLL-1…9: with a debtor in the scenario, the case's timeline, claim and the debtor's acts. */
  collectionCase?: CollectionCaseOutput;
  payments: PaymentOutput[];
  /** R-LOAN-5, R-LOAN-10: the scenario's rate changes, accepted or refused. */
  rateChanges: RateChangeOutput[];
  /** R-LOAN-6 */
  paymentFreeMonths: PaymentFreeMonthOutput[];
  /** R-LOAN-7 */
  earlyRepayments: EarlyRepaymentOutput[];
  /** R-LOAN-8: the accepted withdrawal, else the first refused one; null without a withdrawal event. */
  withdrawal: WithdrawalOutput | null;
  /** R-LOAN-9 */
  complaints: ComplaintOutput[];
  /** R-PAY-4: what the loan ended owing the borrower, paid back to their account. */
  refunds: RefundOutput[];
  balances: { accounts: Record<string, string>; customerDebt: string };
  ledger: { balanced: boolean; sum: string; postings: number; entries: number; postingsByType: Record<string, number> };
  temporal: TemporalOutput;
  notes: string[];
}

/** R-PAY-4: a refund to the borrower (PAID: the bank accepted it; FAILED: waiting for an operator). */
export interface RefundOutput {
  reason: string;
  amount: string;
  date: string;
  status: string;
  executionDate: string | null;
}
