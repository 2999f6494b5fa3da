/** R-LOAN-1, R-LOAN-5: the monthly installment invoice at the rate in force for it. */
import { loanAccountBalances } from '../../db/ledger-repository';
import { findInvoice, lockLoan, updateLoanTerms } from '../../db/loan-repository';
import { markRateChangeApplied, scheduledRateChangesUpTo } from '../../db/rate-change-repository';
import { monthlyRate } from '../../domain/annuity';
import { installmentInvoiceLines } from '../../domain/invoicing';
import { isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { balancesAfter } from '../../domain/ledger';
import { Decimal, ZERO } from '../../domain/money';
import { DEFAULT_PRODUCT, type NoticeChannel } from '../../domain/product';
import { rateChangeMonthAdjustment, rateInForce } from '../../domain/rate-change';
import { installmentSplit, noticeFee } from '../../domain/schedule';
import { businessMetrics, sek } from '../../platform/metrics';
import { invoiceLetter } from '../../texts/loan';
import type { LoanActivityContext } from './context';
import { writeInvoice } from './ledger-steps';
import { type LoanSnapshot, loanSnapshot } from './snapshot';

export function createInvoicingActivities({ withNotices }: LoanActivityContext) {
  return {
    /**
     * R-LOAN-1: the installment's invoice, split from the principal the ledger holds now (so an
     * overpayment shortens the loan, R-LOAN-7) at the rate in force for it (a scheduled rate change
     * takes effect here, R-LOAN-5), with the notice fee of the channel and the setup fee on the
     * first. Once per invoice number; nothing when the principal is repaid or the loan has ended.
     */
    async issueInvoice(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:invoice:<number>`. */
      idempotencyKey: string;
      number: number;
      issueDate: string;
      dueDate: string;
      isLast: boolean;
    }): Promise<LoanSnapshot> {
      let issued: string | undefined; // the invoice's total, counted once committed
      const snapshot = await withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await findInvoice(trx, input.loanId, input.number);
        // The snapshot reuses the locked row (nothing here changes its status or term) and the
        // balances read once below: no statement reads again what this transaction knows.
        if (existing || !isInvoicedLoanStatus(loan.status)) return loanSnapshot(trx, input.loanId, { loan });
        const balances = await loanAccountBalances(trx, input.loanId);
        const scheduled = await scheduledRateChangesUpTo(trx, input.loanId, input.number);
        const inForce = rateInForce({
          number: input.number,
          termMonths: loan.term_months,
          nominalRatePercent: loan.nominal_rate_percent,
          monthlyPayment: loan.monthly_payment,
          principalOutstanding: balances.principal_outstanding,
          scheduled: scheduled.map((c) => ({
            changeId: c.change_id,
            firstInstallment: c.first_installment,
            remainingInstallments: c.remaining_installments,
            newRatePercent: c.new_rate_percent,
            newMonthlyPayment: c.new_monthly_payment,
          })),
        });
        for (const change of inForce.applied) await markRateChangeApplied(trx, input.loanId, change.changeId);
        if (inForce.applied.length > 0)
          await updateLoanTerms(trx, input.loanId, {
            nominal_rate_percent: inForce.nominalRatePercent,
            monthly_payment: inForce.monthlyPayment,
          });
        // Applying a rate change moves no money: the balances read above still hold.
        const { principal_outstanding } = balances;
        if (!principal_outstanding.greaterThan(0)) return loanSnapshot(trx, input.loanId, { loan, balances });
        const split = installmentSplit(
          principal_outstanding,
          monthlyRate(new Decimal(inForce.nominalRatePercent)),
          new Decimal(inForce.monthlyPayment),
          input.isLast,
        );
        // R-LOAN-5: the days of the installment's month before a change took effect bear the old rate.
        const change = scheduled.filter((c) => inForce.applied.some((a) => a.changeId === c.change_id)).pop();
        const adjustment = change
          ? rateChangeMonthAdjustment({
              principal: principal_outstanding,
              oldRatePercent: new Decimal(loan.nominal_rate_percent),
              newRatePercent: new Decimal(inForce.nominalRatePercent),
              dueDate: input.dueDate,
              effectiveFrom: change.effective_from,
            })
          : ZERO;
        const lines = installmentInvoiceLines({
          principal: split.principal,
          interest: Decimal.max(ZERO, split.interest.plus(adjustment)),
          noticeFee: noticeFee(loan.notice_channel as NoticeChannel),
          setupFee: input.number === 1 ? new Decimal(DEFAULT_PRODUCT.fees.setup) : ZERO,
        });
        const { ocrReference, total, posting } = await writeInvoice(
          trx,
          loan,
          { number: input.number, issueDate: input.issueDate, dueDate: input.dueDate, kind: 'installment' },
          lines,
        );
        issued = String(total);
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'invoice',
          ...invoiceLetter({
            number: input.number,
            contractNumber: loan.contract_number,
            total,
            dueDate: input.dueDate,
            ocrReference,
            lines,
          }),
          date: input.issueDate,
          byPost: loan.notice_channel === 'paper',
        });
        return loanSnapshot(trx, input.loanId, { loan, balances: balancesAfter(balances, [posting]) });
      });
      if (issued !== undefined) {
        businessMetrics.invoicesIssued.inc();
        businessMetrics.invoicedAmount.inc(sek(issued));
      }
      return snapshot;
    },
  };
}
