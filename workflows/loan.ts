/**
 * One durable workflow per loan (R-LOAN-1…3): from payout it issues the monthly invoices, applies
 * payments as they arrive, charges the late fee and sends the reminder for late invoices, and
 * closes the loan when everything is paid. The ledger in PostgreSQL holds every öre; the workflow
 * keeps only what it needs to decide its next step, small enough to carry across continue-as-new.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoanActivities, PaymentOutcome } from '../activities/loan';
import { addDays, compareDates, daysBetween, type IsoDate, stockholmDate } from '../domain/dates';
import {
  installmentInvoiceLines,
  invoiceIssueDate,
  lateFeeDate,
  reminderDate,
  reminderDueDate,
} from '../domain/invoicing';
import { Decimal, formatAmount, ZERO } from '../domain/money';
import { DEFAULT_PRODUCT, type NoticeChannel } from '../domain/product';
import { buildSchedule, installmentDueDate, installmentSplit, noticeFee } from '../domain/schedule';
import { monthlyRate } from '../domain/annuity';
import { firstDayMoreThanOneMonthLate, loanClaim } from '../domain/termination';
import { ContractNumber, DaysPastDue, InCollection, LoanStatus } from './search-attributes';

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

export type LoanLifecycleStatus = 'ACTIVE' | 'CLOSED' | 'IN_COLLECTION';

interface OpenInvoice {
  number: number;
  dueDate: IsoDate;
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
  /** Principal not yet invoiced (from the ledger after each payment). */
  principalOutstanding: string;
  monthlyPayment: string;
  openInvoices: OpenInvoice[];
  /** Payments signalled but not yet applied when the run continued as new. */
  pendingPayments: string[];
  /** R-LOAN-4: the loan claim (everything the agreement says the borrower pays). */
  claim: string;
  termination?: OpenTermination;
  terminationsSent: number;
  curesUsed: number;
}

export interface LoanWorkflowInput {
  terms: LoanTerms;
  state?: LoanState;
}

export interface LoanView {
  status: LoanLifecycleStatus;
  step: string;
  nextInstallment: number;
  principalOutstanding: string;
  openInvoices: OpenInvoice[];
  termination: OpenTermination | null;
  curesUsed: number;
}

/** A fact from outside: a payment was registered for this loan (R-LOAN-2). */
export const paymentReceivedSignal = defineSignal<[{ paymentId: string }]>('paymentReceived');
export const loanViewQuery = defineQuery<LoanView>('view');

export function loanWorkflowId(loanId: string): string {
  return `loan-${loanId}`;
}

const activities = proxyActivities<LoanActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Business events happen during the Stockholm business day; 05:00 UTC is that date all year. */
function instantOf(date: IsoDate): number {
  return Date.parse(`${date}T05:00:00Z`);
}

function today(): IsoDate {
  return stockholmDate(new Date()); // the workflow clock (R-TIME-1)
}

type LoanEvent =
  | { kind: 'invoice'; date: IsoDate }
  | { kind: 'late-fee'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'reminder'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-check'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-end'; date: IsoDate; termination: OpenTermination };

function nextEvent(terms: LoanTerms, state: LoanState): LoanEvent | undefined {
  const candidates: LoanEvent[] = [];
  if (state.nextInstallment <= terms.termMonths && new Decimal(state.principalOutstanding).greaterThan(0)) {
    candidates.push({
      kind: 'invoice',
      date: invoiceIssueDate(installmentDueDate(terms.payoutDate, state.nextInstallment)),
    });
  }
  for (const invoice of state.openInvoices) {
    if (!invoice.lateFeeCharged) candidates.push({ kind: 'late-fee', date: lateFeeDate(invoice.dueDate), invoice });
    else if (!invoice.reminderSent) candidates.push({ kind: 'reminder', date: reminderDate(invoice.dueDate), invoice });
    if (!invoice.terminationChecked && !state.termination) {
      candidates.push({ kind: 'termination-check', date: firstDayMoreThanOneMonthLate(invoice.dueDate), invoice });
    }
  }
  if (state.termination) {
    // The notice's last day still counts for a cure; the debt falls due the day after (R-LOAN-4).
    candidates.push({
      kind: 'termination-end',
      date: addDays(state.termination.endsOn, 1),
      termination: state.termination,
    });
  }
  return candidates.sort((a, b) => compareDates(a.date, b.date))[0];
}

