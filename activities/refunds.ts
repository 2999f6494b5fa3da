/**
 * R-PAY-4: paying a refund through the bank payout adapter, exactly once: the bank gets the key
 * `<refundId>:payout:<attempt>` (domain/refund.ts), so a retried activity is the same payout, as
 * the application's payout is; a new attempt (a new key) only follows a refusal, which paid
 * nothing. When the bank accepts, one transaction marks the refund PAID, posts the payout
 * (customer credit leaves the bank) and records the customer's notice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Adapters } from '../adapters';
import type { Db } from '../db/database';
import { postInTransaction } from '../db/ledger-repository';
import { findLoanOrThrow } from '../db/loan-repository';
import { findRefund, markRefundFailed, markRefundPaid } from '../db/refund-repository';
import type { BankAccount } from '../domain/application';
import type { IsoDate } from '../domain/dates';
import { refundPayoutPosting } from '../domain/ledger';
import { Decimal } from '../domain/money';
import { refundPayoutKey, refundPayoutReference, type RefundReason } from '../domain/refund';
import { refundLetter } from '../texts/refund';
import { failFastOnAdapterRefusal } from './adapter-failure';
import { loanActivityContext, type NewMailNotifier } from './loan/context';

export function createRefundActivities(db: Db, adapters: Adapters, notifyNewMail?: NewMailNotifier) {
  const { withNotices } = loanActivityContext(db, notifyNewMail);
  return {
    /** R-PAY-4: pays the refund once; a repeat of a paid refund returns its payout. */
    async payRefund(input: {
      refundId: string;
      date: IsoDate;
    }): Promise<{ payoutId: string; executionDate: IsoDate; amount: string }> {
      const refund = await findRefund(db, input.refundId);
      if (!refund) throw ApplicationFailure.nonRetryable(`no refund ${input.refundId}`, 'RefundUnknown');
      if (refund.status === 'PAID')
        return { payoutId: refund.payout_id!, executionDate: refund.execution_date!, amount: refund.amount };
      const account = refund.to_account as BankAccount | null;
      if (!account)
        throw ApplicationFailure.nonRetryable(
          'no account is known for the customer: retry the refund with the account they state',
          'RefundAccountMissing',
        );
      const loan = await findLoanOrThrow(db, refund.loan_id);
      const payout = await failFastOnAdapterRefusal('refund payout', () =>
        adapters.bankPayout.payout({
          idempotencyKey: refundPayoutKey(refund.id, refund.attempt),
          amount: refund.amount,
          toAccount: {
            kind: 'bankAccount',
            clearingNumber: account.clearingNumber,
            accountNumber: account.accountNumber,
          },
          reference: refundPayoutReference(loan.contract_number),
        }),
      );
      await withNotices(async (trx, notices) => {
        await markRefundPaid(trx, refund.id, { payoutId: payout.payoutId, executionDate: payout.executionDate });
        await postInTransaction(
          trx,
          refundPayoutPosting(refund.loan_id, refund.id, input.date, new Decimal(refund.amount)),
        );
        notices.push({
          idempotencyKey: `${refund.id}:notice`,
          customerId: refund.customer_id,
          loanId: refund.loan_id,
          kind: 'refund',
          ...refundLetter({
            contractNumber: loan.contract_number,
            amount: refund.amount,
            reason: refund.reason as RefundReason,
            accountNumber: account.accountNumber,
            executionDate: payout.executionDate,
          }),
          date: input.date,
        });
      });
      return { payoutId: payout.payoutId, executionDate: payout.executionDate, amount: refund.amount };
    },

    /** R-PAY-4: the bank refused (or no account is known): FAILED with the reason, for an operator. */
    async recordRefundFailure(input: { refundId: string; failure: string }): Promise<void> {
      await markRefundFailed(db, input.refundId, input.failure.slice(0, 500));
    },
  };
}

export type RefundActivities = ReturnType<typeof createRefundActivities>;
