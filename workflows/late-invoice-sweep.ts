/**
 * The late-invoice sweep (R-LOAN-3): one workflow for the whole book. Every installment falls due
 * on the last banking day of its month, so every late fee falls on the first banking day of the
 * next; on that morning the sweep finds the loans with an installment still unpaid and tells each
 * loan workflow. Loans paid on time are never woken for lateness: that keeps an on-time loan to
 * one wake-up a month (the target: ≤ 80 history events per loan-year, docs/benchmarks.md). Like a nightly batch job in a
 * core banking system, but durable and visible in the Temporal UI as `late-invoice-sweep`.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  patched,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoanActivities } from '../activities/loan';
import { bankingDayOnOrAfter, lastBankingDayOfMonthOf } from '../domain/calendar';
import { lateFeeChargeDate } from '../domain/invoicing';
import { addMonths, compareDates, firstOfMonth, type IsoDate, stockholmDate } from '../domain/dates';
import { invoiceLateSignal, loanWorkflowId } from './loan-messages';

export const LATE_INVOICE_SWEEP_ID = 'late-invoice-sweep';

/** Ends the sweep cleanly (to move it to another task queue, or when a test's worker stops). */
export const stopSweepSignal = defineSignal('stop');

const PAGE = 200;
/**
 * A run sweeps a year of months, then continues as new (sooner when the server suggests it: a big
 * book's signals fill the history). One run per month would build a new workflow context every
 * month, the largest cost of a long simulation on the time-skipping server.
 */
export const SWEEPS_PER_RUN = 12;

const { findLoansWithLateInvoices } = proxyLocalActivities<LoanActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The next sweep day of a month not yet swept: the first banking day of the month, or with the
 * settlement lag (R-PAY-1) the day late fees are charged on for the installments due on the last
 * banking day of the month before (domain/invoicing.ts `lateFeeChargeDate`).
 */
export function nextSweepDate(today: IsoDate, lastSweptOn?: IsoDate, lagged = false): IsoDate {
  const sweepDay = (month: IsoDate) =>
    lagged ? lateFeeChargeDate(lastBankingDayOfMonthOf(addMonths(month, -1))) : bankingDayOnOrAfter(month);
  const thisMonth = sweepDay(firstOfMonth(today));
  if (compareDates(thisMonth, today) >= 0 && thisMonth !== lastSweptOn) return thisMonth;
  return sweepDay(addMonths(firstOfMonth(today), 1));
}

export async function lateInvoiceSweepWorkflow(input: { lastSweptOn?: IsoDate } = {}): Promise<void> {
  let stopped = false;
  setHandler(stopSweepSignal, () => {
    stopped = true;
  });
  // Runs started before this patch sweep one month each (their histories replay that way).
  const sweepsPerRun = patched('late-invoice-sweep-year-per-run') ? SWEEPS_PER_RUN : 1;
  let lastSweptOn = input.lastSweptOn;
  for (let sweeps = 0; ; sweeps++) {
    if (sweeps >= sweepsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof lateInvoiceSweepWorkflow>({ lastSweptOn });
    }
    const date = nextSweepDate(stockholmDate(new Date()), lastSweptOn, patched('settlement-lag'));
    // 04:00 UTC is the business date's early morning all year, an hour before the loans' own
    // timers: a loan told it is late re-plans before its reminder timer of the same morning fires.
    // (At the same instant, a loan could cancel a timer the server had just fired: the real server
    // fails and retries that workflow task, the time-skipping server stalls.)
    const wait = Date.parse(`${date}T04:00:00Z`) - Date.now();
    if (wait > 0) await condition(() => stopped, wait);
    if (stopped) return;
    await announceLateInvoices(date);
    lastSweptOn = date;
  }
}

/** Tells every loan with an installment unpaid on `date` (a page of loans at a time). */
async function announceLateInvoices(date: IsoDate): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const loanIds = await findLoansWithLateInvoices({ date, limit: PAGE, ...(after ? { afterLoanId: after } : {}) });
    await Promise.all(
      loanIds.map(
        (loanId) =>
          getExternalWorkflowHandle(loanWorkflowId(loanId))
            .signal(invoiceLateSignal, { date })
            .catch(() => undefined), // a loan whose workflow has ended needs no dunning
      ),
    );
    if (loanIds.length < PAGE) return;
    after = loanIds[loanIds.length - 1];
  }
}
