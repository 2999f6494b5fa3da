/** The loan's opening, snapshot, debt and closing (R-LOAN-1, R-PROD-4). */
import { loanAccountBalances, postInTransaction } from '../../db/ledger-repository';
import { insertLoan, setLoanStatus } from '../../db/loan-repository';
import { setWithdrawalStatus } from '../../db/withdrawal-repository';
import { capitalisedInterestPosting, customerDebt, disbursementPosting } from '../../domain/ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { loanOcrReference } from '../../domain/ocr';
import type { LoanTerms } from '../../domain/loan-terms';
import type { LoanLifecycleStatus } from '../../domain/loan-statuses';
import type { LoanActivityContext } from './context';
import { type LoanSnapshot, loanSnapshot } from './snapshot';

export interface OpenLoanInput extends LoanTerms {
  capitalisedInterest: string;
  monthlyPayment: string;
}

export function createLoanLifecycleActivities({ db }: LoanActivityContext) {
  return {
    /** Records the loan, its payout and its capitalised interest (R-PROD-4) in one transaction. */
    async openLoan(input: OpenLoanInput): Promise<{ ocrReference: string }> {
      const ocrReference = loanOcrReference(input.contractNumber);
      await db.transaction().execute(async (trx) => {
        await insertLoan(trx, {
          id: input.loanId,
          contract_number: input.contractNumber,
          customer_id: input.customerId,
          status: 'ACTIVE',
          amount: input.amount,
          term_months: input.termMonths,
          nominal_rate_percent: input.nominalRatePercent,
          notice_channel: input.noticeChannel,
          payout_date: input.payoutDate,
          monthly_payment: input.monthlyPayment,
          ocr_reference: ocrReference,
          closed_on: null,
        });
        await postInTransaction(trx, disbursementPosting(input.loanId, input.payoutDate, new Decimal(input.amount)));
        const capitalised = new Decimal(input.capitalisedInterest);
        if (!capitalised.isZero())
          await postInTransaction(trx, capitalisedInterestPosting(input.loanId, input.payoutDate, capitalised));
      });
      return { ocrReference };
    },

    async loanSnapshot(input: { loanId: string }): Promise<LoanSnapshot> {
      return loanSnapshot(db, input.loanId);
    },

    async loanDebt(input: { loanId: string }): Promise<string> {
      return formatAmount(customerDebt(await loanAccountBalances(db, input.loanId)));
    },

    async closeLoan(input: { loanId: string; date: string; status: LoanLifecycleStatus }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await setLoanStatus(trx, input.loanId, input.status, input.date);
        if (input.status === 'WITHDRAWN') await setWithdrawalStatus(trx, input.loanId, 'REPAID');
      });
    },
  };
}
