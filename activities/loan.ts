/**
 * The loan's side effects (R-LOAN-1…8): each writes PostgreSQL once per idempotency key (derived
 * from the loan id and the step), in one transaction under the loan's row lock, and returns a fresh
 * snapshot of the loan from the ledger, so the workflow never decides on stale money. Business
 * dates come from the workflow, never from the wall clock. Notices to the borrower are recorded in
 * the customer mailbox in the same transaction (R-LOAN-11) and announced after it commits.
 */
import type { Db } from '../db/database';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../db/ledger-repository';
import { findPayment, insertInvoice, insertLoan, setLoanStatus, updateInvoice } from '../db/loan-repository';
import { type MailboxMessageInput, recordMailboxMessage } from '../db/mailbox-repository';
import { allocatePayment, type OpenItem, type OpenLineKind, totalRemaining } from '../domain/allocation';
import { monthlyRate } from '../domain/annuity';
import { compareDates, type IsoDate } from '../domain/dates';
import { defaultInterestOnAmount, postedDefaultInterest } from '../domain/default-interest';
import { currentInterestPeriodStart, partialEarlyRepayment, wholeEarlyRepayment } from '../domain/early-repayment';
import { installmentInvoiceLines, invoiceIssueDate, invoiceTotal, remainingPaymentPlan } from '../domain/invoicing';
import {
  capitalisedInterestPosting,
  chargePosting,
  creditPosting,
  customerDebt,
  disbursementPosting,
  invoicePosting,
  paymentPosting,
  refundPosting,
  setOffPosting,
} from '../domain/ledger';
import { Decimal, formatAmount, maxAmount, sumAmounts, ZERO } from '../domain/money';
import { invoiceOcrReference, loanOcrReference } from '../domain/ocr';
import { applyPaymentFreeMonth, checkPaymentFreeMonthEligibility } from '../domain/payment-free-month';
import { DEFAULT_PRODUCT, type NoticeChannel } from '../domain/product';
import { recomputeAnnuityForRateChange } from '../domain/rate-change';
import { installmentDueDate, installmentSplit, noticeFee } from '../domain/schedule';
import { evaluateTerminationGrounds, terminationNoticeEndDate } from '../domain/termination';
import { withdrawalRepaymentDueDate, withdrawalSettlement } from '../domain/withdrawal';
import type {
  EarlyRepaymentOrder,
  EarlyRepaymentQuote,
  LoanLifecycleStatus,
  PaymentFreeMonthGrant,
  RateChangeNotice,
  WithdrawalOrder,
} from '../workflows/loan-messages';

export interface OpenLoanInput {
  loanId: string;
  contractNumber: string;
  customerId: string;
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  noticeChannel: NoticeChannel;
  payoutDate: string;
  capitalisedInterest: string;
  monthlyPayment: string;
}

/** The loan as the ledger and the loan's records say it is now. */
export interface LoanSnapshot {
  status: string;
  /** Principal not yet invoiced. */
  principalOutstanding: string;
  /** Everything the customer owes. */
  debt: string;
  termMonths: number;
  openInvoices: {
    number: number;
    dueDate: IsoDate;
    lateFeeCharged: boolean;
    reminderSent: boolean;
    /** What is still unpaid on it. */
    remaining: string;
  }[];
  /** The latest early repayment order's status, if any. */
  earlyRepaymentStatus: EarlyRepaymentOrder['status'] | null;
}

export interface PaymentOutcome {
  paymentId: string;
  loanId: string;
  paymentDate: string;
  amount: string;
  excess: string;
  /** Invoices this payment settled completely. */
  settledInvoices: number[];
  /**
   * Whether the loan workflow must look at this payment: it paid something overdue, cleared the
   * debt, settled an early repayment, or arrived while the loan is not simply running.
   */
  wakeLoan: boolean;
}

/** Sends the "new mail" notice for a mailbox message once (R-LOAN-11); absent without adapters. */
export type NewMailNotifier = (messageId: string) => Promise<void>;

/** Loan statuses during which invoices are issued and payments allocated as usual. */
const RUNNING_STATUSES = ['ACTIVE', 'TERMINATION_NOTICE'];

/** What bears default interest and counts for termination: the installment, not fees (R-LOAN-3). */
const OVERDUE_KINDS: readonly OpenLineKind[] = ['principal', 'interest'];

function overdueAmount(item: OpenItem, kinds: readonly OpenLineKind[] = OVERDUE_KINDS): Decimal {
  return sumAmounts(item.lines.filter((l) => kinds.includes(l.kind)).map((l) => l.remaining));
}

function lineRemaining(item: OpenItem | undefined, kind: OpenLineKind): Decimal {
  return sumAmounts((item?.lines ?? []).filter((l) => l.kind === kind).map((l) => l.remaining));
}

async function lockLoan(trx: Db, loanId: string) {
  return trx.selectFrom('loans').selectAll().where('id', '=', loanId).forUpdate().executeTakeFirstOrThrow();
}