function initialState(terms: LoanTerms): { state: LoanState; capitalisedInterest: string } {
  const schedule = buildSchedule({
    amount: new Decimal(terms.amount),
    termMonths: terms.termMonths,
    nominalRatePercent: new Decimal(terms.nominalRatePercent),
    noticeChannel: terms.noticeChannel,
    payoutDate: terms.payoutDate,
  });
  return {
    capitalisedInterest: formatAmount(schedule.capitalisedInterest),
    state: {
      status: 'ACTIVE',
      nextInstallment: 1,
      principalOutstanding: formatAmount(schedule.initialPrincipal),
      monthlyPayment: formatAmount(schedule.monthlyPayment),
      openInvoices: [],
      pendingPayments: [],
      claim: formatAmount(loanClaim(schedule.installments)),
      terminationsSent: 0,
      curesUsed: 0,
    },
  };
}

export async function loanWorkflow(input: LoanWorkflowInput): Promise<{ status: LoanLifecycleStatus }> {
  const { terms } = input;
  let step = 'starting';
  let state: LoanState;
  if (input.state) {
    state = input.state;
  } else {
    const initial = initialState(terms);
    state = initial.state;
    step = 'opening';
    await activities.openLoan({
      ...terms,
      capitalisedInterest: initial.capitalisedInterest,
      monthlyPayment: state.monthlyPayment,
    });
  }
  const pending = state.pendingPayments;
  setHandler(paymentReceivedSignal, ({ paymentId }) => {
    if (!pending.includes(paymentId)) pending.push(paymentId);
  });
  setHandler(loanViewQuery, () => ({
    status: state.status,
    step,
    nextInstallment: state.nextInstallment,
    principalOutstanding: state.principalOutstanding,
    openInvoices: state.openInvoices,
    termination: state.termination ?? null,
    curesUsed: state.curesUsed,
  }));
  upsertSearchAttributes([
    { key: LoanStatus, value: state.status },
    { key: ContractNumber, value: terms.contractNumber },
    { key: InCollection, value: false },
  ]);

  const rate = monthlyRate(new Decimal(terms.nominalRatePercent));
  const runStartInstallment = state.nextInstallment;

  while (state.status === 'ACTIVE') {
    const event = nextEvent(terms, state);
    if (!event && state.openInvoices.length > 0) {
      // Reminded and still unpaid: wait for payments (termination, R-LOAN-4, comes here).
      step = 'waiting for payment of reminded invoices';
      await condition(() => pending.length > 0);
    } else if (!event) {
      // Nothing left to invoice and nothing open: the loan is repaid.
      step = 'closing';
      await activities.closeLoan({ loanId: terms.loanId, date: today() });
      state.status = 'CLOSED';
      upsertSearchAttributes([{ key: LoanStatus, value: state.status }]);
      break;
    }
    if (event) {
      step = `waiting for ${event.kind} on ${event.date}`;
      const wait = instantOf(event.date) - Date.now();
      if (wait > 0) await condition(() => pending.length > 0, wait);
    }

    if (pending.length > 0) {
      step = 'applying payment';
      const outcome = await activities.applyPayment({ loanId: terms.loanId, paymentId: pending[0]! });
      pending.shift();
      applyOutcome(state, outcome);
      publishDaysPastDue(state);
      if (state.termination && isCured(state, outcome.paymentDate)) {
        step = 'lapsing the termination';
        await activities.lapseTermination({
          loanId: terms.loanId,
          sequence: state.termination.sequence,
          date: outcome.paymentDate,
        });
        state.termination = undefined;
        state.curesUsed++;
      }
      continue;
    }
    if (!event) continue;

    switch (event.kind) {
      case 'invoice': {
        step = `issuing invoice ${state.nextInstallment}`;
        const number = state.nextInstallment;
        const dueDate = installmentDueDate(terms.payoutDate, number);
        const isLast = number === terms.termMonths;
        const split = installmentSplit(
          new Decimal(state.principalOutstanding),
          rate,
          new Decimal(state.monthlyPayment),
          isLast,
        );
        const lines = installmentInvoiceLines({
          principal: split.principal,
          interest: split.interest,
          noticeFee: noticeFee(terms.noticeChannel),
          setupFee: number === 1 ? new Decimal(DEFAULT_PRODUCT.fees.setup) : ZERO,
        });
        await activities.issueInvoice({
          loanId: terms.loanId,
          contractNumber: terms.contractNumber,
          number,
          issueDate: event.date,
          dueDate,
          lines: lines.map((l) => ({ kind: l.kind, amount: formatAmount(l.amount) })),
        });
        state.principalOutstanding = formatAmount(new Decimal(state.principalOutstanding).minus(split.principal));
        state.nextInstallment = number + 1;
        state.openInvoices.push({
          number,
          dueDate,
          lateFeeCharged: false,
          reminderSent: false,
          terminationChecked: false,
        });
        break;
      }
      case 'termination-check': {
        step = `evaluating termination grounds (invoice ${event.invoice.number} more than a month late)`;
        const sequence = state.terminationsSent + 1;
        const outcome = await activities.evaluateTermination({
          loanId: terms.loanId,
          date: event.date,
          claim: state.claim,
          sequence,
        });
        event.invoice.terminationChecked = true;
        if (outcome.sent) {
          state.terminationsSent = sequence;
          state.termination = { sequence, sentOn: event.date, endsOn: outcome.endsOn! };
          for (const invoice of state.openInvoices) invoice.terminationChecked = true;
        }
        break;
      }
      case 'termination-end': {
        step = 'handing over to collection';
        await activities.handOverToCollection({
          loanId: terms.loanId,
          sequence: event.termination.sequence,
          date: event.date,
        });
        state.status = 'IN_COLLECTION';
        state.termination = undefined;
        upsertSearchAttributes([
          { key: LoanStatus, value: state.status },
          { key: InCollection, value: true },
        ]);
        break;
      }
      case 'late-fee': {
        step = `charging late fee on invoice ${event.invoice.number}`;
        await activities.chargeLateFee({
          loanId: terms.loanId,
          invoiceNumber: event.invoice.number,
          date: event.date,
          fee: DEFAULT_PRODUCT.fees.late,
        });
        event.invoice.lateFeeCharged = true;
        publishDaysPastDue(state);
        break;
      }
      case 'reminder': {
        step = `sending reminder for invoice ${event.invoice.number}`;
        await activities.sendReminder({
          loanId: terms.loanId,
          invoiceNumber: event.invoice.number,
          date: event.date,
          fee: DEFAULT_PRODUCT.fees.reminder,
          newDueDate: reminderDueDate(event.date),
        });
        event.invoice.reminderSent = true;
        publishDaysPastDue(state);
        break;
      }
    }

    // A loan-year per run keeps each history small (ARCHITECTURE.md "Long life").
    const yearDone = state.nextInstallment - runStartInstallment >= 12;
    if ((yearDone || workflowInfo().continueAsNewSuggested) && pending.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof loanWorkflow>({ terms, state: { ...state, pendingPayments: [...pending] } });
    }
  }
  return { status: state.status };
}

