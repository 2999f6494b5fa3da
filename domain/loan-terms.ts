/**
 * What a loan is opened with (R-LOAN-1): the loan workflow's input (workflows/loan.ts) and, with
 * the amounts the quote derives, the opening activity's (activities/loan/lifecycle.ts).
 */
import type { IsoDate } from './dates';
import type { NoticeChannel } from './product';

export interface LoanTerms {
  loanId: string;
  contractNumber: string;
  customerId: string;
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  noticeChannel: NoticeChannel;
  payoutDate: IsoDate;
}
