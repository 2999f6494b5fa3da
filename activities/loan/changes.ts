/** R-LOAN-5, R-LOAN-6, R-LOAN-10: rate changes and payment-free months during the loan's life. */
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import { lockLoan, updateLoanTerms } from '../../db/loan-repository';
import {
  findPaymentFreeMonth,
  insertPaymentFreeMonth,
  markPaymentFreeMonthApplied,
} from '../../db/payment-free-month-repository';
import { findRateChange, insertRateChange, type RateChangeRow } from '../../db/rate-change-repository';
import { totalRemaining } from '../../domain/allocation';
import type { IsoDate } from '../../domain/dates';
import { capitalisedInterestPosting } from '../../domain/ledger';
import { Decimal, formatAmount, maxAmount, ZERO } from '../../domain/money';
import { overdueItems } from '../../domain/overdue';
import { applyPaymentFreeMonth, checkPaymentFreeMonthEligibility } from '../../domain/payment-free-month';
import { firstInstallmentAtNewRate, recomputeAnnuityForRateChange } from '../../domain/rate-change';
import type { PaymentFreeMonthGrant, RateChangeNotice } from '../../domain/loan-actions';
import { paymentFreeMonthLetter, rateChangeLetter } from '../../texts/loan';
import type { LoanActivityContext } from './context';
import { plannedPrincipalBefore } from './ledger-steps';
import { type LoanSnapshot, loanSnapshot } from './snapshot';

function toRateChangeNotice(r: Omit<RateChangeRow, 'loan_id' | 'status'>): RateChangeNotice {
  return {
    changeId: r.change_id,
    announcedOn: r.announced_on,
    effectiveFrom: r.effective_from,
    firstInstallment: r.first_installment,
    newNominalRatePercent: new Decimal(r.new_rate_percent).toFixed(2),
    newMonthlyPayment: r.new_monthly_payment,
    remainingInstallments: r.remaining_installments,
  };
}

