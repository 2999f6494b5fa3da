/**
 * One durable workflow per loan (R-LOAN-1…8): from payout it issues the monthly invoices, charges
 * the late fee and sends the reminder for late invoices, terminates and hands over to collection
 * (R-LOAN-4), takes the borrower's and the lender's actions (rate change, payment-free month, early
 * repayment, withdrawal) as updates, and closes the loan when everything is paid. The ledger in
 * PostgreSQL holds every öre; the workflow keeps only what it needs to decide its next step.
 *
 * History is what Temporal costs (ARCHITECTURE.md "Long life"), so an on-time loan wakes once a
 * month: a timer to the invoice date and one local activity that issues the invoice. Payments are
 * applied to the ledger by the payment workflow as they arrive; the loan is woken only when a
 * payment matters to it (an overdue invoice, a cleared debt, a notice, a withdrawal or an early
 * repayment). Lateness is found by the late-invoice sweep on the first banking day of the month;
 * without the sweep, a late invoice is still caught at the next invoice date, with its fees dated
 * correctly. Every activity returns a fresh snapshot of the loan from the ledger.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BureauReportingActivities } from '../activities/bureau-reporting';
import type { LoanActivities, LoanSnapshot } from '../activities/loan';
import { addDays, compareDates, daysBetween, type IsoDate, stockholmDate } from '../domain/dates';
import { invoiceIssueDate, lateFeeDate, reminderDate, reminderDueDate } from '../domain/invoicing';
import { Decimal, formatAmount, sumAmounts } from '../domain/money';
import { DEFAULT_PRODUCT, type NoticeChannel } from '../domain/product';
import { checkChangeNotice } from '../domain/rate-change';
import { buildSchedule, installmentDueDate } from '../domain/schedule';
import { evaluateCure, firstDayMoreThanOneMonthLate, loanClaim } from '../domain/termination';
import { withdrawalPeriodLastDay } from '../domain/withdrawal';
import {
  changeRateUpdate,
  confirmEarlyRepaymentUpdate,
  type EarlyRepaymentOrder,
  type EarlyRepaymentQuote,
  invoiceLateSignal,
  type LoanLifecycleStatus,
  loanViewQuery,
  paymentReceivedSignal,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  type WithdrawalOrder,
  withdrawUpdate,
} from './loan-messages';
import { refuseUpdate } from './refusal';
import { ContractNumber, DaysPastDue, InCollection, LoanStatus } from './search-attributes';

export * from './loan-messages';

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

interface OpenInvoice {
  number: number;
  dueDate: IsoDate;
  remaining: string;
  lateFeeCharged: boolean;
  reminderSent: boolean;
  /** R-LOAN-4 grounds were evaluated when this invoice became more than a month late. */
  terminationChecked: boolean;
}

interface OpenTermination {
  sequence: number;
  sentOn: IsoDate;
  endsOn: IsoDate;
}

/** Everything carried across continue-as-new: small and explicit. */
export interface LoanState {
  status: LoanLifecycleStatus;
  /** The next installment to invoice (1-based). */
  nextInstallment: number;
  /** Grows by one with each payment-free month (R-LOAN-6). */
  termMonths: number;
  /** Principal not yet invoiced (from the ledger at the last snapshot). */
  principalOutstanding: string;
  debt: string;
  openInvoices: OpenInvoice[];
  /** Payments the payment path woke the loan for, not yet looked at. */
  pendingPayments: { paymentId: string; paymentDate: IsoDate }[];
  /** R-LOAN-4: the loan claim (everything the agreement says the borrower pays). */
  claim: string;
  termination?: OpenTermination;
  terminationsSent: number;
  curesUsed: number;
  /** R-LOAN-6: installments granted payment-free and not yet passed. */
  paymentFreeInstallments: number[];
  /** R-LOAN-6: due dates of every payment-free month granted (the 12-month limit looks back). */
  paymentFreeDueDates: IsoDate[];
  /** R-LOAN-5: change ids already announced (a repeat returns the first notice). */
  rateChangeIds: string[];
  quote?: EarlyRepaymentQuote;
  earlyRepayment?: EarlyRepaymentOrder;
  withdrawal?: WithdrawalOrder;
}

export interface LoanWorkflowInput {
  terms: LoanTerms;
  state?: LoanState;
}