let publishedDaysPastDue = 0;

/**
 * Operators filter late loans in the Temporal UI by DaysPastDue: days since the oldest unpaid due
 * date, published when it changes (a payment, a late fee, a reminder). Added after loans were
 * already running, hence the patch marker.
 */
function publishDaysPastDue(state: LoanState): void {
  if (!patched('days-past-due-search-attribute')) return;
  const today = stockholmDate(new Date());
  const oldest = state.openInvoices.map((i) => i.dueDate).sort(compareDates)[0];
  const days = oldest ? Math.max(0, daysBetween(oldest, today)) : 0;
  if (days === publishedDaysPastDue) return;
  publishedDaysPastDue = days;
  upsertSearchAttributes([{ key: DaysPastDue, value: days }]);
}

/**
 * R-LOAN-4: a termination lapses when nothing that fell due before the payment is unpaid any more
 * (default interest included: it sits on those invoices), once per loan.
 */
function isCured(state: LoanState, paidOn: IsoDate): boolean {
  const stillOverdue = state.openInvoices.some((i) => compareDates(i.dueDate, paidOn) < 0);
  return !stillOverdue && state.curesUsed < DEFAULT_PRODUCT.loan.terminationCuresAllowed;
}

function applyOutcome(state: LoanState, outcome: PaymentOutcome): void {
  state.principalOutstanding = outcome.principalOutstanding;
  state.openInvoices = state.openInvoices.filter((i) => outcome.openInvoices.includes(i.number));
}
