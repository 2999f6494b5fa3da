/**
 * A borrower for the lifecycle simulator and the tests. By default it pays each invoice in full a
 * set number of days before its due date (or never), except the invoices it is told to miss or
 * from the one it stops at; on top of that it makes the scenario's dated payments of any amount to
 * the loan's OCR reference. Every payment goes through the same registration a bank file import
 * uses, then the loan workflow is told (paymentReceived).
 *
 * Timing: the loan's business events happen at 05:00 UTC on their date; the borrower acts from
 * 09:00 UTC, one minute apart for actions on the same date, so on a time-skipping server each
 * payment is applied before the next one is computed. Like the loan, it continues as new every
 * twelve invoices, carrying only a cursor into its (deterministic) plan.
 */
import {
  continueAsNew,
  getExternalWorkflowHandle,
  proxyLocalActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { SimulationActivities } from '../activities/simulation';
import { addDays, compareDates, type IsoDate } from '../domain/dates';
import { invoiceIssueDate } from '../domain/invoicing';
import { installmentDueDate } from '../domain/schedule';
import { loanWorkflowId, paymentReceivedSignal } from './loan-messages';

export interface ScheduledPayment {
  /** SEK decimal string. */
  amount: string;
  /** The value date: the day the borrower pays (R-PAY-1). */
  date: IsoDate;
  /** R-PAY-1: a late bank file: the payment is registered on this day (default `date`). */
  registeredOn?: IsoDate;
}

export interface SimulatedBorrowerInput {
  loanId: string;
  payoutDate: IsoDate;
  termMonths: number;
  /** Pay this many days before each due date (never before the invoice is issued; negative: after). */
  daysBeforeDue?: number;
  /** Pays no invoice at all (only `payments`). */
  never?: boolean;
  /** Invoice numbers never paid. */
  missInvoices?: number[];
  /** Stop paying from this invoice number on. */
  stopFromInvoice?: number;
  /** Extra dated payments to the loan's OCR reference. */
  payments?: ScheduledPayment[];
  /** Where a continued run resumes: index into the plan. */
  cursor?: number;
  paymentsSoFar?: number;
}

type Action =
  | { kind: 'invoice'; date: IsoDate; invoiceNumber: number }
  | { kind: 'payment'; date: IsoDate; valueDate: IsoDate; amount: string; index: number };

// Local activities: a payment registration is one short database transaction, and recording it as
// a marker in the same workflow task keeps the borrower's history (and the simulation) small.
const { simulatedBorrowerPaysInvoice, registerSimulatedPayment } = proxyLocalActivities<SimulationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** The borrower's whole plan, in the order it acts: by date, invoice payments before extra ones. */
export function borrowerPlan(input: SimulatedBorrowerInput): Action[] {
  const actions: Action[] = [];
  const last = input.never ? 0 : Math.min(input.termMonths, (input.stopFromInvoice ?? Infinity) - 1);
  for (let number = 1; number <= last; number++) {
    if (input.missInvoices?.includes(number)) continue;
    const dueDate = installmentDueDate(input.payoutDate, number);
    const issued = invoiceIssueDate(dueDate);
    const planned = addDays(dueDate, -(input.daysBeforeDue ?? 0));
    actions.push({
      kind: 'invoice',
      date: compareDates(planned, issued) < 0 ? issued : planned,
      invoiceNumber: number,
    });
  }
  (input.payments ?? []).forEach((p, index) =>
    actions.push({ kind: 'payment', date: p.registeredOn ?? p.date, valueDate: p.date, amount: p.amount, index }),
  );
  const rank = (a: Action) => (a.kind === 'invoice' ? a.invoiceNumber : 10_000 + a.index);
  return actions.sort((a, b) => compareDates(a.date, b.date) || rank(a) - rank(b));
}

function instantOf(date: IsoDate, nthThatDay: number): number {
  return Date.parse(`${date}T09:00:00Z`) + nthThatDay * 60_000;
}

export async function simulatedBorrowerWorkflow(input: SimulatedBorrowerInput): Promise<number> {
  const loan = getExternalWorkflowHandle(loanWorkflowId(input.loanId));
  const plan = borrowerPlan(input);
  let payments = input.paymentsSoFar ?? 0;
  const first = input.cursor ?? 0;
  let invoicesThisRun = 0;
  for (let i = first; i < plan.length; i++) {
    // A loan-year per run keeps the history small, like the loan's own workflow.
    if (invoicesThisRun >= 12 || (i > first && workflowInfo().continueAsNewSuggested)) {
      await continueAsNew<typeof simulatedBorrowerWorkflow>({ ...input, cursor: i, paymentsSoFar: payments });
    }
    const action = plan[i]!;
    let nthThatDay = 0;
    while (i - nthThatDay - 1 >= 0 && plan[i - nthThatDay - 1]!.date === action.date) nthThatDay++;
    const wait = instantOf(action.date, nthThatDay) - Date.now();
    if (wait > 0) await sleep(wait);

    const result =
      action.kind === 'invoice'
        ? await simulatedBorrowerPaysInvoice({
            loanId: input.loanId,
            invoiceNumber: action.invoiceNumber,
            paymentDate: action.date,
          })
        : await registerSimulatedPayment({
            loanId: input.loanId,
            amount: action.amount,
            paymentDate: action.valueDate,
            bookingDate: action.date,
            reference: `payment-${action.index}`,
          });
    if (action.kind === 'invoice') invoicesThisRun++;
    if (!result.loanOpen) break; // closed, withdrawn or handed over: nothing more to pay
    if (result.paymentId) {
      payments++;
      if (result.wakeLoan) {
        try {
          await loan.signal(paymentReceivedSignal, { paymentId: result.paymentId, paymentDate: result.paymentDate! });
        } catch {
          break; // the loan workflow has ended: the payment is in its ledger
        }
      }
    }
  }
  return payments;
}