export async function loanSnapshot(db: Db, loanId: string): Promise<LoanSnapshot> {
  const loan = await db
    .selectFrom('loans')
    .select(['status', 'term_months'])
    .where('id', '=', loanId)
    .executeTakeFirstOrThrow();
  const [balances, items, order] = await Promise.all([
    loanAccountBalances(db, loanId),
    openInvoiceItems(db, loanId),
    db
      .selectFrom('early_repayment_orders')
      .select('status')
      .where('loan_id', '=', loanId)
      .orderBy('confirmed_on', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst(),
  ]);
  const numbers = items.map((i) => Number(i.id));
  const rows = numbers.length
    ? await db
        .selectFrom('invoices')
        .select(['number', 'late_fee_charged_on', 'reminder_sent_on'])
        .where('loan_id', '=', loanId)
        .where('number', 'in', numbers)
        .execute()
    : [];
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  return {
    status: loan.status,
    principalOutstanding: formatAmount(balances.principal_outstanding),
    debt: formatAmount(customerDebt(balances)),
    termMonths: loan.term_months,
    openInvoices: items.map((i) => ({
      number: Number(i.id),
      dueDate: i.dueDate,
      lateFeeCharged: !!byNumber.get(Number(i.id))?.late_fee_charged_on,
      reminderSent: !!byNumber.get(Number(i.id))?.reminder_sent_on,
      remaining: formatAmount(totalRemaining([i])),
    })),
    earlyRepaymentStatus: (order?.status as EarlyRepaymentOrder['status'] | undefined) ?? null,
  };
}

/**
 * R-LOAN-3: posts default interest (rate + 5 pp, actual/365) on each overdue installment from the
 * last accrual (or its due date) up to and including `until`, on the oldest overdue invoice. Runs
 * inside the caller's transaction before anything changes the overdue amounts, so between two
 * accruals every overdue amount is constant and the result is exact to the day.
 */
async function accrueDefaultInterest(trx: Db, loanId: string, until: string): Promise<Decimal> {
  const loan = await trx
    .selectFrom('loans')
    .select(['nominal_rate_percent', 'default_interest_accrued_until'])
    .where('id', '=', loanId)
    .executeTakeFirstOrThrow();
  const from = loan.default_interest_accrued_until;
  if (from && compareDates(from, until) >= 0) return ZERO;
  const overdue = (await openInvoiceItems(trx, loanId)).filter((i) => compareDates(i.dueDate, until) < 0);
  let interest = ZERO;
  for (const item of overdue) {
    const start = from && compareDates(from, item.dueDate) > 0 ? from : item.dueDate;
    interest = interest.plus(
      defaultInterestOnAmount({
        overdueAmount: overdueAmount(item),
        nominalRatePercent: new Decimal(loan.nominal_rate_percent),
        dueDate: start,
        until,
      }).interest,
    );
  }
  const posted = postedDefaultInterest(interest);
  if (posted.greaterThan(0)) {
    await postInTransaction(
      trx,
      chargePosting(
        loanId,
        Number(overdue[0]!.id),
        until,
        'default-interest',
        posted,
        `${loanId}:default-interest:${until}`,
      ),
    );
  }
  await trx.updateTable('loans').set({ default_interest_accrued_until: until }).where('id', '=', loanId).execute();
  return posted;
}

/** The next invoice number (installments and the payoff/withdrawal invoices share the sequence). */
async function nextInvoiceNumber(trx: Db, loanId: string): Promise<number> {
  const row = await trx
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('loan_id', '=', loanId)
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0) + 1;
}

/** An invoice document and its ledger posting (R-LOAN-1), once per invoice number. */
async function writeInvoice(
  trx: Db,
  loan: { id: string; contract_number: string },
  invoice: { number: number; issueDate: IsoDate; dueDate: IsoDate; kind: string },
  lines: { kind: OpenLineKind; amount: Decimal }[],
): Promise<{ ocrReference: string; total: Decimal }> {
  const total = invoiceTotal(lines);
  const ocrReference = invoiceOcrReference(loan.contract_number, invoice.number);
  await insertInvoice(trx, {
    loan_id: loan.id,
    number: invoice.number,
    issue_date: invoice.issueDate,
    due_date: invoice.dueDate,
    ocr_reference: ocrReference,
    status: 'OPEN',
    paid_date: null,
    late_fee_charged_on: null,
    reminder_sent_on: null,
    reminder_due_date: null,
    lines: JSON.stringify(lines.map((l) => ({ kind: l.kind, amount: formatAmount(l.amount) }))),
    total: formatAmount(total),
    kind: invoice.kind,
  });
  await postInTransaction(trx, invoicePosting(loan.id, invoice.number, invoice.issueDate, lines));
  return { ocrReference, total };
}

/**
 * R-LOAN-7 whole: what settles the loan on `date`. Interest invoiced for periods not yet due is not
 * earned (credited); interest accrues from the start of the current interest period (R-PROD-4:
 * calendar months) on the principal not yet repaid of that period; interest already paid for the
 * current period is set against it (a surplus is set off against the payoff invoice). Earlier
 * unpaid items are paid as they are.
 */
interface Payoff {
  unearnedInterest: { invoiceNumber: number; amount: Decimal }[];
  principal: Decimal;
  interestToCharge: Decimal;
  interestToRefund: Decimal;
  accruedInterest: Decimal;
  unpaidInterest: Decimal;
  unpaidFees: Decimal;
  unpaidPrincipal: Decimal;
  total: Decimal;
}

