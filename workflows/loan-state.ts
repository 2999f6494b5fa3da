/**
 * The loan workflow's state (workflows/loan.ts): what it carries across continue-as-new, the events
 * it waits for, and the decisions it takes on them. Deterministic: time is the workflow clock.
 */
import { patched } from '@temporalio/workflow';
import type { LoanSnapshot } from '../activities/loan/snapshot';
import { addDays, compareDates, type IsoDate, stockholmDate } from '../domain/dates';
import {
  invoiceIssueDate,
  lateFeeChargeDate,
  lateFeeDate,
  laggedReminderDate,
  reminderDate,
  settledAfter,
} from '../domain/invoicing';
import { Decimal, formatAmount, sumAmounts } from '../domain/money';
import { DEFAULT_PRODUCT } from '../domain/product';
import { buildSchedule, installmentDueDate } from '../domain/schedule';
import { evaluateCure, firstDayMoreThanOneMonthLate, loanClaim } from '../domain/termination';
import type { LoanTerms } from '../domain/loan-terms';
import type { EarlyRepaymentOrder, EarlyRepaymentQuote, WithdrawalOrder } from '../domain/loan-actions';
import type { LoanLifecycleStatus } from '../domain/loan-statuses';

export interface OpenInvoice {
  number: number;
  dueDate: IsoDate;
  remaining: string;
  lateFeeCharged: boolean;
  reminderSent: boolean;
  /** R-LOAN-4 grounds were evaluated when this invoice became more than a month late. */
  terminationChecked: boolean;
}

export interface OpenTermination {
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
  /** R-PAY-3: the autogiro mandate, once one was given (workflows/loan-direct-debit.ts). */
  directDebit?: { active: boolean; since: IsoDate; drawnThrough: number };
}

/** Business events happen during the Stockholm business day; 05:00 UTC is that date all year. */
export function instantOf(date: IsoDate): number {
  return Date.parse(`${date}T05:00:00Z`);
}

export function today(): IsoDate {
  return stockholmDate(new Date()); // the workflow clock (R-TIME-1)
}

export type LoanEvent =
  | { kind: 'invoice'; date: IsoDate; number: number }
  | { kind: 'late-fee'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'reminder'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-check'; date: IsoDate; invoice: OpenInvoice }
  | { kind: 'termination-end'; date: IsoDate; termination: OpenTermination }
  | { kind: 'early-repayment-expiry'; date: IsoDate }
  | { kind: 'withdrawal-overdue'; date: IsoDate };

/** Every event the loan is waiting for, earliest first. */
export function upcomingEvents(terms: LoanTerms, state: LoanState): LoanEvent[] {
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
  // R-PAY-1: late fees and the handover wait for the settlement lag (bank files arriving late).
  const lagged = patched('settlement-lag');
  for (const invoice of state.openInvoices) {
    if (!invoice.lateFeeCharged) {
      const date = lagged ? lateFeeChargeDate(invoice.dueDate) : lateFeeDate(invoice.dueDate);
      events.push({ kind: 'late-fee', date, invoice });
    } else if (!invoice.reminderSent) {
      const date = lagged ? laggedReminderDate(invoice.dueDate) : reminderDate(invoice.dueDate);
      events.push({ kind: 'reminder', date, invoice });
    }
    if (!invoice.terminationChecked && !state.termination) {
      events.push({ kind: 'termination-check', date: firstDayMoreThanOneMonthLate(invoice.dueDate), invoice });
    }
  }
  if (state.termination) {
    // The notice's last day still counts for a cure; the debt falls due the day after (R-LOAN-4),
    // and the loan is handed over once payments made by that day have had the settlement lag to
    // arrive (R-PAY-1): a late bank file with such a payment still cures it.
    events.push({
      kind: 'termination-end',
      date: lagged ? settledAfter(state.termination.endsOn) : addDays(state.termination.endsOn, 1),
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
export function nextWakeDate(events: LoanEvent[]): IsoDate | undefined {
  const invoicePending = events.some((e) => e.kind === 'invoice');
  return events.find((e) => !(invoicePending && e.kind === 'late-fee'))?.date;
}

export function initialState(terms: LoanTerms): {
  state: LoanState;
  capitalisedInterest: string;
  monthlyPayment: string;
} {
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

/** Takes the ledger's view; the workflow's own bookkeeping (termination checks) is kept. */
export function mergeSnapshot(state: LoanState, snapshot: LoanSnapshot): void {
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
}

export function isRepaid(state: LoanState): boolean {
  const nothingToInvoice =
    !!state.withdrawal ||
    state.nextInstallment > state.termMonths ||
    !new Decimal(state.principalOutstanding).greaterThan(0);
  return nothingToInvoice && state.openInvoices.length === 0 && !new Decimal(state.debt).greaterThan(0);
}

/**
 * R-LOAN-4: a termination lapses when a payment made by the end of the notice leaves nothing that
 * fell due before it unpaid (default interest included: it sits on those invoices), once per loan.
 */
export function isCured(state: LoanState, termination: OpenTermination, paidOn: IsoDate): boolean {
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
