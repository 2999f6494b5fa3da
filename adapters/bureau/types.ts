/**
 * Credit bureau (R-APP-1, R-APP-7, R-APP-8): a credit report on one person; and (R-LOAN-11) the
 * lender's reports of late payments ("betalningsförsummelse", seed 002 §11: reported to credit
 * reference agencies under Kreditupplysningslagen 1973:1173).
 *
 * A lookup is an effect (the person is told that a credit report was taken, and the bureau bills
 * it), so it carries an idempotency key: a repeat with the same key returns the first report. A
 * late-payment report is an effect on the person's credit record, so the same holds: a repeat
 * under the same key is the first report, never a second remark.
 */
import type { IsoDate } from '../../domain/dates';

export interface CreditReport {
  /** The bureau's id of this report. */
  reportId: string;
  registeredInSweden: boolean;
  /** Latest assessed (taxed) annual income, SEK, decimal string ("412000.00"). */
  taxedAnnualIncome: string;
  /** Number of registered payment remarks (betalningsanmärkningar). */
  paymentRemarks: number;
  /** Debt registered at the Enforcement Authority (Kronofogden), SEK, decimal string. */
  enforcementDebt: string;
  /** ISO instant the report was taken. */
  createdAt: string;
  /** True when this answer repeats an earlier lookup under the same idempotency key. */
  replayed: boolean;
}

/** R-LOAN-11: one late payment of one borrower on one credit. */
export interface LatePaymentReportRequest {
  /** Derived from the loan and the missed item, e.g. `loan-<id>:bureau-late:<invoice>:0`. */
  idempotencyKey: string;
  /** The borrower: 12 digits, YYYYMMDDNNNN (normalised personnummer). Bureaus know people by it. */
  personalNumber: string;
  /** The lender's reference of the credit: the loan's contract number. */
  creditReference: string;
  /** SEK overdue on the report date, decimal string > 0 ("1234.50"). */
  amountOverdue: string;
  /** The due date that was missed. */
  dueDate: IsoDate;
  /** Business date of the report (on or after `dueDate`). */
  reportedOn: IsoDate;
}

export interface LatePaymentReceipt {
  /** The bureau's id of the report. */
  reportId: string;
  /** ISO instant the bureau registered it. */
  receivedAt: string;
  /** True when this answer repeats an earlier report under the same idempotency key. */
  replayed: boolean;
}

/** R-PAY-1, R-LOAN-11: the bureau's answer to a withdrawn late-payment report. */
export interface WithdrawalReceipt {
  /** The bureau's id of the report withdrawn. */
  reportId: string;
  /** ISO instant the bureau registered the withdrawal. */
  withdrawnAt: string;
  /** True when this answer repeats an earlier withdrawal under the same idempotency key. */
  replayed: boolean;
}

export interface BureauClient {
  /** `personalNumber`: 12 digits, YYYYMMDDNNNN (normalised personnummer). */
  lookup(personalNumber: string, idempotencyKey: string): Promise<CreditReport>;
  /** R-LOAN-11: reports a late payment; a repeat under the same key returns the first receipt. */
  reportLatePayment(report: LatePaymentReportRequest): Promise<LatePaymentReceipt>;
  /**
   * R-PAY-1: withdraws a late-payment report a value-dated payment would have prevented; a repeat
   * under the same key returns the first receipt (never a second withdrawal).
   */
  withdrawReport(reportId: string, idempotencyKey: string): Promise<WithdrawalReceipt>;
}