// Local activities: each is one short PostgreSQL transaction (plus a notice), recorded as one
// marker in the workflow task that runs it: an on-time month is six history events.
const activities = proxyLocalActivities<LoanActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// R-LOAN-11: a call to the credit bureau, an external system: a normal activity with its own retries.
const bureau = proxyActivities<BureauReportingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

/** Business events happen during the Stockholm business day; 05:00 UTC is that date all year. */
function instantOf(date: IsoDate): number {
  return Date.parse(`${date}T05:00:00Z`);
}

function today(): IsoDate {
  return stockholmDate(new Date()); // the workflow clock (R-TIME-1)
}

/** A loan refuses an action as a conflict: whether it may depends on the loan's state (→ 409). */
function refuse(reason: string, field?: string, rule?: string): never {
  refuseUpdate('conflict', reason, { ...(field ? { field } : {}), ...(rule ? { rule } : {}) });
}

type LoanEvent =
  | { kind: 'invoice'; date: IsoDate; number: number }
  | { kind: 'late-fee'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'reminder'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-check'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-end'; date: IsoDate; termination: OpenTermination }
  | { kind: 'early-repayment-expiry'; date: IsoDate }
  | { kind: 'withdrawal-overdue'; date: IsoDate };

/** Every event the loan is waiting for, earliest first. */
function upcomingEvents(terms: LoanTerms, state: LoanState): LoanEvent[] {
  const events: LoanEvent[] = [];
  if (state.withdrawal) {
    // R-LOAN-8: nothing is invoiced or dunned any more; the repayment is due on repayBy.
    events.push({ kind: 'withdrawal-overdue', date: addDays(state.withdrawal.repayBy, 1) });
    return events;
  }
  if (state.nextInstallment <= state.termMonths && new Decimal(state.principalOutstanding).greaterThan(0)) {
    const number = state.nextInstallment;
    events.push({ kind: 'invoice', date: invoiceIssueDate(installmentDueDate(terms.payoutDate, number)), number });
  }
  for (const invoice of state.openInvoices) {
    if (!invoice.lateFeeCharged) events.push({ kind: 'late-fee', date: lateFeeDate(invoice.dueDate), invoice });
    else if (!invoice.reminderSent) events.push({ kind: 'reminder', date: reminderDate(invoice.dueDate), invoice });
    if (!invoice.terminationChecked && !state.termination) {
      events.push({ kind: 'termination-check', date: firstDayMoreThanOneMonthLate(invoice.dueDate), invoice });
    }
  }
  if (state.termination) {
    // The notice's last day still counts for a cure; the debt falls due the day after (R-LOAN-4).
    events.push({
      kind: 'termination-end',
      date: addDays(state.termination.endsOn, 1),
      termination: state.termination,
    });
  }
  if (state.earlyRepayment?.status === 'CONFIRMED') {
    events.push({ kind: 'early-repayment-expiry', date: addDays(state.earlyRepayment.payBy, 1) });
  }
  return events.sort((a, b) => compareDates(a.date, b.date));
}

/**
 * When to wake by timer. A late fee is the sweep's to announce while an invoice is still to come
 * (that invoice date is the fallback); with nothing left to invoice the loan times it itself.
 */
function nextWakeDate(events: LoanEvent[]): IsoDate | undefined {
  const invoicePending = events.some((e) => e.kind === 'invoice');
  return events.find((e) => !(invoicePending && e.kind === 'late-fee'))?.date;
}

function initialState(terms: LoanTerms): { state: LoanState; capitalisedInterest: string; monthlyPayment: string } {
  const schedule = buildSchedule({
    amount: new Decimal(terms.amount),
    termMonths: terms.termMonths,
    nominalRatePercent: new Decimal(terms.nominalRatePercent),
    noticeChannel: terms.noticeChannel,
    payoutDate: terms.payoutDate,
  });
  return {
    capitalisedInterest: formatAmount(schedule.capitalisedInterest),
    monthlyPayment: formatAmount(schedule.monthlyPayment),
    state: {
      status: 'ACTIVE',
      nextInstallment: 1,
      termMonths: terms.termMonths,
      principalOutstanding: formatAmount(schedule.initialPrincipal),
      debt: formatAmount(schedule.initialPrincipal),
      openInvoices: [],
      pendingPayments: [],
      claim: formatAmount(loanClaim(schedule.installments)),
      terminationsSent: 0,
      curesUsed: 0,
      paymentFreeInstallments: [],
      paymentFreeDueDates: [],
      rateChangeIds: [],
    },
  };
}

