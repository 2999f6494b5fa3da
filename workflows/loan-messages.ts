/**
 * The loan workflow's messages, beside it (workflows/loan.ts), imported by the API, the payment
 * workflow, the late-invoice sweep and the simulator. Signals carry facts; updates are the actions
 * that must answer the caller (R-LOAN-5…8), each with a synchronous validator in the workflow and a
 * handler that may refuse with a refusal (workflows/refusal.ts) naming the reason and the field.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/dates';
import type {
  EarlyRepaymentRequest,
  EarlyRepaymentQuote,
  EarlyRepaymentOrder,
  PaymentFreeMonthRequest,
  PaymentFreeMonthGrant,
  WithdrawalOrder,
  RateChangeRequest,
  RateChangeNotice,
} from '../domain/loan-actions';
import type { LoanLifecycleStatus } from '../domain/loan-statuses';

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
export const quoteEarlyRepaymentUpdate = defineUpdate<EarlyRepaymentQuote, [EarlyRepaymentRequest]>(
  'quoteEarlyRepayment',
);

export const confirmEarlyRepaymentUpdate = defineUpdate<EarlyRepaymentOrder, [{ quoteId: string }]>(
  'confirmEarlyRepayment',
);

// R-LOAN-6: a payment-free month.
export const requestPaymentFreeMonthUpdate = defineUpdate<PaymentFreeMonthGrant, [PaymentFreeMonthRequest]>(
  'requestPaymentFreeMonth',
);

// R-LOAN-8: withdrawal within 14 days.
export const withdrawUpdate = defineUpdate<WithdrawalOrder, [{ noticeDate?: IsoDate }]>('withdraw');

// R-LOAN-5, R-LOAN-10: a rate change announced now, effective on a date at least a month ahead.
export const changeRateUpdate = defineUpdate<RateChangeNotice, [RateChangeRequest]>('changeRate');

export function loanWorkflowId(loanId: string): string {
  return `loan-${loanId}`;
}
