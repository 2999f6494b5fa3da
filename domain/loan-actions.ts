/**
 * What the loan's actions ask and answer (R-LOAN-5…8, R-LOAN-10): the data of the loan workflow's
 * updates (workflows/loan-messages.ts), shared with the activities that carry them out and the API.
 */
import type { IsoDate } from './dates';
import type { EarlyRepaymentOrderStatus, WithdrawalStatus } from './loan-statuses';

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

export interface EarlyRepaymentOrder {
  quoteId: string;
  kind: 'whole' | 'partial';
  status: EarlyRepaymentOrderStatus;
  total: string;
  payBy: IsoDate;
  ocrReference: string;
}

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
  status: WithdrawalStatus;
}

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
