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
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CollectionActivities } from '../activities/collection';
import type { BureauReportingActivities } from '../activities/bureau-reporting';
import type { LoanActivities } from '../activities/loan';
import type { LoanSnapshot } from '../activities/loan/snapshot';
import { compareDates, daysBetween, type IsoDate } from '../domain/dates';
import { idempotencyKey } from '../domain/idempotency';
import { reminderDueDate } from '../domain/invoicing';
import type { LoanTerms } from '../domain/loan-terms';
import { Decimal } from '../domain/money';
import { installmentDueDate } from '../domain/schedule';
import { DEFAULT_WAKE_WINDOW_MINUTES, wakeInstant } from '../domain/wake-spread';
import { invoiceLateSignal, loanViewQuery, paymentReceivedSignal } from './loan-messages';
import type { LoanLifecycleStatus } from '../domain/loan-statuses';
import {
  initialState,
  instantOf,
  isCured,
  isRepaid,
  type LoanEvent,
  type LoanState,
  mergeSnapshot,
  nextWakeDate,
  today,
  upcomingEvents,
} from './loan-state';
import { setLoanUpdateHandlers } from './loan-updates';
import { openSigningMandate, setLoanDirectDebit, type SigningMandate } from './loan-direct-debit';
import { ContractNumber, DaysPastDue, InCollection, LoanStatus } from './search-attributes';

/**
 * The Temporal UI's Summary of a loan's workflow, given by whoever starts it (the application
 * workflow): the contract and its term, never personal data.
 */
export function loanWorkflowSummary(terms: Pick<LoanTerms, 'contractNumber' | 'termMonths' | 'payoutDate'>): string {
  return `Loan ${terms.contractNumber}: ${terms.termMonths} months from ${terms.payoutDate}`;
}

export interface LoanWorkflowInput {
  terms: LoanTerms;
  state?: LoanState;
  /**
   * Wake-ups spread over this many minutes from 05:00 UTC, per loan (domain/wake-spread.ts);
   * default DEFAULT_WAKE_WINDOW_MINUTES (180: 05:00–08:00 UTC; 0 = all at 05:00, as before). Carried
   * into each continued run.
   */
  wakeWindowMinutes?: number;
  /** R-PROD-2: an autogiro loan's mandate given at signing; registered at opening (first run only). */
  signingMandate?: SigningMandate;
}

// Local activities: each is one short PostgreSQL transaction (plus a notice), recorded as one
// marker in the workflow task that runs it: an on-time month is six history events.
const activities = proxyLocalActivities<LoanActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// R-COLL-1: opening the collection case at the handover and starting its workflow.
const collection = proxyLocalActivities<CollectionActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// R-LOAN-11: a call to the credit bureau, an external system: a normal activity with its own retries.
const bureau = proxyActivities<BureauReportingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