export function createLoanChangeActivities({ db, withNotices }: LoanActivityContext) {
  return {
    /**
     * R-LOAN-5, R-LOAN-10: records a rate change and tells the borrower, in the mailbox, the new
     * monthly payment: the annuity over the installments left from the first one invoiced on or
     * after the effective date. The same change id twice returns the first notice.
     */
    async scheduleRateChange(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:rate-change:<changeId>`. */
      idempotencyKey: string;
      customerId: string;
      announcedOn: IsoDate;
      changeId: string;
      newNominalRatePercent: string;
      effectiveFrom: IsoDate;
      nextInstallment: number;
      termMonths: number;
    }): Promise<RateChangeNotice> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await findRateChange(trx, input.loanId, input.changeId);
        if (existing) return toRateChangeNotice(existing);
        const first = firstInstallmentAtNewRate(loan.payout_date, input.nextInstallment, input.effectiveFrom);
        const principalThen = await plannedPrincipalBefore(trx, loan, input, first);
        const remaining = Math.max(1, input.termMonths - first + 1);
        const annuity = recomputeAnnuityForRateChange({
          outstandingPrincipal: maxAmount(new Decimal('0.01'), principalThen),
          remainingInstallments: remaining,
          newNominalRatePercent: new Decimal(input.newNominalRatePercent),
        });
        const row = {
          loan_id: input.loanId,
          change_id: input.changeId,
          announced_on: input.announcedOn,
          effective_from: input.effectiveFrom,
          first_installment: first,
          new_rate_percent: new Decimal(input.newNominalRatePercent).toFixed(2),
          new_monthly_payment: formatAmount(annuity.monthlyPayment),
          remaining_installments: remaining,
          status: 'SCHEDULED' as const,
        };
        await insertRateChange(trx, row);
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'rate-change',
          ...rateChangeLetter({
            contractNumber: loan.contract_number,
            effectiveFrom: input.effectiveFrom,
            newRatePercent: row.new_rate_percent,
            currentRatePercent: loan.nominal_rate_percent,
            firstInstallment: first,
            newMonthlyPayment: row.new_monthly_payment,
            remainingInstallments: remaining,
          }),
          date: input.announcedOn,
        });
        return toRateChangeNotice(row);
      });
    },

    /**
     * R-LOAN-6: checks eligibility on the ledger (nothing overdue, the 12-month limit) and records
     * the grant with its projected effect; the month itself is skipped by skipInstallment.
     */
    async grantPaymentFreeMonth(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:payment-free:<installmentNumber>`. */
      idempotencyKey: string;
      customerId: string;
      installmentNumber: number;
      dueDate: IsoDate;
      previousPaymentFreeMonths: IsoDate[];
      date: IsoDate;
      nextInstallment: number;
      termMonths: number;
    }): Promise<
      { granted: true; grant: PaymentFreeMonthGrant } | { granted: false; reason: string; field?: string; rule: string }
    > {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const overdue = totalRemaining(overdueItems(await openInvoiceItems(trx, input.loanId), input.date));
        const eligibility = checkPaymentFreeMonthEligibility({
          installmentDueDate: input.dueDate,
          overdueAmount: overdue,
          previousPaymentFreeMonths: input.previousPaymentFreeMonths,
        });
        if (!eligibility.eligible) {
          const refusal = eligibility.refusals[0]!;
          return {
            granted: false as const,
            reason: refusal.message,
            rule: 'R-LOAN-6',
            ...(refusal.reason === 'limit-reached' ? { field: 'installmentNumber' } : {}),
          };
        }
        const effect = applyPaymentFreeMonth({
          outstandingPrincipal: await plannedPrincipalBefore(trx, loan, input, input.installmentNumber),
          remainingInstallments: input.termMonths - input.installmentNumber + 1,
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          feesForTheMonth: ZERO,
        });
        const grant: PaymentFreeMonthGrant = {
          installmentNumber: input.installmentNumber,
          dueDate: input.dueDate,
          capitalisedInterest: formatAmount(effect.capitalisedInterest),
          newMonthlyPayment: formatAmount(effect.monthlyPayment),
          termMonths: input.termMonths + effect.termExtendedByMonths,
        };
        await insertPaymentFreeMonth(trx, {
          loan_id: input.loanId,
          installment_number: input.installmentNumber,
          due_date: input.dueDate,
          granted_on: input.date,
          capitalised_interest: null,
          new_monthly_payment: null,
          status: 'GRANTED',
        });
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'payment-free-month',
          ...paymentFreeMonthLetter({ contractNumber: loan.contract_number, ...grant }),
          date: input.date,
        });
        return { granted: true as const, grant };
      });
    },

    /** R-LOAN-6: the skipped month's interest is added to the principal; one more month, a new annuity. */
    async skipInstallment(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:payment-free:<number>: the capitalised interest's posting`. */
      idempotencyKey: string;
      number: number;
      date: string;
      dueDate: string;
    }): Promise<LoanSnapshot> {
      return db.transaction().execute(async (trx) => {
        const loan = await lockLoan(trx, input.loanId);
        const row = await findPaymentFreeMonth(trx, input.loanId, input.number);
        if (!row) throw new Error(`no payment-free month for installment ${input.number} of loan ${input.loanId}`);
        if (row.status === 'APPLIED') return loanSnapshot(trx, input.loanId);
        const { principal_outstanding } = await loanAccountBalances(trx, input.loanId);
        const effect = applyPaymentFreeMonth({
          outstandingPrincipal: principal_outstanding,
          remainingInstallments: loan.term_months - input.number + 1,
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          feesForTheMonth: ZERO,
        });
        await postInTransaction(
          trx,
          capitalisedInterestPosting(input.loanId, input.date, effect.capitalisedInterest, input.idempotencyKey),
        );
        await updateLoanTerms(trx, input.loanId, {
          term_months: loan.term_months + effect.termExtendedByMonths,
          monthly_payment: formatAmount(effect.monthlyPayment),
        });
        await markPaymentFreeMonthApplied(trx, input.loanId, input.number, {
          capitalisedInterest: formatAmount(effect.capitalisedInterest),
          newMonthlyPayment: formatAmount(effect.monthlyPayment),
        });
        return loanSnapshot(trx, input.loanId);
      });
    },
  };
}
