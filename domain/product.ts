/**
 * Product parameters: every number DOMAIN.md names, in one typed object. Values the seeds give are
 * cited; values marked "default" are product decisions a lender may configure.
 * Amounts are decimal strings so the object is JSON-safe (API, workflow payloads).
 */
export type NoticeChannel = 'autogiro' | 'e-invoice' | 'paper';
export const NOTICE_CHANNELS: readonly NoticeChannel[] = ['autogiro', 'e-invoice', 'paper'];

export interface ProductParameters {
  currency: 'SEK';
  // R-PROD-1
  minAmount: string;
  maxAmount: string;
  minTermMonths: number;
  maxTermMonths: number;
  /** Range of the nominal rate offered by risk (R-PROD-1, R-APP-8). */
  minOfferedRatePercent: string;
  maxOfferedRatePercent: string;
  // R-PROD-2
  fees: {
    setup: string;
    notice: Record<NoticeChannel, string>;
    late: string;
    reminder: string;
    collection: string;
  };
  /** R-PROD-4: days in the year for broken periods and default interest. */
  dayCountBasis: 365;
  application: {
    /** R-APP-5 */
    validityDays: number;
    /** R-APP-6 (default) */
    prefillWithinDays: number;
    /** R-APP-7 (default): share of disagreement between stated and taxed income. */
    incomeVerificationDeviationShare: string;
    /** R-APP-7 (default) */
    incomeVerificationAmountLimit: string;
    /** R-APP-7 (default) */
    incomeVerificationDeadlineDays: number;
    /** R-APP-8: stress add-on to the rate in the affordability calculation. */
    affordabilityStressPercentagePoints: string;
    /** R-APP-9 */
    offerValidityDays: number;
    /** R-APP-9: payout within 1–3 banking days. */
    payoutWithinBankingDays: number;
    /** R-APP-10 */
    powerOfAttorneyValidityMonths: number;
    minApplicantAge: number;
    /** R-APP-1: the main applicant and at most one co-applicant. */
    maxApplicants: number;
    /** R-APP-10: loans to redeem from the payout. */
    maxConsolidationLoans: number;
    /** Affordability answers (R-APP-2): adults in the household (the applicant included), children, debts. */
    maxHouseholdAdults: number;
    maxHouseholdChildren: number;
    maxDebts: number;
  };
  loan: {
    /** R-LOAN-1: invoice issued on this day of month (or the next banking day). */
    invoiceDayOfMonth: number;
    /** R-LOAN-3 (default) */
    reminderDueDays: number;
    /**
     * R-PAY-1: banking days a bank file may take after the customer paid: the late-invoice sweep
     * charges late fees, and a loan is handed to collection, only once the files of payments made
     * by the last day have had this long to arrive (default 2).
     */
    settlementLagBankingDays: number;
    /** R-LOAN-3 */
    defaultInterestAddOnPercentagePoints: string;
    /** R-LOAN-4 (a): share of the claim overdue for termination. */
    terminationSingleItemShare: string;
    /** R-LOAN-4 (b) */
    terminationMultipleItemsShare: string;
    /** R-LOAN-4: notice period. */
    terminationNoticeDays: number;
    /** R-LOAN-4: a cure lapses a termination at most this many times per loan. */
    terminationCuresAllowed: number;
    /** R-LOAN-6 (default) */
    paymentFreeMonthsPer12Months: number;
    /** R-LOAN-8 */
    withdrawalDays: number;
    /** R-LOAN-8 */
    withdrawalRepaymentDays: number;
    /** R-LOAN-9 */
    complaintAnswerDays: number;
    /**
     * R-LOAN-9 (default): an unanswered complaint is escalated to the complaints officer on this day
     * after receipt (moved back to a banking day), leaving working days before the answer is due.
     */
    complaintEscalationDays: number;
    /** R-LOAN-10 */
    termsChangeNoticeMonths: number;
    /** R-LOAN-5 (default): a new nominal rate is 0 to this many percent … */
    maxNewRatePercent: string;
    /** … with at most this many decimals (the rate is stored with two). */
    newRateDecimals: number;
    /** R-LOAN-7 (default): an early repayment is quoted for a payment date at most this many days ahead. */
    earlyRepaymentQuoteMaxDaysAhead: number;
  };
}

export const DEFAULT_PRODUCT: ProductParameters = Object.freeze({
  currency: 'SEK',
  minAmount: '30000.00',
  maxAmount: '200000.00',
  minTermMonths: 24,
  maxTermMonths: 120,
  minOfferedRatePercent: '7.75',
  maxOfferedRatePercent: '18.95',
  fees: {
    setup: '350.00',
    notice: { autogiro: '0.00', 'e-invoice': '20.00', paper: '45.00' },
    late: '95.00',
    reminder: '60.00',
    collection: '180.00',
  },
  dayCountBasis: 365,
  application: {
    validityDays: 7,
    prefillWithinDays: 30,
    incomeVerificationDeviationShare: '0.20',
    incomeVerificationAmountLimit: '100000.00',
    incomeVerificationDeadlineDays: 14,
    affordabilityStressPercentagePoints: '3',
    offerValidityDays: 30,
    payoutWithinBankingDays: 3,
    powerOfAttorneyValidityMonths: 3,
    minApplicantAge: 18,
    maxApplicants: 2,
    maxConsolidationLoans: 10,
    maxHouseholdAdults: 6,
    maxHouseholdChildren: 10,
    maxDebts: 20,
  },
  loan: {
    invoiceDayOfMonth: 15,
    reminderDueDays: 14,
    settlementLagBankingDays: 2,
    defaultInterestAddOnPercentagePoints: '5',
    terminationSingleItemShare: '0.10',
    terminationMultipleItemsShare: '0.05',
    terminationNoticeDays: 28,
    terminationCuresAllowed: 1,
    paymentFreeMonthsPer12Months: 1,
    withdrawalDays: 14,
    withdrawalRepaymentDays: 30,
    complaintAnswerDays: 14,
    complaintEscalationDays: 10,
    termsChangeNoticeMonths: 1,
    maxNewRatePercent: '40',
    newRateDecimals: 2,
    earlyRepaymentQuoteMaxDaysAhead: 30,
  },
}) as ProductParameters;