export async function loanWorkflow(input: LoanWorkflowInput): Promise<{ status: LoanLifecycleStatus }> {
  const { terms } = input;
  const loanId = terms.loanId;
  let step = 'starting';
  let state: LoanState;
  if (input.state) {
    state = input.state;
  } else {
    const initial = initialState(terms);
    state = initial.state;
    step = 'opening';
    upsertSearchAttributes([
      { key: LoanStatus, value: state.status },
      { key: ContractNumber, value: terms.contractNumber },
      { key: InCollection, value: false },
    ]);
    await activities.openLoan({
      ...terms,
      capitalisedInterest: initial.capitalisedInterest,
      monthlyPayment: initial.monthlyPayment,
    });
  }
  let lateAnnounced = false;

  /** Takes the ledger's view; the workflow's own bookkeeping (termination checks) is kept. */
  function merge(snapshot: LoanSnapshot): void {
    const checked = new Map(state.openInvoices.map((i) => [i.number, i.terminationChecked]));
    state.principalOutstanding = snapshot.principalOutstanding;
    state.debt = snapshot.debt;
    state.termMonths = snapshot.termMonths;
    state.openInvoices = snapshot.openInvoices.map((i) => ({
      ...i,
      terminationChecked: checked.get(i.number) ?? false,
    }));
    if (state.earlyRepayment && snapshot.earlyRepaymentStatus)
      state.earlyRepayment.status = snapshot.earlyRepaymentStatus;
    publishDaysPastDue(state);
  }

  setHandler(paymentReceivedSignal, (payment) => {
    if (!state.pendingPayments.some((p) => p.paymentId === payment.paymentId)) state.pendingPayments.push(payment);
  });
  setHandler(invoiceLateSignal, () => {
    lateAnnounced = true;
  });
  setHandler(loanViewQuery, () => ({
    status: state.status,
    step,
    nextInstallment: state.nextInstallment,
    termMonths: state.termMonths,
    principalOutstanding: state.principalOutstanding,
    openInvoices: state.openInvoices.map(({ number, dueDate, lateFeeCharged, reminderSent }) => ({
      number,
      dueDate,
      lateFeeCharged,
      reminderSent,
    })),
    termination: state.termination ?? null,
    curesUsed: state.curesUsed,
    paymentFreeInstallments: state.paymentFreeInstallments,
    earlyRepayment: state.earlyRepayment ?? null,
    withdrawal: state.withdrawal ?? null,
  }));

  const requireActive = (): void => {
    if (state.status !== 'ACTIVE') refuse(`the loan is ${state.status.toLowerCase().replace('_', ' ')}`);
    if (state.withdrawal) refuse('the loan is withdrawn and awaits repayment');
  };

  // R-LOAN-5, R-LOAN-10: announced today, effective at least a month after the borrower is notified.
  setHandler(
    changeRateUpdate,
    async (request) => {
      step = `announcing rate change ${request.changeId}`;
      if (!state.rateChangeIds.includes(request.changeId)) state.rateChangeIds.push(request.changeId);
      return activities.scheduleRateChange({
        loanId,
        customerId: terms.customerId,
        announcedOn: today(),
        nextInstallment: state.nextInstallment,
        termMonths: state.termMonths,
        ...request,
      });
    },
    {
      validator: (request) => {
        if (state.rateChangeIds.includes(request.changeId)) return; // a repeat: the handler returns the first notice
        requireActive();
        const rate = Number(request.newNominalRatePercent);
        if (!/^\d{1,2}(\.\d{1,4})?$/.test(request.newNominalRatePercent) || rate < 0 || rate > 40)
          refuse('the new rate must be a percentage between 0 and 40', 'newNominalRatePercent');
        const check = checkChangeNotice(today(), request.effectiveFrom);
        if (!check.ok)
          refuse(
            `R-LOAN-10: a change announced today takes effect on ${check.earliestEffectiveDate} at the earliest`,
            'effectiveFrom',
          );
        const lastDue = installmentDueDate(terms.payoutDate, state.termMonths);
        if (compareDates(request.effectiveFrom, lastDue) > 0)
          refuse(`the loan's last installment is due on ${lastDue}`, 'effectiveFrom');
      },
    },
  );

  // R-LOAN-6: a payment-free month, at most one in 12 months, when nothing is overdue.
  setHandler(
    requestPaymentFreeMonthUpdate,
    async (request) => {
      const number = request.installmentNumber ?? state.nextInstallment;
      step = `granting payment-free month for installment ${number}`;
      const grant = await activities.grantPaymentFreeMonth({
        loanId,
        customerId: terms.customerId,
        installmentNumber: number,
        dueDate: installmentDueDate(terms.payoutDate, number),
        previousPaymentFreeMonths: state.paymentFreeDueDates,
        date: today(),
        nextInstallment: state.nextInstallment,
        termMonths: state.termMonths,
      });
      if (!grant.granted) refuse(grant.reason, grant.field);
      if (!state.paymentFreeInstallments.includes(number)) {
        state.paymentFreeInstallments.push(number);
        state.paymentFreeDueDates.push(grant.grant.dueDate);
      }
      return grant.grant;
    },
    {
      validator: (request) => {
        requireActive();
        if (state.termination) refuse('a payment-free month cannot be granted during a termination notice');
        const number = request.installmentNumber ?? state.nextInstallment;
        if (!Number.isInteger(number) || number < state.nextInstallment || number > state.termMonths)
          refuse(
            `installment ${number} cannot be made payment-free: the next not yet invoiced is ${state.nextInstallment}`,
            'installmentNumber',
          );
        if (state.paymentFreeInstallments.includes(number))
          refuse(`installment ${number} is already payment-free`, 'installmentNumber');
        // The first invoice carries the setup fee (R-PROD-2): skipping it would drop the fee.
        if (number === 1)
          refuse('the first installment, with the setup fee, cannot be payment-free', 'installmentNumber');
        if (number === state.nextInstallment) {
          const issueDate = invoiceIssueDate(installmentDueDate(terms.payoutDate, number));
          if (compareDates(issueDate, today()) <= 0)
            refuse(`installment ${number} is being invoiced today`, 'installmentNumber');
        }
      },
    },
  );

  // R-LOAN-7: early repayment, quoted from the ledger, then confirmed by the borrower.
  setHandler(
    quoteEarlyRepaymentUpdate,
    async (request) => {
      step = `quoting ${request.kind} early repayment`;
      const quote = await activities.quoteEarlyRepayment({
        loanId,
        kind: request.kind,
        amount: request.kind === 'partial' ? request.amount : undefined,
        paymentDate: request.paymentDate ?? today(),
        nextInstallment: state.nextInstallment,
        quoteId: `${loanId}:early-repayment:${workflowInfo().runId}:${Date.now()}`,
      });
      if ('refused' in quote) refuse(quote.refused, quote.field);
      state.quote = quote;
      return quote;
    },
    {
      validator: (request) => {
        requireActive();
        const date = request.paymentDate ?? today();
        if (compareDates(date, today()) < 0) refuse('the payment date is in the past', 'paymentDate');
        if (daysBetween(today(), date) > 30) refuse('a quote can be made at most 30 days ahead', 'paymentDate');
        if (request.kind === 'partial' && !/^\d{1,9}(\.\d{1,2})?$/.test(request.amount))
          refuse('the amount must be a positive amount in kronor', 'amount');
      },
    },
  );
  setHandler(
    confirmEarlyRepaymentUpdate,
    async () => {
      step = 'confirming early repayment';
      const order = await activities.confirmEarlyRepayment({ loanId, quote: state.quote!, date: today() });
      state.earlyRepayment = order;
      return order;
    },
    {
      validator: ({ quoteId }) => {
        requireActive();
        if (!state.quote || state.quote.quoteId !== quoteId) refuse(`no current quote ${quoteId}`, 'quoteId');
        if (compareDates(state.quote.paymentDate, today()) < 0) refuse('the quote has expired', 'quoteId');
      },
    },
  );

  // R-LOAN-8: withdrawal within 14 days of the agreement (the payout date).
  setHandler(
    withdrawUpdate,
    async (request) => {
      step = 'recording withdrawal';
      const order = await activities.recordWithdrawal({
        loanId,
        customerId: terms.customerId,
        noticeDate: request.noticeDate ?? today(),
      });
      state.withdrawal = order;
      return order;
    },
    {
      validator: (request) => {
        requireActive();
        if (state.termination) refuse('the loan is under a termination notice');
        const noticeDate = request.noticeDate ?? today();
        if (compareDates(noticeDate, today()) !== 0) refuse('a withdrawal notice is given today', 'noticeDate');
        const lastDay = withdrawalPeriodLastDay(terms.payoutDate);
        if (compareDates(noticeDate, lastDay) > 0)
          refuse(`R-LOAN-8: the withdrawal period ended on ${lastDay}`, 'noticeDate');
      },
    },
  );

  const runStartInstallment = state.nextInstallment;

  while (state.status === 'ACTIVE') {
    if (state.pendingPayments.length > 0 || lateAnnounced) {
      step = 'reviewing payments';
      const payments = state.pendingPayments.splice(0);
      lateAnnounced = false;
      merge(await activities.loanSnapshot({ loanId }));
      const paidOn = payments.map((p) => p.paymentDate).sort(compareDates)[payments.length - 1];
      if (paidOn && state.termination && isCured(state, state.termination, paidOn)) {
        step = 'lapsing the termination';
        merge(await activities.lapseTermination({ loanId, sequence: state.termination.sequence, date: paidOn }));
        state.termination = undefined;
        state.curesUsed++;
      }
      if (state.earlyRepayment && state.earlyRepayment.status !== 'CONFIRMED') state.earlyRepayment = undefined;
    }

    if (isRepaid(state)) {
      // Nothing left to invoice and nothing owed: the loan is repaid (or the withdrawal settled).
      step = 'closing';
      state.status = state.withdrawal ? 'WITHDRAWN' : 'CLOSED';
      await activities.closeLoan({ loanId, date: today(), status: state.status });
      if (state.withdrawal) state.withdrawal.status = 'REPAID';
      upsertSearchAttributes([{ key: LoanStatus, value: state.status }]);
      break;
    }

    const events = upcomingEvents(terms, state).filter((e) => compareDates(e.date, today()) <= 0);
    // A due invoice goes first: its snapshot shows which earlier invoices were paid without waking
    // the loan, so a late fee is only looked at for an invoice that is really still unpaid.
    const due = events.find((e) => e.kind === 'invoice') ?? events[0];
    if (!due) {
      const wakeOn = nextWakeDate(upcomingEvents(terms, state));
      step = wakeOn ? `waiting until ${wakeOn}` : 'waiting for payment';
      const wakeUp = () => state.pendingPayments.length > 0 || lateAnnounced;
      if (wakeOn) await condition(wakeUp, Math.max(1, instantOf(wakeOn) - Date.now()));
      else await condition(wakeUp);
      continue;
    }

    await handleEvent(due);

    // A loan-year per run keeps each history small (ARCHITECTURE.md "Long life").
    const yearDone = state.nextInstallment - runStartInstallment >= 12;
    if ((yearDone || workflowInfo().continueAsNewSuggested) && state.pendingPayments.length === 0 && !lateAnnounced) {
      step = 'continuing as new';
      await condition(allHandlersFinished);
      await continueAsNew<typeof loanWorkflow>({ terms, state });
    }
  }
  return { status: state.status };

  async function handleEvent(event: LoanEvent): Promise<void> {
    switch (event.kind) {
      case 'invoice': {
        const number = event.number;
        const dueDate = installmentDueDate(terms.payoutDate, number);
        if (state.paymentFreeInstallments.includes(number)) {
          step = `skipping installment ${number} (payment-free month)`;
          merge(await activities.skipInstallment({ loanId, number, date: event.date, dueDate }));
          state.paymentFreeInstallments = state.paymentFreeInstallments.filter((n) => n !== number);
        } else {
          step = `issuing invoice ${number}`;
          merge(
            await activities.issueInvoice({
              loanId,
              number,
              issueDate: event.date,
              dueDate,
              isLast: number === state.termMonths,
            }),
          );
        }
        state.nextInstallment = number + 1;
        return;
      }
      case 'late-fee': {
        step = `charging late fee on invoice ${event.invoice.number}`;
        merge(await activities.chargeLateFee({ loanId, invoiceNumber: event.invoice.number, date: event.date }));
        return;
      }
      case 'reminder': {
        step = `sending reminder for invoice ${event.invoice.number}`;
        merge(
          await activities.sendReminder({
            loanId,
            invoiceNumber: event.invoice.number,
            date: event.date,
            newDueDate: reminderDueDate(event.date),
          }),
        );
        // R-LOAN-11: the late payment is reported to the credit bureau when the reminder goes out.
        const reminded = state.openInvoices.find((i) => i.number === event.invoice.number);
        if (
          reminded?.reminderSent &&
          new Decimal(reminded.remaining).greaterThan(0) &&
          patched('bureau-late-payment')
        ) {
          // A refusal by the bureau must not stop the loan's servicing; it stays visible in the
          // history (ActivityTaskFailed) for operators.
          await bureau
            .reportLatePaymentToBureau({
              idempotencyKey: `${loanId}:bureau-late:${reminded.number}`,
              loanId,
              amountOverdue: reminded.remaining,
              dueDate: reminded.dueDate,
              reportedOn: event.date,
            })
            .catch(() => undefined);
        }
        return;
      }
      case 'termination-check': {
        step = `evaluating termination grounds (invoice ${event.invoice.number} more than a month late)`;
        const sequence = state.terminationsSent + 1;
        const outcome = await activities.evaluateTermination({
          loanId,
          date: event.date,
          claim: state.claim,
          sequence,
        });
        merge(outcome.snapshot);
        for (const invoice of state.openInvoices) {
          if (invoice.number === event.invoice.number || outcome.sent) invoice.terminationChecked = true;
        }
        if (outcome.sent) {
          state.terminationsSent = sequence;
          state.termination = { sequence, sentOn: event.date, endsOn: outcome.endsOn! };
        }
        return;
      }
      case 'termination-end': {
        step = 'handing over to collection';
        await handOver(event.termination.sequence, event.date);
        return;
      }
      case 'early-repayment-expiry': {
        step = 'expiring the early repayment order';
        await activities.expireEarlyRepayment({ loanId, quoteId: state.earlyRepayment!.quoteId });
        state.earlyRepayment = undefined;
        return;
      }
      case 'withdrawal-overdue': {
        step = 'withdrawal not repaid: handing over to collection';
        merge(await activities.loanSnapshot({ loanId }));
        if (isRepaid(state)) return;
        state.withdrawal!.status = 'OVERDUE';
        await handOver(0, event.date);
        return;
      }
    }
  }

  async function handOver(sequence: number, date: IsoDate): Promise<void> {
    await activities.handOverToCollection({ loanId, sequence, date });
    state.status = 'IN_COLLECTION';
    state.termination = undefined;
    upsertSearchAttributes([
      { key: LoanStatus, value: state.status },
      { key: InCollection, value: true },
    ]);
  }
}

