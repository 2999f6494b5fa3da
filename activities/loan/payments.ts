/**
 * R-LOAN-2: a received payment allocated over the open invoices (a confirmed whole early repayment
 * first becomes the payoff invoice when the payment covers it, R-LOAN-7; after a withdrawal the
 * interest is cut to the payment date, R-LOAN-8).
 */
import type { Db } from '../../db/database';
import { findConfirmedOrderPayableOn, markEarlyRepaymentSettled } from '../../db/early-repayment-repository';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import { findPayment, lockLoan, type LoanRow, markPaymentApplied, updateInvoice } from '../../db/loan-repository';
import { findWithdrawal } from '../../db/withdrawal-repository';
import { allocatePayment } from '../../domain/allocation';
import { compareDates, type IsoDate } from '../../domain/dates';
import { creditPosting, customerDebt, paymentPosting } from '../../domain/ledger';
import { isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { paymentWakesLoan } from '../../domain/payment-wake';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { lineRemaining, overdueItems } from '../../domain/overdue';
import { withdrawalSettlement } from '../../domain/withdrawal';
import { applyPaymentToCase, openCaseOfLoan } from '../collection/payments';
import { computePayoff, settlePayoff } from './early-repayment';
import { accrueDefaultInterest } from './ledger-steps';

export interface PaymentOutcome {
  paymentId: string;
  loanId: string;
  paymentDate: string;
  amount: string;
  excess: string;
  /** Invoices this payment settled completely. */
  settledInvoices: number[];
  /** Whether the loan workflow must look at this payment (domain/payment-wake.ts). */
  wakeLoan: boolean;
  /** R-COLL-9: the payment went to this collection case (whose workflow is told instead of the loan). */
  collectionCaseNumber?: string;
  /** R-PAY-4: the loan had ended (closed or withdrawn) and the payment became customer credit, to refund. */
  creditOnEndedLoan?: boolean;
}

/** R-LOAN-2: applies the payment once; a repeat changes nothing and returns the first outcome. */
export async function applyPaymentToLoan(db: Db, paymentId: string): Promise<PaymentOutcome> {
  return db.transaction().execute(async (trx) => {
    const assigned = await findPayment(trx, paymentId);
    if (!assigned?.loan_id) throw new Error(`payment ${paymentId} is not assigned to a loan`);
    const loanId = assigned.loan_id;
    // Row lock: one payment of a loan is applied at a time, even across workers.
    const loan = await lockLoan(trx, loanId);
    // Read again under the lock: a retried attempt that waited for it must see the first one's APPLIED.
    const payment = (await findPayment(trx, paymentId))!;
    // R-COLL-9, R-PAY-1: once the loan is handed to collection, what it is paid goes to the case.
    const collectionCase = await openCaseOfLoan(trx, loanId);
    const caseApplied = (payment.allocation as { caseId?: string } | null)?.caseId;
    if (caseApplied || (collectionCase && payment.status !== 'APPLIED')) {
      const applied = await applyPaymentToCase(trx, paymentId, caseApplied ?? collectionCase!.id);
      return {
        paymentId,
        loanId,
        paymentDate: payment.payment_date,
        amount: payment.amount,
        excess: applied.excess,
        settledInvoices: [],
        wakeLoan: false,
        collectionCaseNumber: applied.caseNumber,
      };
    }
    const stored = payment.allocation as {
      excess?: string;
      settledInvoices?: number[];
      wakeLoan?: boolean;
      creditOnEndedLoan?: boolean;
    } | null;
    if (payment.status === 'APPLIED') {
      return {
        paymentId,
        loanId,
        paymentDate: payment.payment_date,
        amount: payment.amount,
        excess: stored?.excess ?? '0.00',
        settledInvoices: stored?.settledInvoices ?? [],
        wakeLoan: stored?.wakeLoan ?? true,
        creditOnEndedLoan: stored?.creditOnEndedLoan ?? false,
      };
    }
    const date = payment.payment_date;
    const amount = new Decimal(payment.amount);
    await accrueDefaultInterest(trx, loanId, date);
    const overdueBefore = overdueItems(await openInvoiceItems(trx, loanId), date).length > 0;

    let orderSettled = false;
    const order = await findConfirmedOrderPayableOn(trx, loanId, date);
    if (order?.kind === 'whole' && isInvoicedLoanStatus(loan.status)) {
      const payoff = await computePayoff(trx, loanId, date);
      if (amount.greaterThanOrEqualTo(payoff.total)) {
        await settlePayoff(trx, loanId, date, payoff);
        orderSettled = true;
      }
    } else if (order?.kind === 'partial' && amount.greaterThanOrEqualTo(new Decimal(order.total))) {
      orderSettled = true;
    }
    if (orderSettled) await markEarlyRepaymentSettled(trx, order!.id, paymentId);
    if (loan.status === 'WITHDRAWAL_PENDING') await cutWithdrawalInterest(trx, loan, date);

    const before = await openInvoiceItems(trx, loanId);
    const allocation = allocatePayment(amount, before);
    const { principal_outstanding } = await loanAccountBalances(trx, loanId);
    await postInTransaction(trx, paymentPosting(loanId, paymentId, date, allocation, principal_outstanding));
    const settledInvoices: number[] = [];
    for (const item of allocation.items) {
      if (item.settled && !item.allocated.isZero()) {
        settledInvoices.push(Number(item.id));
        await updateInvoice(trx, loanId, Number(item.id), { status: 'PAID', paid_date: date });
      }
    }
    const debtAfter = customerDebt(await loanAccountBalances(trx, loanId));
    const wakeLoan = paymentWakesLoan({
      somethingWasOverdue: overdueBefore,
      debtLeft: debtAfter.greaterThan(0),
      settledEarlyRepayment: orderSettled,
      loanStatus: loan.status,
    });
    const excess = formatAmount(allocation.excess);
    const creditOnEndedLoan =
      (loan.status === 'CLOSED' || loan.status === 'WITHDRAWN') && allocation.excess.greaterThan(0);
    await markPaymentApplied(trx, paymentId, {
      items: allocation.items
        .filter((i) => !i.allocated.isZero())
        .map((i) => ({
          invoiceNumber: Number(i.id),
          lines: i.lines
            .filter((l) => !l.allocated.isZero())
            .map((l) => ({ kind: l.kind, amount: formatAmount(l.allocated) })),
        })),
      excess,
      settledInvoices,
      wakeLoan,
      creditOnEndedLoan,
    });
    return {
      paymentId,
      loanId,
      paymentDate: date,
      amount: payment.amount,
      excess,
      settledInvoices,
      wakeLoan,
      creditOnEndedLoan,
    };
  });
}

/** R-LOAN-8: interest runs from payout to the repayment; repaid before repayBy, the rest is credited. */
async function cutWithdrawalInterest(
  trx: Db,
  loan: Pick<LoanRow, 'id' | 'amount' | 'nominal_rate_percent' | 'payout_date'>,
  date: IsoDate,
): Promise<void> {
  const withdrawal = await findWithdrawal(trx, loan.id);
  if (!withdrawal || compareDates(date, withdrawal.repay_by) >= 0) return;
  const toDate = withdrawalSettlement({
    principalPaidOut: new Decimal(loan.amount),
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    payoutDate: loan.payout_date,
    repaymentDate: date,
    feesPaidToLender: ZERO,
  }).interest;
  const item = (await openInvoiceItems(trx, loan.id)).find((i) => i.id === String(withdrawal.invoice_number));
  const credit = Decimal.min(lineRemaining(item, 'interest'), new Decimal(withdrawal.interest).minus(toDate));
  if (credit.greaterThan(0)) {
    await postInTransaction(
      trx,
      creditPosting(loan.id, withdrawal.invoice_number, date, 'interest', credit, `${loan.id}:withdrawal:interest-cut`),
    );
  }
}

export function createPaymentActivities({ db }: { db: Db }) {
  return {
    /** R-LOAN-2 (the payment workflow and the simulated borrower): see applyPaymentToLoan. */
    async applyPayment(input: { paymentId: string }): Promise<PaymentOutcome> {
      return applyPaymentToLoan(db, input.paymentId);
    },
  };
}