async function computePayoff(trx: Db, loanId: string, date: IsoDate): Promise<Payoff> {
  const loan = await trx.selectFrom('loans').selectAll().where('id', '=', loanId).executeTakeFirstOrThrow();
  const [items, balances, invoices, paymentFree] = await Promise.all([
    openInvoiceItems(trx, loanId),
    loanAccountBalances(trx, loanId),
    trx
      .selectFrom('invoices')
      .select(['number', 'due_date', 'lines'])
      .where('loan_id', '=', loanId)
      .where('kind', '=', 'installment')
      .execute(),
    trx
      .selectFrom('payment_free_months')
      .select('due_date')
      .where('loan_id', '=', loanId)
      .where('status', '=', 'APPLIED')
      .execute(),
  ]);
  const notYetDue = invoices.filter((i) => compareDates(i.due_date, date) >= 0);
  const periodStart = currentInterestPeriodStart({
    paymentDate: date,
    payoutDate: loan.payout_date,
    installmentDueDates: invoices.map((i) => i.due_date),
    paymentFreeDueDates: paymentFree.map((p) => p.due_date),
  });
  const lineOf = (i: (typeof invoices)[number], kind: string) =>
    sumAmounts(i.lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));
  const unearnedInterest = notYetDue
    .map((i) => ({
      invoiceNumber: i.number,
      amount: lineRemaining(
        items.find((it) => it.id === String(i.number)),
        'interest',
      ),
    }))
    .filter((u) => u.amount.greaterThan(0));
  const paidCurrentInterest = sumAmounts(
    notYetDue.map((i) =>
      lineOf(i, 'interest').minus(
        lineRemaining(
          items.find((it) => it.id === String(i.number)),
          'interest',
        ),
      ),
    ),
  );
  const principalBase = balances.principal_outstanding.plus(sumAmounts(notYetDue.map((i) => lineOf(i, 'principal'))));
  const whole = wholeEarlyRepayment({
    outstandingPrincipal: maxAmount(ZERO, principalBase),
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    interestPeriodStart: compareDates(periodStart, date) <= 0 ? periodStart : date,
    paymentDate: date,
    unpaidInterest: ZERO,
    unpaidFees: ZERO,
  });
  const net = whole.accruedInterest.minus(paidCurrentInterest);
  const credited = sumAmounts(unearnedInterest.map((u) => u.amount));
  const interestToCharge = maxAmount(ZERO, net);
  const interestToRefund = maxAmount(ZERO, net.negated());
  const debt = customerDebt(balances);
  return {
    unearnedInterest,
    principal: balances.principal_outstanding,
    interestToCharge,
    interestToRefund,
    accruedInterest: whole.accruedInterest,
    unpaidInterest: balances.interest_receivable.plus(balances.default_interest_receivable).minus(credited),
    unpaidFees: balances.fees_receivable,
    unpaidPrincipal: balances.principal_outstanding.plus(balances.principal_invoiced),
    total: maxAmount(ZERO, debt.minus(credited).plus(interestToCharge).minus(interestToRefund)),
  };
}

async function settlePayoff(trx: Db, loanId: string, date: IsoDate, payoff: Payoff): Promise<void> {
  const loan = await trx.selectFrom('loans').selectAll().where('id', '=', loanId).executeTakeFirstOrThrow();
  for (const u of payoff.unearnedInterest) {
    await postInTransaction(
      trx,
      creditPosting(
        loanId,
        u.invoiceNumber,
        date,
        'interest',
        u.amount,
        `${loanId}:early-repayment:unearned:${u.invoiceNumber}`,
      ),
    );
  }
  if (payoff.interestToRefund.greaterThan(0)) {
    await postInTransaction(
      trx,
      refundPosting(
        loanId,
        date,
        'interest_income',
        payoff.interestToRefund,
        `${loanId}:early-repayment:interest-refund`,
      ),
    );
  }
  const lines = installmentInvoiceLines({
    principal: payoff.principal,
    interest: payoff.interestToCharge,
    noticeFee: ZERO,
    setupFee: ZERO,
  });
  if (lines.length === 0) return;
  const number = await nextInvoiceNumber(trx, loanId);
  await writeInvoice(trx, loan, { number, issueDate: date, dueDate: date, kind: 'early-repayment' }, lines);
  // The refunded interest is already left out of the quoted total: set it off against the payoff's
  // principal so that paying the total closes the loan at exactly 0.00.
  const setOff = Decimal.min(payoff.interestToRefund, payoff.principal);
  if (setOff.greaterThan(0)) {
    await postInTransaction(
      trx,
      setOffPosting(loanId, number, date, 'principal', setOff, `${loanId}:early-repayment:interest-refund-set-off`),
    );
  }
}

/**
 * R-LOAN-2: allocates a received payment over the open invoices (a confirmed whole early repayment
 * first becomes the payoff invoice when the payment covers it, R-LOAN-7; after a withdrawal the
 * interest is cut to the payment date, R-LOAN-8). A repeat changes nothing.
 */
export async function applyPaymentToLoan(db: Db, paymentId: string): Promise<PaymentOutcome> {
  return db.transaction().execute(async (trx) => {
    const assigned = await findPayment(trx, paymentId);
    if (!assigned?.loan_id) throw new Error(`payment ${paymentId} is not assigned to a loan`);
    const loanId = assigned.loan_id;
    // Row lock: one payment of a loan is applied at a time, even across workers.
    const loan = await lockLoan(trx, loanId);
    // Read again under the lock: a retried attempt that waited for it must see the first one's APPLIED.
    const payment = (await findPayment(trx, paymentId))!;
    const stored = payment.allocation as { excess?: string; settledInvoices?: number[]; wakeLoan?: boolean } | null;
    if (payment.status === 'APPLIED') {
      return {
        paymentId,
        loanId,
        paymentDate: payment.payment_date,
        amount: payment.amount,
        excess: stored?.excess ?? '0.00',
        settledInvoices: stored?.settledInvoices ?? [],
        wakeLoan: stored?.wakeLoan ?? true,
      };
    }
    const date = payment.payment_date;
    const amount = new Decimal(payment.amount);
    await accrueDefaultInterest(trx, loanId, date);
    const overdueBefore = (await openInvoiceItems(trx, loanId)).some((i) => compareDates(i.dueDate, date) < 0);

    let orderSettled = false;
    const order = await trx
      .selectFrom('early_repayment_orders')
      .selectAll()
      .where('loan_id', '=', loanId)
      .where('status', '=', 'CONFIRMED')
      .where('pay_by', '>=', date)
      .executeTakeFirst();
    if (order?.kind === 'whole' && RUNNING_STATUSES.includes(loan.status)) {
      const payoff = await computePayoff(trx, loanId, date);
      if (amount.greaterThanOrEqualTo(payoff.total)) {
        await settlePayoff(trx, loanId, date, payoff);
        orderSettled = true;
      }
    } else if (order?.kind === 'partial' && amount.greaterThanOrEqualTo(new Decimal(order.total))) {
      orderSettled = true;
    }
    if (orderSettled) {
      await trx
        .updateTable('early_repayment_orders')
        .set({ status: 'SETTLED', settled_by_payment: paymentId })
        .where('id', '=', order!.id)
        .execute();
    }
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
    const wakeLoan = overdueBefore || !debtAfter.greaterThan(0) || orderSettled || loan.status !== 'ACTIVE';
    const excess = formatAmount(allocation.excess);
    await trx
      .updateTable('payments')
      .set({
        status: 'APPLIED',
        allocation: JSON.stringify({
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
        }),
      })
      .where('id', '=', paymentId)
      .execute();
    return { paymentId, loanId, paymentDate: date, amount: payment.amount, excess, settledInvoices, wakeLoan };
  });
}