export async function loanWorkflow(input: LoanWorkflowInput): Promise<{ status: LoanLifecycleStatus }> {
  const { terms } = input;
  const loanId = terms.loanId;
  let step = 'starting';
  let state: LoanState;
  /** What the loan does now: its view's `step` and the Temporal UI's Current Details (no personal data). */
  const setStep = (next: string): void => {
    step = next;
    setCurrentDetails(`**${state.status}** — ${next}`);
  };
  if (input.state) {
    state = input.state;
    setStep('continuing from the last loan-year');
  } else {
    const initial = initialState(terms);
    state = initial.state;
    setStep('opening');
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
    if (input.signingMandate) await openSigningMandate(terms, input.signingMandate, state); // R-PAY-3
  }
  let lateAnnounced = false;
  // The loan's own records (ledger postings, mailbox notices) are keyed by the loan id: the keys
  // a retried step writes under must be those its first attempt wrote. Calls to other systems are
  // keyed by the workflow id (the credit bureau below).
  const stepKey = (...step: (string | number)[]) => idempotencyKey(loanId, ...step);

  /** Takes the ledger's view (loan-state.ts) and publishes how late the loan is. */
  function merge(snapshot: LoanSnapshot): void {
    mergeSnapshot(state, snapshot);
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

  setLoanUpdateHandlers({ terms, state, activities, setStep, stepKey });
  const directDebit = setLoanDirectDebit(loanId, state); // R-PAY-3

  const runStartInstallment = state.nextInstallment;

  while (state.status === 'ACTIVE') {
    if (state.pendingPayments.length > 0 || lateAnnounced) {
      setStep('reviewing payments');
      const payments = state.pendingPayments.splice(0);
      lateAnnounced = false;
      merge(await activities.loanSnapshot({ loanId }));
      const paidOn = payments.map((p) => p.paymentDate).sort(compareDates)[payments.length - 1];
      if (paidOn && state.termination && isCured(state, state.termination, paidOn)) {
        setStep('lapsing the termination');
        merge(await activities.lapseTermination({ loanId, sequence: state.termination.sequence, date: paidOn }));
        state.termination = undefined;
        state.curesUsed++;
      }
      if (state.earlyRepayment && state.earlyRepayment.status !== 'CONFIRMED') state.earlyRepayment = undefined;
    }

    if (isRepaid(state)) {
      // Nothing left to invoice and nothing owed: the loan is repaid (or the withdrawal settled).
      setStep('closing');
      state.status = state.withdrawal ? 'WITHDRAWN' : 'CLOSED';
      await activities.closeLoan({ loanId, date: today(), status: state.status });
      if (state.withdrawal) state.withdrawal.status = 'REPAID';
      if (patched('refund-credit')) {
        // R-PAY-4: what the loan ends owing the customer (an overpayment, a withdrawal's or an early
        // repayment's excess) is paid back to their account by its own workflow.
        setStep('refunding credit');
        const refund = await activities.openRefund({
          loanId,
          idempotencyKey: stepKey('refund', 'close'),
          trigger: 'loan-closed',
          date: today(),
        });
        if (refund) await activities.startRefund(refund);
      }
      upsertSearchAttributes([{ key: LoanStatus, value: state.status }]);
      setStep('closed');
      break;
    }

    // R-PAY-3: an invoice due today is drawn first (its payment is then reviewed as any payment).
    if (directDebit.isDrawDue() && (await directDebit.drawDue(setStep))) continue;

    const events = upcomingEvents(terms, state).filter((e) => compareDates(e.date, today()) <= 0);
    // A due invoice goes first: its snapshot shows which earlier invoices were paid without waking
    // the loan, so a late fee is only looked at for an invoice that is really still unpaid.
    const due = events.find((e) => e.kind === 'invoice') ?? events[0];
    if (!due) {
      const drawOn = directDebit.nextDrawDate();
      const eventOn = nextWakeDate(upcomingEvents(terms, state));
      const wakeOn = drawOn && (!eventOn || compareDates(drawOn, eventOn) < 0) ? drawOn : eventOn;
      setStep(wakeOn ? `waiting until ${wakeOn}` : 'waiting for payment');
      const wakeUp = () => state.pendingPayments.length > 0 || lateAnnounced || directDebit.takeChange();
      // Month-end spread: a loan wakes at its own moment of its window (by default 05:00–08:00 UTC), not
      // at 05:00 (behind the patch: histories recorded before it replay at 05:00; with window 0 nothing
      // changes, and no marker is added to the history).
      const wakeWindow = input.wakeWindowMinutes ?? DEFAULT_WAKE_WINDOW_MINUTES;
      const wakeAt = !wakeOn
        ? undefined
        : wakeWindow > 0 && patched('loan-wake-spread')
          ? wakeInstant(wakeOn, loanId, wakeWindow)
          : instantOf(wakeOn);
      if (wakeAt !== undefined) await condition(wakeUp, Math.max(1, wakeAt - Date.now()));
      else await condition(wakeUp);
      continue;
    }

    await handleEvent(due);

    // A loan-year per run keeps each history small (ARCHITECTURE.md "Long life").
    const yearDone = state.nextInstallment - runStartInstallment >= 12;
    if ((yearDone || workflowInfo().continueAsNewSuggested) && state.pendingPayments.length === 0 && !lateAnnounced) {
      setStep('continuing as new');
      await condition(allHandlersFinished);
      await continueAsNew<typeof loanWorkflow>({
        terms,
        state,
        ...(input.wakeWindowMinutes !== undefined ? { wakeWindowMinutes: input.wakeWindowMinutes } : {}),
      });
    }
  }
  return { status: state.status };

  async function handleEvent(event: LoanEvent): Promise<void> {
    switch (event.kind) {
      case 'invoice': {
        const number = event.number;
        const dueDate = installmentDueDate(terms.payoutDate, number);
        if (state.paymentFreeInstallments.includes(number)) {
          setStep(`skipping installment ${number} (payment-free month)`);
          merge(
            await activities.skipInstallment({
              loanId,
              idempotencyKey: stepKey('payment-free', number),
              number,
              date: event.date,
              dueDate,
            }),
          );
          state.paymentFreeInstallments = state.paymentFreeInstallments.filter((n) => n !== number);
        } else {
          setStep(`issuing invoice ${number}`);
          merge(
            await activities.issueInvoice({
              loanId,
              idempotencyKey: stepKey('invoice', number),
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
        setStep(`charging late fee on invoice ${event.invoice.number}`);
        merge(await activities.chargeLateFee({ loanId, invoiceNumber: event.invoice.number, date: event.date }));
        return;
      }
      case 'reminder': {
        setStep(`sending reminder for invoice ${event.invoice.number}`);
        merge(
          await activities.sendReminder({
            loanId,
            idempotencyKey: stepKey('reminder', event.invoice.number),
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
              idempotencyKey: idempotencyKey(workflowInfo().workflowId, 'bureau-late', reminded.number),
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
        setStep(`evaluating termination grounds (invoice ${event.invoice.number} more than a month late)`);
        const sequence = state.terminationsSent + 1;
        const outcome = await activities.evaluateTermination({
          loanId,
          idempotencyKey: stepKey('termination', sequence),
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
        setStep('handing over to collection');
        await handOver(event.termination.sequence, event.date);
        return;
      }
      case 'early-repayment-expiry': {
        setStep('expiring the early repayment order');
        await activities.expireEarlyRepayment({ loanId, quoteId: state.earlyRepayment!.quoteId });
        state.earlyRepayment = undefined;
        return;
      }
      case 'withdrawal-overdue': {
        setStep('withdrawal not repaid: handing over to collection');
        merge(await activities.loanSnapshot({ loanId }));
        if (isRepaid(state)) return;
        state.withdrawal!.status = 'OVERDUE';
        await handOver(0, event.date);
        return;
      }
    }
  }

  async function handOver(sequence: number, date: IsoDate): Promise<void> {
    await activities.handOverToCollection({ loanId, idempotencyKey: stepKey('collection'), sequence, date });
    if (patched('collection-case-workflow')) {
      // R-COLL-1: the case takes the claim and lives on as its own workflow; the loan ends here.
      const opened = await collection.openCollectionCase({ loanId, date });
      await collection.startCollectionCase(opened);
    }
    state.status = 'IN_COLLECTION';
    state.termination = undefined;
    upsertSearchAttributes([
      { key: LoanStatus, value: state.status },
      { key: InCollection, value: true },
    ]);
    setStep('handed over to collection');
  }
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
