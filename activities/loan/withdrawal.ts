/**
 * R-LOAN-8: the borrower withdraws. Open invoices are cancelled and the capitalised interest
 * reversed; one invoice asks for the principal plus interest from payout to the repayment date
 * (30 days), less the fees paid to the lender, which are refunded by set-off.
 */
import {
  capitalisedInterestTotal,
  loanAccountBalances,
  openInvoiceItems,
  postInTransaction,
} from '../../db/ledger-repository';
import { lockLoan, nextInvoiceNumber, setLoanStatus, updateInvoice } from '../../db/loan-repository';
import { findWithdrawal, insertWithdrawal, type WithdrawalRow } from '../../db/withdrawal-repository';
import type { IsoDate } from '../../domain/dates';
import {
  capitalisedInterestPosting,
  creditPosting,
  customerDebt,
  refundPosting,
  setOffPosting,
} from '../../domain/ledger';
import { Decimal, formatAmount, maxAmount, ZERO } from '../../domain/money';
import { withdrawalInterestPerDay, withdrawalRepaymentDueDate, withdrawalSettlement } from '../../domain/withdrawal';
import type { WithdrawalOrder } from '../../domain/loan-actions';
import { withdrawalLetter } from '../../texts/loan';
import type { LoanActivityContext } from './context';
import { principalAndInterestLines, writeInvoice } from './ledger-steps';

function toWithdrawalOrder(
  w: Omit<WithdrawalRow, 'loan_id' | 'invoice_number'>,
  ocrReference: string,
): WithdrawalOrder {
  return {
    noticeDate: w.notice_date,
    repayBy: w.repay_by,
    principal: w.principal,
    interest: w.interest,
    interestPerDay: new Decimal(w.interest_per_day).toFixed(4),
    feesRefunded: w.fees_refunded,
    total: w.total,
    ocrReference,
    status: w.status as WithdrawalOrder['status'],
  };
}

export function createWithdrawalActivities({ withNotices }: LoanActivityContext) {
  return {
    /** R-LOAN-8: once per loan; a repeat returns the first order. */
    async recordWithdrawal(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:withdrawal`. */
      idempotencyKey: string;
      customerId: string;
      noticeDate: IsoDate;
    }): Promise<WithdrawalOrder> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await findWithdrawal(trx, input.loanId);
        if (existing) return toWithdrawalOrder(existing, loan.ocr_reference);
        const key = input.idempotencyKey;
        for (const item of await openInvoiceItems(trx, input.loanId)) {
          for (const line of item.lines) {
            if (!line.remaining.greaterThan(0)) continue;
            await postInTransaction(
              trx,
              creditPosting(
                input.loanId,
                Number(item.id),
                input.noticeDate,
                line.kind,
                line.remaining,
                `${key}:cancel:${item.id}:${line.kind}`,
              ),
            );
          }
          await updateInvoice(trx, input.loanId, Number(item.id), { status: 'CANCELLED' });
        }
        const capitalisedInterest = await capitalisedInterestTotal(trx, input.loanId);
        if (capitalisedInterest.greaterThan(0)) {
          await postInTransaction(
            trx,
            capitalisedInterestPosting(
              input.loanId,
              input.noticeDate,
              capitalisedInterest.negated(),
              `${key}:capitalised-interest`,
            ),
          );
        }
        const balances = await loanAccountBalances(trx, input.loanId);
        const feesPaid = maxAmount(ZERO, balances.fee_income.negated());
        const interestPaid = maxAmount(ZERO, balances.interest_income.negated());
        const repayBy = withdrawalRepaymentDueDate(input.noticeDate);
        const settlement = withdrawalSettlement({
          principalPaidOut: new Decimal(loan.amount),
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          payoutDate: loan.payout_date,
          repaymentDate: repayBy,
          feesPaidToLender: feesPaid,
        });
        const interestDue = maxAmount(ZERO, settlement.interest.minus(interestPaid));
        const number = await nextInvoiceNumber(trx, input.loanId);
        await writeInvoice(
          trx,
          loan,
          { number, issueDate: input.noticeDate, dueDate: repayBy, kind: 'withdrawal' },
          principalAndInterestLines(balances.principal_outstanding, interestDue),
        );
        if (feesPaid.greaterThan(0)) {
          await postInTransaction(
            trx,
            refundPosting(input.loanId, input.noticeDate, 'fee_income', feesPaid, `${key}:fee-refund`),
          );
          await postInTransaction(
            trx,
            setOffPosting(input.loanId, number, input.noticeDate, 'principal', feesPaid, `${key}:fee-set-off`),
          );
        }
        const row = {
          loan_id: input.loanId,
          notice_date: input.noticeDate,
          repay_by: repayBy,
          principal: formatAmount(balances.principal_outstanding),
          interest: formatAmount(interestDue),
          interest_per_day: withdrawalInterestPerDay(
            new Decimal(loan.amount),
            new Decimal(loan.nominal_rate_percent),
          ).toFixed(4),
          fees_refunded: formatAmount(feesPaid),
          total: formatAmount(customerDebt(await loanAccountBalances(trx, input.loanId))),
          invoice_number: number,
          status: 'AWAITING_REPAYMENT' as const,
        };
        await insertWithdrawal(trx, row);
        await setLoanStatus(trx, input.loanId, 'WITHDRAWAL_PENDING');
        notices.push({
          idempotencyKey: `${key}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'withdrawal',
          ...withdrawalLetter({
            contractNumber: loan.contract_number,
            total: row.total,
            ocrReference: loan.ocr_reference,
            repayBy,
            principal: row.principal,
            interest: row.interest,
            interestPerDay: row.interest_per_day,
            feesRefunded: row.fees_refunded,
          }),
          date: input.noticeDate,
        });
        return toWithdrawalOrder(row, loan.ocr_reference);
      });
    },
  };
}
