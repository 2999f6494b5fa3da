/** R-LOAN-7: early repayment: quoted from the ledger, confirmed by the borrower, settled by a payment. */
import type { Db } from '../../db/database';
import {
  expireConfirmedOrdersExcept,
  expireEarlyRepaymentOrder,
  insertEarlyRepaymentOrder,
} from '../../db/early-repayment-repository';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import { findLoanOrThrow, listInstallmentInvoices, lockLoan, nextInvoiceNumber } from '../../db/loan-repository';
import { appliedPaymentFreeDueDates } from '../../db/payment-free-month-repository';
import { totalRemaining } from '../../domain/allocation';
import type { IsoDate } from '../../domain/dates';
import { partialEarlyRepayment } from '../../domain/early-repayment';
import { creditPosting, refundPosting, setOffPosting } from '../../domain/ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { partialRepaymentPrepayment, type Payoff, payoffOn } from '../../domain/payoff';
import { installmentDueDate } from '../../domain/schedule';
import type { EarlyRepaymentOrder, EarlyRepaymentQuote } from '../../domain/loan-actions';
import { earlyRepaymentLetter } from '../../texts/loan';
import type { LoanActivityContext } from './context';
import { accrueDefaultInterest, principalAndInterestLines, writeInvoice } from './ledger-steps';

/** R-LOAN-7 whole: what settles the loan on `date`, from the ledger (domain/payoff.ts). */
export async function computePayoff(trx: Db, loanId: string, date: IsoDate): Promise<Payoff> {
  const loan = await findLoanOrThrow(trx, loanId);
  const [openItems, balances, installments, paymentFreeDueDates] = await Promise.all([
    openInvoiceItems(trx, loanId),
    loanAccountBalances(trx, loanId),
    listInstallmentInvoices(trx, loanId),
    appliedPaymentFreeDueDates(trx, loanId),
  ]);
  return payoffOn({
    date,
    payoutDate: loan.payout_date,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    openItems,
    balances,
    installments: installments.map((i) => ({ number: i.number, dueDate: i.due_date, lines: i.lines })),
    paymentFreeDueDates,
  });
}

/**
 * R-LOAN-7: the payoff becomes the ledger's: unearned interest credited, the payoff invoice written.
 * R-LOAN-4 (seed 002 §9): a terminated loan's whole debt falls due the same way (`as` names the
 * invoice kind and the postings' keys: `whole-debt`).
 */
export async function settlePayoff(
  trx: Db,
  loanId: string,
  date: IsoDate,
  payoff: Payoff,
  as: 'early-repayment' | 'whole-debt' = 'early-repayment',
): Promise<void> {
  const loan = await findLoanOrThrow(trx, loanId);
  for (const u of payoff.unearnedInterest) {
    await postInTransaction(
      trx,
      creditPosting(loanId, u.invoiceNumber, date, 'interest', u.amount, `${loanId}:${as}:unearned:${u.invoiceNumber}`),
    );
  }
  if (payoff.interestToRefund.greaterThan(0)) {
    await postInTransaction(
      trx,
      refundPosting(loanId, date, 'interest_income', payoff.interestToRefund, `${loanId}:${as}:interest-refund`),
    );
  }
  const lines = principalAndInterestLines(payoff.principal, payoff.interestToCharge);
  if (lines.length === 0) return;
  const number = await nextInvoiceNumber(trx, loanId);
  await writeInvoice(trx, loan, { number, issueDate: date, dueDate: date, kind: as }, lines);
  // The refunded interest is already left out of the quoted total: set it off against the payoff's
  // principal so that paying the total closes the loan at exactly 0.00.
  const setOff = Decimal.min(payoff.interestToRefund, payoff.principal);
  if (setOff.greaterThan(0)) {
    await postInTransaction(
      trx,
      setOffPosting(loanId, number, date, 'principal', setOff, `${loanId}:${as}:interest-refund-set-off`),
    );
  }
}

