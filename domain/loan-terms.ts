/** What a loan is agreed on at payout (R-PROD-1…4): the loan workflow's input and the loan's row. */
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