function isRepaid(state: LoanState): boolean {
  const nothingToInvoice =
    !!state.withdrawal ||
    state.nextInstallment > state.termMonths ||
    !new Decimal(state.principalOutstanding).greaterThan(0);
  return nothingToInvoice && state.openInvoices.length === 0 && !new Decimal(state.debt).greaterThan(0);
}

let publishedDaysPastDue = 0;

/**
 * Operators filter late loans in the Temporal UI by DaysPastDue: days since the oldest unpaid due
 * date, published when it changes. Added after loans were already running, hence the patch marker.
 */
function publishDaysPastDue(state: LoanState): void {
  const now = today();
  const oldest = state.openInvoices
    .map((i) => i.dueDate)
    .filter((d) => compareDates(d, now) < 0)
    .sort(compareDates)[0];
  const days = oldest ? daysBetween(oldest, now) : 0;
  if (days === publishedDaysPastDue) return;
  if (!patched('days-past-due-search-attribute')) return;
  publishedDaysPastDue = days;
  upsertSearchAttributes([{ key: DaysPastDue, value: days }]);
}

/**
 * R-LOAN-4: a termination lapses when a payment made by the end of the notice leaves nothing that
 * fell due before it unpaid (default interest included: it sits on those invoices), once per loan.
 */
function isCured(state: LoanState, termination: OpenTermination, paidOn: IsoDate): boolean {
  const stillDue = sumAmounts(
    state.openInvoices.filter((i) => compareDates(i.dueDate, paidOn) < 0).map((i) => new Decimal(i.remaining)),
  );
  const decision = evaluateCure({
    noticeEndDate: termination.endsOn,
    paidOn,
    stillDueAfterPayment: stillDue,
    curesAlreadyUsed: state.curesUsed,
  });
  // Runs that took a payment dated after the notice end as a cure before this check replay as they ran.
  if (!decision.lapses && decision.reason === 'paid-after-notice-end')
    return !patched('termination-cure-by-notice-end') && isCuredIgnoringNoticeEnd(state, paidOn);
  return decision.lapses;
}

function isCuredIgnoringNoticeEnd(state: LoanState, paidOn: IsoDate): boolean {
  const stillOverdue = state.openInvoices.some((i) => compareDates(i.dueDate, paidOn) < 0);
  return !stillOverdue && state.curesUsed < DEFAULT_PRODUCT.loan.terminationCuresAllowed;
}
