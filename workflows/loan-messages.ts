/**
 * The loan workflow's messages, beside it (workflows/loan.ts), imported by the API, the payment
 * workflow, the late-invoice sweep and the simulator. Signals carry facts; updates are the actions
 * that must answer the caller (R-LOAN-5…8), each with a synchronous validator in the workflow and a
 * handler that may refuse with a refusal (workflows/refusal.ts) naming the reason and the field.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/dates';

export type LoanLifecycleStatus = 'ACTIVE' | 'CLOSED' | 'IN_COLLECTION' | 'WITHDRAWN';

/**
 * A payment that needs the workflow's attention was applied to the loan's ledger (it settled an
 * overdue invoice, cleared the debt, or arrived during a notice, withdrawal or early repayment).
 * Payments of invoices not yet due are applied without waking the loan (R-LOAN-2).
 */
export const paymentReceivedSignal = defineSignal<[{ paymentId: string; paymentDate: IsoDate }]>('paymentReceived');

/** From the late-invoice sweep: an invoice of this loan was not paid by its due date (R-LOAN-3). */
export const invoiceLateSignal = defineSignal<[{ date: IsoDate }]>('invoiceLate');

export interface LoanView {
  status: LoanLifecycleStatus;
  step: string;
  nextInstallment: number;
  termMonths: number;
  principalOutstanding: string;
  openInvoices: { number: number; dueDate: IsoDate; lateFeeCharged: boolean; reminderSent: boolean }[];
  termination: { sequence: number; sentOn: IsoDate; endsOn: IsoDate } | null;
  curesUsed: number;
  paymentFreeInstallments: number[];
  earlyRepayment: EarlyRepaymentOrder | null;
  withdrawal: WithdrawalOrder | null;
}
export const loanViewQuery = defineQuery<LoanView>('view');

// R-LOAN-7: early repayment, whole or partial, quoted and then confirmed.
export type EarlyRepaymentRequest =
  { kind: 'whole'; paymentDate?: IsoDate } | { kind: 'partial'; amount: string; paymentDate?: IsoDate };

export interface EarlyRepaymentQuote {
  quoteId: string;
  kind: 'whole' | 'partial';
  /** The quote holds for a payment registered with this payment date or earlier. */
  paymentDate: IsoDate;
  /** What to pay, to `ocrReference`. */
  total: string;
  principal: string;
  /**
   * Interest accrued in the current period up to the payment date, less what was already paid for
   * that period (whole); negative when it was paid ahead, and then taken off the total.
   */
  accruedInterest: string;
  /** Interest (default interest included) and fees already due and unpaid (whole). */
  unpaidInterest: string;
  unpaidFees: string;
  /** Always 0.00 (R-LOAN-7). */
  fee: string;
  ocrReference: string;
  /** Partial: installments left after the repayment, the monthly payment kept (R-LOAN-7 default). */
  remainingInstallments: number | null;
  lastDueDate: IsoDate | null;
}
export const quoteEarlyRepaymentUpdate = defineUpdate<EarlyRepaymentQuote, [EarlyRepaymentRequest]>(
  'quoteEarlyRepayment',
);

export interface EarlyRepaymentOrder {
  quoteId: string;
  kind: 'whole' | 'partial';
  status: 'CONFIRMED' | 'SETTLED' | 'EXPIRED';
  total: string;
  payBy: IsoDate;
  ocrReference: string;
}
export const confirmEarlyRepaymentUpdate = defineUpdate<EarlyRepaymentOrder, [{ quoteId: string }]>(
  'confirmEarlyRepayment',
);

// R-LOAN-6: a payment-free month.
export interface PaymentFreeMonthRequest {
  /** The installment to skip; default the next one not yet invoiced. */
  installmentNumber?: number;
}
export interface PaymentFreeMonthGrant {
  installmentNumber: number;
  dueDate: IsoDate;
  /** The month's interest, added to the debt. */
  capitalisedInterest: string;
  /** The monthly payment after the skipped month (term extended by one month, R-LOAN-6 default). */
  newMonthlyPayment: string;
  termMonths: number;
}
export const requestPaymentFreeMonthUpdate = defineUpdate<PaymentFreeMonthGrant, [PaymentFreeMonthRequest]>(
  'requestPaymentFreeMonth',
);

// R-LOAN-8: withdrawal within 14 days.
export interface WithdrawalOrder {
  noticeDate: IsoDate;
  /** Repay by this day (30 days after the notice). */
  repayBy: IsoDate;
  principal: string;
  /** Interest from payout to `repayBy` (less when repaid earlier: per day below). */
  interest: string;
  interestPerDay: string;
  /** Fees paid to the lender, refunded (set off against the repayment). */
  feesRefunded: string;
  /** principal + interest to repayBy − fees refunded. */
  total: string;
  ocrReference: string;
  status: 'AWAITING_REPAYMENT' | 'REPAID' | 'OVERDUE';
}
export const withdrawUpdate = defineUpdate<WithdrawalOrder, [{ noticeDate?: IsoDate }]>('withdraw');

// R-LOAN-5, R-LOAN-10: a rate change announced now, effective on a date at least a month ahead.
export interface RateChangeRequest {
  /** The caller's id for the change (one change for many loans shares it); a repeat returns the first answer. */
  changeId: string;
  newNominalRatePercent: string;
  effectiveFrom: IsoDate;
}
export interface RateChangeNotice {
  changeId: string;
  announcedOn: IsoDate;
  effectiveFrom: IsoDate;
  /** The first installment at the new rate (the first invoiced on or after effectiveFrom). */
  firstInstallment: number;
  newNominalRatePercent: string;
  newMonthlyPayment: string;
  remainingInstallments: number;
}
export const changeRateUpdate = defineUpdate<RateChangeNotice, [RateChangeRequest]>('changeRate');

export function loanWorkflowId(loanId: string): string {
  return `loan-${loanId}`;
}
