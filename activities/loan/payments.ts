/**
 * R-LOAN-2: a received payment allocated over the open invoices (a confirmed whole early repayment
 * first becomes the payoff invoice when the payment covers it, R-LOAN-7; after a withdrawal the
 * interest is cut to the payment date, R-LOAN-8).
 */
import { randomUUID } from 'node:crypto';
import type { BureauClient } from '../../adapters/bureau';
import { markReportsForWithdrawal } from '../../db/bureau-report-repository';
import { findCollectionCaseOfLoan } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { findConfirmedOrderPayableOn, markEarlyRepaymentSettled } from '../../db/early-repayment-repository';
import {
  chargesBookedAfter,
  defaultInterestPostedThrough,
  loanAccountBalances,
  openInvoiceItems,
  postInTransaction,
} from '../../db/ledger-repository';
import {
  findLoanOrThrow,
  findPayment,
  lockLoan,
  type LoanRow,
  markPaymentApplied,
  type PaymentRow,
  registerPayment,
  updateInvoice,
} from '../../db/loan-repository';
import { findWithdrawal } from '../../db/withdrawal-repository';
import { allocatePayment } from '../../domain/allocation';
import { caseClaimsNothing } from '../../domain/collection-case';
import { addMonths, compareDates, firstOfMonth, type IsoDate } from '../../domain/dates';
import {
  creditPosting,
  customerDebt,
  paymentPosting,
  reversalPosting,
  unearnedInterestPosting,
} from '../../domain/ledger';
import { unearnedInterestOnPrepayment } from '../../domain/early-repayment';
import { idempotencyKey } from '../../domain/idempotency';
import { chargesPreventedBy } from '../../domain/value-date';
import { isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { paymentWakesLoan } from '../../domain/payment-wake';
import { Decimal, formatAmount, sumAmounts, ZERO } from '../../domain/money';
import { lineRemaining, overdueItems } from '../../domain/overdue';
import { withdrawalSettlement } from '../../domain/withdrawal';
import { businessMetrics, sek } from '../../platform/metrics';
import { withdrawPreventedBureauReports } from '../bureau-reporting';
import { applyPaymentToCase, isCaseOpen } from '../collection/payments';
import { computePayoff, settlePayoff } from './early-repayment';
import { accrueDefaultInterest, chargeLateFeesOfLateInvoices } from './ledger-steps';

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

/**
 * R-LOAN-2: applies the payment once; a repeat changes nothing and returns the first outcome.
 * R-PAY-1: with `bureau`, the bureau reports the payment would have prevented (marked in its
 * transaction) are withdrawn once it has committed; a repeat sends the ones still pending. The
 * bureau client is a required choice: a path that applies without it (only a worker built without
 * adapters) leaves those withdrawals to the next payment.
 */
export async function applyPaymentToLoan(
  db: Db,
  paymentId: string,
  options: { bureau: BureauClient | undefined },
): Promise<PaymentOutcome> {
  let applied: 'loan' | 'collection-case' | undefined; // counted once committed, first time only
  const outcome = await db.transaction().execute(async (trx) => {
    const assigned = await findPayment(trx, paymentId);
    if (!assigned?.loan_id) throw new Error(`payment ${paymentId} is not assigned to a loan`);
    const loanId = assigned.loan_id;
    // Row lock: one payment of a loan is applied at a time, even across workers.
    const loan = await lockLoan(trx, loanId);
    // Read again under the lock: a retried attempt that waited for it must see the first one's APPLIED.
    const payment = (await findPayment(trx, paymentId))!;
    // R-COLL-9, R-PAY-1: once the loan is handed to collection, what it is paid goes to the case.
    const collectionCase = await findCollectionCaseOfLoan(trx, loanId);
    const openCase = collectionCase && isCaseOpen(collectionCase) ? collectionCase : undefined;
    const caseApplied = (payment.allocation as { caseId?: string } | null)?.caseId;
    if (caseApplied || (openCase && payment.status !== 'APPLIED')) {
      if (!caseApplied) applied = 'collection-case';
      const toCase = await applyPaymentToCase(trx, paymentId, caseApplied ?? openCase!.id);
      return {
        paymentId,
        loanId,
        paymentDate: payment.payment_date,
        amount: payment.amount,
        excess: toCase.excess,
        settledInvoices: [],
        wakeLoan: false,
        collectionCaseNumber: toCase.caseNumber,
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
    // R-PAY-1: judged at its value date, whenever it was registered.
    const reversed = isInvoicedLoanStatus(loan.status) ? await reverseChargesPreventedBy(trx, payment) : [];
    // R-LOAN-3: a payment made after a due date shows that invoice late, even before the sweep.
    if (isInvoicedLoanStatus(loan.status)) await chargeLateFeesOfLateInvoices(trx, loanId, date);

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
    if (orderSettled && order!.kind === 'partial') {
      await creditInterestOnPrepayment(
        trx,
        loan,
        paymentId,
        date,
        Decimal.min(allocation.excess, principal_outstanding),
      );
    }
    const settledInvoices: number[] = [];
    for (const item of allocation.items) {
      if (item.settled && !item.allocated.isZero()) {
        settledInvoices.push(Number(item.id));
        await updateInvoice(trx, loanId, Number(item.id), { status: 'PAID', paid_date: date });
      }
    }
    const debtAfter = customerDebt(await loanAccountBalances(trx, loanId));
    const wakeLoan = paymentWakesLoan({
      somethingWasOverdue: overdueBefore || reversed.length > 0,
      debtLeft: debtAfter.greaterThan(0),
      settledEarlyRepayment: orderSettled,
      loanStatus: loan.status,
    });
    const excess = formatAmount(allocation.excess);
    const creditOnEndedLoan =
      allocation.excess.greaterThan(0) &&
      (loan.status === 'CLOSED' ||
        loan.status === 'WITHDRAWN' ||
        // R-PAY-4: handed over, and the case has ended with nothing claimed (paid or written off).
        (loan.status === 'IN_COLLECTION' && !!collectionCase?.status && caseClaimsNothing(collectionCase.status)));
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
      ...(reversed.length > 0 ? { reversed } : {}),
      creditOnEndedLoan,
    });
    applied = 'loan';
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
  if (applied) {
    businessMetrics.paymentsApplied.inc({ to: applied });
    businessMetrics.paymentsAppliedAmount.inc({ to: applied }, sek(outcome.amount));
  }
  if (options.bureau) await withdrawPreventedBureauReports(db, options.bureau, outcome.loanId);
  return outcome;
}

/**
 * R-PAY-1: posts the reversal of every charge the payment would have prevented had it been
 * registered on its value date (domain/value-date.ts); a fee is reversed once per invoice and kind,
 * default interest once per payment. Returns what was reversed (kept with the payment's allocation).
 */
async function reverseChargesPreventedBy(
  trx: Db,
  payment: Pick<PaymentRow, 'id' | 'loan_id' | 'amount' | 'payment_date' | 'booking_date'>,
): Promise<{ invoiceNumber: number; kind: string; amount: string }[]> {
  const loanId = payment.loan_id!;
  const valueDate = payment.payment_date;
  const chargesAfter = await chargesBookedAfter(trx, loanId, valueDate);
  if (chargesAfter.length === 0) return [];
  const loan = await findLoanOrThrow(trx, loanId);
  const openItems = await openInvoiceItems(trx, loanId);
  const judgement = chargesPreventedBy({
    valueDate,
    amount: new Decimal(payment.amount),
    openItems,
    chargesAfter,
    defaultInterestAccruedUntil: loan.default_interest_accrued_until,
    defaultInterestPostedThrough: await defaultInterestPostedThrough(trx, loanId, valueDate),
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
  });
  // Booked the day it was found (never before the value date).
  const bookedOn =
    payment.booking_date && compareDates(payment.booking_date, valueDate) > 0 ? payment.booking_date : valueDate;
  const done: { invoiceNumber: number; kind: string; amount: string }[] = [];
  for (const r of judgement.reversals) {
    const line = openItems.find((i) => Number(i.id) === r.invoiceNumber)?.lines.filter((l) => l.kind === r.kind);
    const remaining = sumAmounts((line ?? []).map((l) => l.remaining));
    const key =
      r.kind === 'default-interest'
        ? idempotencyKey(loanId, 'reversal', r.kind, r.invoiceNumber, payment.id)
        : idempotencyKey(loanId, 'reversal', r.kind, r.invoiceNumber);
    const posted = await postInTransaction(
      trx,
      reversalPosting(loanId, r.invoiceNumber, bookedOn, r.kind, r.amount, remaining, key),
    );
    if (posted) done.push({ invoiceNumber: r.invoiceNumber, kind: r.kind, amount: formatAmount(r.amount) });
  }
  // R-LOAN-11: a bureau report the payment would have prevented is listed with the payment and
  // marked for withdrawal (once per report); applyPaymentToLoan withdraws it after the commit.
  for (const n of judgement.bureauReportsPrevented.filter((n) =>
    done.some((d) => d.kind === 'reminder-fee' && d.invoiceNumber === n),
  )) {
    done.push({ invoiceNumber: n, kind: 'bureau-report', amount: '0.00' });
    const invoice = await trx
      .selectFrom('invoices')
      .select('due_date')
      .where('loan_id', '=', loanId)
      .where('number', '=', n)
      .executeTakeFirst();
    if (invoice) await markReportsForWithdrawal(trx, loanId, invoice.due_date, payment.id);
  }
  return done;
}

/**
 * R-LOAN-7 partial (defect 6): the installment invoiced for the current month charged its interest on
 * the principal now repaid; from the repayment day to the month's end (the repayment day not owed,
 * as for a whole repayment) that interest is not earned: given back by reducing principal.
 */
async function creditInterestOnPrepayment(
  trx: Db,
  loan: Pick<LoanRow, 'id' | 'nominal_rate_percent'>,
  paymentId: string,
  date: IsoDate,
  prepaid: Decimal,
): Promise<void> {
  if (!prepaid.greaterThan(0)) return;
  const invoiced = await trx
    .selectFrom('invoices')
    .select('number')
    .where('loan_id', '=', loan.id)
    .where('kind', '=', 'installment')
    .where('due_date', '>=', date)
    .where('due_date', '<', addMonths(firstOfMonth(date), 1))
    .executeTakeFirst();
  if (!invoiced) return; // this month's installment is not invoiced yet: it is split from the lower principal
  const credit = unearnedInterestOnPrepayment({
    prepaid,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    repaidOn: date,
  });
  if (credit.greaterThan(0))
    await postInTransaction(
      trx,
      unearnedInterestPosting(loan.id, date, credit, idempotencyKey(loan.id, 'prepayment-interest', paymentId)),
    );
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

/**
 * R-LOAN-2, R-PAY-1: money an activity receives itself (an autogiro draw, the simulator's borrower
 * and debtor) is registered as a bank file's payment is (once per bank reference, matched by its
 * OCR reference) and applied as the payment workflow applies one, bureau client included, so every
 * path books a payment, and withdraws the bureau reports it makes withdrawable, the same way.
 */
export async function registerAndApplyPayment(
  db: Db,
  bureau: BureauClient | undefined,
  payment: Omit<Parameters<typeof registerPayment>[1], 'id'>,
): Promise<{ payment: PaymentRow; outcome: PaymentOutcome }> {
  const registered = await registerPayment(db, { id: randomUUID(), ...payment });
  return { payment: registered, outcome: await applyPaymentToLoan(db, registered.id, { bureau }) };
}

export function createPaymentActivities({ db, bureau }: { db: Db; bureau?: BureauClient }) {
  return {
    /**
     * R-LOAN-2 (the payment workflow and the simulated borrower): see applyPaymentToLoan. R-PAY-1:
     * a bureau withdrawal that fails retryably fails the activity, whose retry sends it again.
     */
    async applyPayment(input: { paymentId: string }): Promise<PaymentOutcome> {
      return applyPaymentToLoan(db, input.paymentId, { bureau });
    },
  };
}