/** R-LOAN-8: interest runs from payout to the repayment; repaid before repayBy, the rest is credited. */
async function cutWithdrawalInterest(
  trx: Db,
  loan: { id: string; amount: string; nominal_rate_percent: string; payout_date: string },
  date: IsoDate,
): Promise<void> {
  const withdrawal = await trx.selectFrom('withdrawals').selectAll().where('loan_id', '=', loan.id).executeTakeFirst();
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
 * The principal the current plan leaves before installment `number` (R-LOAN-12's plan from the
 * ledger): what a rate change (R-LOAN-5) or a payment-free month (R-LOAN-6) announced today acts on.
 */
async function plannedPrincipalBefore(
  trx: Db,
  loan: {
    id: string;
    payout_date: string;
    nominal_rate_percent: string;
    monthly_payment: string;
    notice_channel: string;
  },
  position: { nextInstallment: number; termMonths: number },
  number: number,
): Promise<Decimal> {
  const { principal_outstanding } = await loanAccountBalances(trx, loan.id);
  const plan = remainingPaymentPlan({
    payoutDate: loan.payout_date,
    termMonths: position.termMonths,
    nextNumber: position.nextInstallment,
    principalOutstanding: principal_outstanding,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    monthlyPayment: new Decimal(loan.monthly_payment),
    noticeChannel: loan.notice_channel as NoticeChannel,
  });
  return plan.filter((p) => p.number < number).pop()?.balanceAfter ?? principal_outstanding;
}

export interface TerminationOutcome {
  sent: boolean;
  sequence?: number;
  endsOn?: string;
  grounds: string[];
  snapshot: LoanSnapshot;
}

export function createLoanActivities(db: Db, notifyNewMail?: NewMailNotifier) {
  /** Runs `work` in one transaction, then announces the mailbox messages it recorded. */
  async function withNotices<T>(work: (trx: Db, notices: MailboxMessageInput[]) => Promise<T>): Promise<T> {
    const notices: MailboxMessageInput[] = [];
    const ids: string[] = [];
    const result = await db.transaction().execute(async (trx) => {
      const out = await work(trx, notices);
      for (const notice of notices) ids.push((await recordMailboxMessage(trx, notice)).id);
      return out;
    });
    if (notifyNewMail) for (const id of ids) await notifyNewMail(id);
    return result;
  }

  /** A fee on an invoice still late (R-LOAN-3), once per invoice and kind; default interest accrued first. */
  async function chargeInvoiceFee(
    input: { loanId: string; invoiceNumber: number; date: string },
    kind: 'late-fee' | 'reminder-fee',
    fee: string,
    invoiceChanges: Parameters<typeof updateInvoice>[3],
    notice?: (loan: { customer_id: string; contract_number: string }) => MailboxMessageInput,
  ): Promise<LoanSnapshot> {
    return withNotices(async (trx, notices) => {
      const loan = await lockLoan(trx, input.loanId);
      const invoice = await trx
        .selectFrom('invoices')
        .select(['status'])
        .where('loan_id', '=', input.loanId)
        .where('number', '=', input.invoiceNumber)
        .executeTakeFirstOrThrow();
      if (invoice.status !== 'OPEN' || !RUNNING_STATUSES.includes(loan.status)) return loanSnapshot(trx, input.loanId);
      await accrueDefaultInterest(trx, input.loanId, input.date);
      await postInTransaction(
        trx,
        chargePosting(
          input.loanId,
          input.invoiceNumber,
          input.date,
          kind,
          new Decimal(fee),
          `${input.loanId}:${kind}:${input.invoiceNumber}`,
        ),
      );
      await updateInvoice(trx, input.loanId, input.invoiceNumber, invoiceChanges);
      if (notice) notices.push(notice(loan));
      return loanSnapshot(trx, input.loanId);
    });
  }

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

    /**
     * R-LOAN-1: the installment's invoice, split from the principal the ledger holds now (so an
     * overpayment shortens the loan, R-LOAN-7) at the rate in force for it (a scheduled rate change
     * takes effect here, R-LOAN-5), with the notice fee of the channel and the setup fee on the
     * first. Once per invoice number; nothing when the principal is repaid or the loan has ended.
     */
    async issueInvoice(input: {
      loanId: string;
      number: number;
      issueDate: string;
      dueDate: string;
      isLast: boolean;
    }): Promise<LoanSnapshot> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await trx
          .selectFrom('invoices')
          .select('number')
          .where('loan_id', '=', input.loanId)
          .where('number', '=', input.number)
          .executeTakeFirst();
        if (existing || !RUNNING_STATUSES.includes(loan.status)) return loanSnapshot(trx, input.loanId);
        const changes = await trx
          .selectFrom('rate_changes')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .where('status', '=', 'SCHEDULED')
          .where('first_installment', '<=', input.number)
          .orderBy('first_installment')
          .execute();
        let rate = loan.nominal_rate_percent;
        let payment = loan.monthly_payment;
        for (const change of changes) {
          rate = change.new_rate_percent;
          payment = change.new_monthly_payment;
          // A payment-free month since the announcement moved the term and added interest: the
          // annuity is recomputed over what is left now (R-LOAN-5 default, R-LOAN-6).
          const announcedTerm = change.first_installment + change.remaining_installments - 1;
          if (announcedTerm !== loan.term_months) {
            const { principal_outstanding } = await loanAccountBalances(trx, input.loanId);
            if (principal_outstanding.greaterThan(0))
              payment = formatAmount(
                recomputeAnnuityForRateChange({
                  outstandingPrincipal: principal_outstanding,
                  remainingInstallments: Math.max(1, loan.term_months - input.number + 1),
                  newNominalRatePercent: new Decimal(rate),
                }).monthlyPayment,
              );
          }
          await trx
            .updateTable('rate_changes')
            .set({ status: 'APPLIED' })
            .where('loan_id', '=', input.loanId)
            .where('change_id', '=', change.change_id)
            .execute();
        }
        if (changes.length > 0) {
          await trx
            .updateTable('loans')
            .set({ nominal_rate_percent: rate, monthly_payment: payment })
            .where('id', '=', input.loanId)
            .execute();
        }
        const { principal_outstanding } = await loanAccountBalances(trx, input.loanId);
        if (!principal_outstanding.greaterThan(0)) return loanSnapshot(trx, input.loanId);
        const split = installmentSplit(
          principal_outstanding,
          monthlyRate(new Decimal(rate)),
          new Decimal(payment),
          input.isLast,
        );
        const lines = installmentInvoiceLines({
          principal: split.principal,
          interest: split.interest,
          noticeFee: noticeFee(loan.notice_channel as NoticeChannel),
          setupFee: input.number === 1 ? new Decimal(DEFAULT_PRODUCT.fees.setup) : ZERO,
        });
        const { ocrReference, total } = await writeInvoice(
          trx,
          loan,
          { number: input.number, issueDate: input.issueDate, dueDate: input.dueDate, kind: 'installment' },
          lines,
        );
        notices.push({
          idempotencyKey: `${input.loanId}:invoice:${input.number}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'invoice',
          subject: `Invoice ${input.number} for loan ${loan.contract_number}`,
          body:
            `Amount due: ${formatAmount(total)} SEK by ${input.dueDate}, to OCR reference ${ocrReference}.\n` +
            lines.map((l) => `${l.kind}: ${formatAmount(l.amount)}`).join('\n'),
          date: input.issueDate,
          byPost: loan.notice_channel === 'paper',
        });
        return loanSnapshot(trx, input.loanId);
      });
    },

    /** R-LOAN-2 (the payment workflow and the simulated borrower): see applyPaymentToLoan. */
    async applyPayment(input: { paymentId: string }): Promise<PaymentOutcome> {
      return applyPaymentToLoan(db, input.paymentId);
    },

    /** R-LOAN-3: late fee on an invoice not paid by its due date. */
    async chargeLateFee(input: { loanId: string; invoiceNumber: number; date: string }): Promise<LoanSnapshot> {
      return chargeInvoiceFee(input, 'late-fee', DEFAULT_PRODUCT.fees.late, { late_fee_charged_on: input.date });
    },

    /** R-LOAN-3: a reminder, always by post, with the reminder fee and a new due date. */
    async sendReminder(input: {
      loanId: string;
      invoiceNumber: number;
      date: string;
      newDueDate: string;
    }): Promise<LoanSnapshot> {
      return chargeInvoiceFee(
        input,
        'reminder-fee',
        DEFAULT_PRODUCT.fees.reminder,
        { reminder_sent_on: input.date, reminder_due_date: input.newDueDate },
        (loan) => ({
          idempotencyKey: `${input.loanId}:reminder:${input.invoiceNumber}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'reminder',
          subject: `Reminder: invoice ${input.invoiceNumber} for loan ${loan.contract_number} is unpaid`,
          body:
            `Invoice ${input.invoiceNumber} was not paid by its due date. A late fee of ${DEFAULT_PRODUCT.fees.late} ` +
            `and a reminder fee of ${DEFAULT_PRODUCT.fees.reminder} SEK were added, and default interest accrues. ` +
            `Please pay by ${input.newDueDate}.`,
          date: input.date,
          byPost: true,
        }),
      );
    },

    /**
     * R-LOAN-4: evaluates grounds (a) and (b) on `date` and, when one holds, records a termination
     * notice with four weeks' notice. Idempotent per (loan, sequence).
     */
    async evaluateTermination(input: {
      loanId: string;
      date: string;
      claim: string;
      sequence: number;
    }): Promise<TerminationOutcome> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await trx
          .selectFrom('termination_notices')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .executeTakeFirst();
        if (existing)
          return {
            sent: true,
            sequence: existing.sequence,
            endsOn: existing.ends_on,
            grounds: existing.grounds,
            snapshot: await loanSnapshot(trx, input.loanId),
          };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        const items = await openInvoiceItems(trx, input.loanId);
        const grounds = evaluateTerminationGrounds({
          claim: new Decimal(input.claim),
          evaluationDate: input.date,
          overdueItems: items.map((i) => ({
            id: i.id,
            dueDate: i.dueDate,
            unpaid: overdueAmount(i, ['principal', 'interest', 'setup-fee', 'notice-fee', 'late-fee', 'reminder-fee']),
          })),
        });
        if (!grounds.allowed) return { sent: false, grounds: [], snapshot: await loanSnapshot(trx, input.loanId) };
        const endsOn = terminationNoticeEndDate(input.date);
        await trx
          .insertInto('termination_notices')
          .values({
            loan_id: input.loanId,
            sequence: input.sequence,
            sent_on: input.date,
            ends_on: endsOn,
            grounds: JSON.stringify(grounds.grounds),
            overdue_amount: formatAmount(grounds.amountMoreThanOneMonthLate),
            status: 'OPEN',
            resolved_on: null,
          })
          .execute();
        await setLoanStatus(trx, input.loanId, 'TERMINATION_NOTICE');
        notices.push({
          idempotencyKey: `${input.loanId}:termination:${input.sequence}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'termination',
          subject: `Termination of loan ${loan.contract_number}`,
          body:
            `Your loan is terminated for payment in advance (R-LOAN-4, grounds ${grounds.grounds.join(', ')}). ` +
            `Unless everything overdue plus default interest is paid by ${endsOn}, the whole debt falls due and ` +
            'is handed over to collection.',
          date: input.date,
          byPost: true,
        });
        return {
          sent: true,
          sequence: input.sequence,
          endsOn,
          grounds: grounds.grounds,
          snapshot: await loanSnapshot(trx, input.loanId),
        };
      });
    },

    /** R-LOAN-4: everything overdue plus default interest was paid in time: the termination lapses. */
    async lapseTermination(input: { loanId: string; sequence: number; date: string }): Promise<LoanSnapshot> {
      return db.transaction().execute(async (trx) => {
        await lockLoan(trx, input.loanId);
        await trx
          .updateTable('termination_notices')
          .set({ status: 'CURED', resolved_on: input.date })
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .execute();
        await setLoanStatus(trx, input.loanId, 'ACTIVE');
        return loanSnapshot(trx, input.loanId);
      });
    },

    /**
     * R-LOAN-4, R-COLL-1: the notice ended uncured (or a withdrawal was not repaid, sequence 0):
     * the whole debt is due and the loan goes to collection with a case holding the claim
     * (principal, interest, fees, default interest and the statutory collection fee). One case per loan.
     */
    async handOverToCollection(input: {
      loanId: string;
      sequence: number;
      date: string;
    }): Promise<{ caseId: string; total: string }> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await trx
          .selectFrom('collection_cases')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .executeTakeFirst();
        if (existing) return { caseId: existing.id, total: existing.total };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        const lastInvoice = (await nextInvoiceNumber(trx, input.loanId)) - 1;
        const collectionFee = new Decimal(DEFAULT_PRODUCT.fees.collection);
        await postInTransaction(
          trx,
          chargePosting(
            input.loanId,
            lastInvoice,
            input.date,
            'collection-fee',
            collectionFee,
            `${input.loanId}:collection-fee`,
          ),
        );
        const b = await loanAccountBalances(trx, input.loanId);
        const fees = maxAmount(ZERO, b.fees_receivable.minus(collectionFee));
        const caseId = `collection-${input.loanId}`;
        const total = customerDebt(b);
        await trx
          .insertInto('collection_cases')
          .values({
            id: caseId,
            loan_id: input.loanId,
            opened_on: input.date,
            principal: formatAmount(b.principal_outstanding.plus(b.principal_invoiced)),
            interest: formatAmount(b.interest_receivable),
            fees: formatAmount(fees),
            default_interest: formatAmount(b.default_interest_receivable),
            collection_fee: formatAmount(collectionFee),
            total: formatAmount(total),
            status: 'OPEN',
          })
          .execute();
        await trx
          .updateTable('termination_notices')
          .set({ status: 'EXPIRED', resolved_on: input.date })
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .execute();
        if (input.sequence === 0)
          await trx.updateTable('withdrawals').set({ status: 'OVERDUE' }).where('loan_id', '=', input.loanId).execute();
        await setLoanStatus(trx, input.loanId, 'IN_COLLECTION');
        notices.push({
          idempotencyKey: `${input.loanId}:collection:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'collection',
          subject: `Loan ${loan.contract_number} handed over to collection`,
          body: `The whole debt of ${formatAmount(total)} SEK, including a collection fee of ${formatAmount(collectionFee)} SEK, is due.`,
          date: input.date,
          byPost: true,
        });
        return { caseId, total: formatAmount(total) };
      });
    },

    async closeLoan(input: { loanId: string; date: string; status: LoanLifecycleStatus }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await setLoanStatus(trx, input.loanId, input.status, input.date);
        if (input.status === 'WITHDRAWN')
          await trx.updateTable('withdrawals').set({ status: 'REPAID' }).where('loan_id', '=', input.loanId).execute();
      });
    },

    /**
     * R-LOAN-5, R-LOAN-10: records a rate change and tells the borrower, in the mailbox, the new
     * monthly payment: the annuity over the installments left from the first one invoiced on or
     * after the effective date. The same change id twice returns the first notice.
     */
    async scheduleRateChange(input: {
      loanId: string;
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
        const toNotice = (r: {
          change_id: string;
          announced_on: string;
          effective_from: string;
          first_installment: number;
          new_rate_percent: string;
          new_monthly_payment: string;
          remaining_installments: number;
        }): RateChangeNotice => ({
          changeId: r.change_id,
          announcedOn: r.announced_on,
          effectiveFrom: r.effective_from,
          firstInstallment: r.first_installment,
          newNominalRatePercent: new Decimal(r.new_rate_percent).toFixed(2),
          newMonthlyPayment: r.new_monthly_payment,
          remainingInstallments: r.remaining_installments,
        });
        const existing = await trx
          .selectFrom('rate_changes')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .where('change_id', '=', input.changeId)
          .executeTakeFirst();
        if (existing) return toNotice(existing);
        let first = input.nextInstallment;
        while (compareDates(invoiceIssueDate(installmentDueDate(loan.payout_date, first)), input.effectiveFrom) < 0)
          first++;
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
          status: 'SCHEDULED',
        };
        await trx.insertInto('rate_changes').values(row).execute();
        notices.push({
          idempotencyKey: `${input.loanId}:rate-change:${input.changeId}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'rate-change',
          subject: `New interest rate on loan ${loan.contract_number}`,
          body:
            `From ${input.effectiveFrom} your nominal rate is ${row.new_rate_percent} % (now ` +
            `${new Decimal(loan.nominal_rate_percent).toFixed(2)} %). From installment ${first} your monthly ` +
            `payment is ${row.new_monthly_payment} SEK over the ${remaining} installments left (R-LOAN-5).`,
          date: input.announcedOn,
        });
        return toNotice(row);
      });
    },

    /**
     * R-LOAN-6: checks eligibility on the ledger (nothing overdue, the 12-month limit) and records
     * the grant with its projected effect; the month itself is skipped by skipInstallment.
     */
    async grantPaymentFreeMonth(input: {
      loanId: string;
      customerId: string;
      installmentNumber: number;
      dueDate: IsoDate;
      previousPaymentFreeMonths: IsoDate[];
      date: IsoDate;
      nextInstallment: number;
      termMonths: number;
    }): Promise<{ granted: true; grant: PaymentFreeMonthGrant } | { granted: false; reason: string; field?: string }> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const overdue = totalRemaining(
          (await openInvoiceItems(trx, input.loanId)).filter((i) => compareDates(i.dueDate, input.date) < 0),
        );
        const eligibility = checkPaymentFreeMonthEligibility({
          installmentDueDate: input.dueDate,
          overdueAmount: overdue,
          previousPaymentFreeMonths: input.previousPaymentFreeMonths,
        });
        if (!eligibility.eligible) {
          const refusal = eligibility.refusals[0]!;
          return {
            granted: false as const,
            reason: `R-LOAN-6: ${refusal.message}`,
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
        await trx
          .insertInto('payment_free_months')
          .values({
            loan_id: input.loanId,
            installment_number: input.installmentNumber,
            due_date: input.dueDate,
            granted_on: input.date,
            capitalised_interest: null,
            new_monthly_payment: null,
            status: 'GRANTED',
          })
          .onConflict((oc) => oc.columns(['loan_id', 'installment_number']).doNothing())
          .execute();
        notices.push({
          idempotencyKey: `${input.loanId}:payment-free:${input.installmentNumber}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'payment-free-month',
          subject: `Payment-free month granted on loan ${loan.contract_number}`,
          body:
            `Installment ${input.installmentNumber} (due ${input.dueDate}) is payment-free. About ` +
            `${grant.capitalisedInterest} SEK interest is added to the debt, the term grows by one month to ` +
            `${grant.termMonths} months and the monthly payment becomes about ${grant.newMonthlyPayment} SEK (R-LOAN-6).`,
          date: input.date,
        });
        return { granted: true as const, grant };
      });
    },

    /** R-LOAN-6: the skipped month's interest is added to the principal; one more month, a new annuity. */
    async skipInstallment(input: {
      loanId: string;
      number: number;
      date: string;
      dueDate: string;
    }): Promise<LoanSnapshot> {
      return db.transaction().execute(async (trx) => {
        const loan = await lockLoan(trx, input.loanId);
        const row = await trx
          .selectFrom('payment_free_months')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .where('installment_number', '=', input.number)
          .executeTakeFirstOrThrow();
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
          capitalisedInterestPosting(
            input.loanId,
            input.date,
            effect.capitalisedInterest,
            `${input.loanId}:payment-free:${input.number}`,
          ),
        );
        await trx
          .updateTable('loans')
          .set({
            term_months: loan.term_months + effect.termExtendedByMonths,
            monthly_payment: formatAmount(effect.monthlyPayment),
          })
          .where('id', '=', input.loanId)
          .execute();
        await trx
          .updateTable('payment_free_months')
          .set({
            status: 'APPLIED',
            capitalised_interest: formatAmount(effect.capitalisedInterest),
            new_monthly_payment: formatAmount(effect.monthlyPayment),
          })
          .where('loan_id', '=', input.loanId)
          .where('installment_number', '=', input.number)
          .execute();
        return loanSnapshot(trx, input.loanId);
      });
    },

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
        const amount = new Decimal(input.amount!);
        const openTotal = totalRemaining(await openInvoiceItems(trx, input.loanId));
        const prepayment = amount.minus(openTotal);
        if (amount.greaterThanOrEqualTo(payoff.total)) {
          result = {
            refused: `${input.amount} repays the whole loan (${formatAmount(payoff.total)}): ask for a whole quote`,
            field: 'amount',
          };
          return;
        }
        if (!prepayment.greaterThan(0) || !payoff.principal.greaterThan(prepayment)) {
          result = {
            refused: `the amount must exceed what is already invoiced and unpaid (${formatAmount(openTotal)})`,
            field: 'amount',
          };
          return;
        }
        const effect = partialEarlyRepayment({
          outstandingPrincipal: payoff.principal,
          prepayment,
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          monthlyPayment: new Decimal(loan.monthly_payment),
        });
        result = {
          ...base,
          total: formatAmount(amount),
          principal: formatAmount(prepayment),
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
      quote: EarlyRepaymentQuote;
      date: IsoDate;
    }): Promise<EarlyRepaymentOrder> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const q = input.quote;
        await trx
          .updateTable('early_repayment_orders')
          .set({ status: 'EXPIRED' })
          .where('loan_id', '=', input.loanId)
          .where('status', '=', 'CONFIRMED')
          .where('id', '<>', q.quoteId)
          .execute();
        await trx
          .insertInto('early_repayment_orders')
          .values({
            id: q.quoteId,
            loan_id: input.loanId,
            kind: q.kind,
            confirmed_on: input.date,
            pay_by: q.paymentDate,
            total: q.total,
            quote: JSON.stringify(q),
            status: 'CONFIRMED',
            settled_by_payment: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        notices.push({
          idempotencyKey: `${input.loanId}:early-repayment:${q.quoteId}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'early-repayment',
          subject: `Early repayment of loan ${loan.contract_number}`,
          body:
            `Pay ${q.total} SEK to OCR reference ${q.ocrReference} by ${q.paymentDate} to ` +
            (q.kind === 'whole'
              ? 'repay the whole loan.'
              : `reduce your loan; ${q.remainingInstallments} installments remain.`) +
            ' There is no fee (R-LOAN-7).',
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
      await db
        .updateTable('early_repayment_orders')
        .set({ status: 'EXPIRED' })
        .where('id', '=', input.quoteId)
        .where('status', '=', 'CONFIRMED')
        .execute();
    },

    /**
     * R-LOAN-8: the borrower withdraws. Open invoices are cancelled and the capitalised interest
     * reversed; one invoice asks for the principal plus interest from payout to the repayment date
     * (30 days), less the fees paid to the lender, which are refunded by set-off.
     */
    async recordWithdrawal(input: {
      loanId: string;
      customerId: string;
      noticeDate: IsoDate;
    }): Promise<WithdrawalOrder> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const toOrder = (w: {
          notice_date: string;
          repay_by: string;
          principal: string;
          interest: string;
          interest_per_day: string;
          fees_refunded: string;
          total: string;
          status: string;
        }): WithdrawalOrder => ({
          noticeDate: w.notice_date,
          repayBy: w.repay_by,
          principal: w.principal,
          interest: w.interest,
          interestPerDay: new Decimal(w.interest_per_day).toFixed(4),
          feesRefunded: w.fees_refunded,
          total: w.total,
          ocrReference: loan.ocr_reference,
          status: w.status as WithdrawalOrder['status'],
        });
        const existing = await trx
          .selectFrom('withdrawals')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .executeTakeFirst();
        if (existing) return toOrder(existing);
        const key = `${input.loanId}:withdrawal`;
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
        const capitalised = await trx
          .selectFrom('ledger_entries as e')
          .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
          .select((eb) => eb.fn.sum<string>('e.amount').as('amount'))
          .where('e.loan_id', '=', input.loanId)
          .where('p.type', '=', 'capitalised-interest')
          .where('e.account', '=', 'principal_outstanding')
          .executeTakeFirst();
        const capitalisedInterest = new Decimal(capitalised?.amount ?? 0);
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
          installmentInvoiceLines({
            principal: balances.principal_outstanding,
            interest: interestDue,
            noticeFee: ZERO,
            setupFee: ZERO,
          }),
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
          interest_per_day: new Decimal(loan.amount)
            .times(loan.nominal_rate_percent)
            .div(100)
            .div(DEFAULT_PRODUCT.dayCountBasis)
            .toFixed(4),
          fees_refunded: formatAmount(feesPaid),
          total: formatAmount(customerDebt(await loanAccountBalances(trx, input.loanId))),
          invoice_number: number,
          status: 'AWAITING_REPAYMENT',
        };
        await trx.insertInto('withdrawals').values(row).execute();
        await setLoanStatus(trx, input.loanId, 'WITHDRAWAL_PENDING');
        notices.push({
          idempotencyKey: `${key}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'withdrawal',
          subject: `Withdrawal from loan ${loan.contract_number}`,
          body:
            `We have received your withdrawal (R-LOAN-8). Repay ${row.total} SEK to OCR reference ${loan.ocr_reference} ` +
            `by ${repayBy}: principal ${row.principal}, interest ${row.interest} to that day (${row.interest_per_day} ` +
            `per day, less if you repay earlier), less fees refunded ${row.fees_refunded}.`,
          date: input.noticeDate,
        });
        return toOrder(row);
      });
    },

    /** The late-invoice sweep: loans with an installment unpaid after its due date and no late fee yet. */
    async findLoansWithLateInvoices(input: { date: IsoDate; afterLoanId?: string; limit: number }): Promise<string[]> {
      let query = db
        .selectFrom('invoices as i')
        .innerJoin('loans as l', 'l.id', 'i.loan_id')
        .select('i.loan_id')
        .distinct()
        .where('i.status', '=', 'OPEN')
        .where('i.kind', '=', 'installment')
        .where('i.late_fee_charged_on', 'is', null)
        .where('i.due_date', '<', input.date)
        .where('l.status', 'in', RUNNING_STATUSES)
        .orderBy('i.loan_id')
        .limit(input.limit);
      if (input.afterLoanId) query = query.where('i.loan_id', '>', input.afterLoanId);
      return (await query.execute()).map((r) => r.loan_id);
    },

    async loanDebt(input: { loanId: string }): Promise<string> {
      return formatAmount(customerDebt(await loanAccountBalances(db, input.loanId)));
    },
  };
}

export type LoanActivities = ReturnType<typeof createLoanActivities>;