export function createEarlyRepaymentActivities({ db, withNotices }: LoanActivityContext) {
  return {
    /** R-LOAN-7: a quote from the ledger, without a fee; nothing is written. */
    async quoteEarlyRepayment(input: {
      loanId: string;
      quoteId: string;
      kind: 'whole' | 'partial';
      amount?: string;
      paymentDate: IsoDate;
      nextInstallment: number;
    }): Promise<EarlyRepaymentQuote | { refused: string; field?: string }> {
      // Read-only: computed inside a transaction that is always rolled back (default interest is
      // accrued to the payment date exactly as the payment would).
      let result: EarlyRepaymentQuote | { refused: string; field?: string } | undefined;
      const compute = async (trx: Db): Promise<void> => {
        const loan = await lockLoan(trx, input.loanId);
        await accrueDefaultInterest(trx, input.loanId, input.paymentDate);
        const payoff = await computePayoff(trx, input.loanId, input.paymentDate);
        const base = {
          quoteId: input.quoteId,
          kind: input.kind,
          paymentDate: input.paymentDate,
          fee: '0.00',
          ocrReference: loan.ocr_reference,
        };
        if (input.kind === 'whole') {
          result = {
            ...base,
            total: formatAmount(payoff.total),
            principal: formatAmount(payoff.unpaidPrincipal),
            accruedInterest: formatAmount(payoff.interestToCharge.minus(payoff.interestToRefund)),
            unpaidInterest: formatAmount(payoff.unpaidInterest),
            unpaidFees: formatAmount(payoff.unpaidFees),
            remainingInstallments: 0,
            lastDueDate: null,
          };
          return;
        }
        const partial = partialRepaymentPrepayment({
          amount: input.amount!,
          payoff,
          openTotal: totalRemaining(await openInvoiceItems(trx, input.loanId)),
        });
        if ('refused' in partial) {
          result = partial;
          return;
        }
        const effect = partialEarlyRepayment({
          outstandingPrincipal: payoff.principal,
          prepayment: partial.prepayment,
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          monthlyPayment: new Decimal(loan.monthly_payment),
        });
        result = {
          ...base,
          total: formatAmount(new Decimal(input.amount!)),
          principal: formatAmount(partial.prepayment),
          accruedInterest: '0.00',
          unpaidInterest: '0.00',
          unpaidFees: '0.00',
          remainingInstallments: effect.installments,
          lastDueDate: installmentDueDate(loan.payout_date, input.nextInstallment + effect.installments - 1),
        };
      };
      const rollback = new Error('quote: roll back');
      await db
        .transaction()
        .execute(async (trx) => {
          await compute(trx);
          throw rollback;
        })
        .catch((error: unknown) => {
          if (error !== rollback) throw error;
        });
      if (!result) throw new Error(`early repayment quote for ${input.loanId} failed`);
      return result;
    },

    /** R-LOAN-7: the borrower confirms a quote; a payment by its date settles it. */
    async confirmEarlyRepayment(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:early-repayment:<quoteId>`. */
      idempotencyKey: string;
      quote: EarlyRepaymentQuote;
      date: IsoDate;
    }): Promise<EarlyRepaymentOrder> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const q = input.quote;
        await expireConfirmedOrdersExcept(trx, input.loanId, q.quoteId);
        await insertEarlyRepaymentOrder(trx, {
          id: q.quoteId,
          loan_id: input.loanId,
          kind: q.kind,
          confirmed_on: input.date,
          pay_by: q.paymentDate,
          total: q.total,
          quote: JSON.stringify(q),
          status: 'CONFIRMED',
          settled_by_payment: null,
        });
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'early-repayment',
          ...earlyRepaymentLetter({
            contractNumber: loan.contract_number,
            kind: q.kind,
            total: q.total,
            ocrReference: q.ocrReference,
            payBy: q.paymentDate,
            remainingInstallments: q.remainingInstallments,
          }),
          date: input.date,
        });
        return {
          quoteId: q.quoteId,
          kind: q.kind,
          status: 'CONFIRMED' as const,
          total: q.total,
          payBy: q.paymentDate,
          ocrReference: q.ocrReference,
        };
      });
    },

    async expireEarlyRepayment(input: { loanId: string; quoteId: string }): Promise<void> {
      await expireEarlyRepaymentOrder(db, input.quoteId);
    },
  };
}
