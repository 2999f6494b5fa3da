/**
 * A borrower for the lifecycle simulator and the tests: pays each invoice in full a set number of
 * days before its due date, except the invoices it is told to miss, through the same payment
 * registration a bank file import uses, then tells the loan workflow.
 */
import { continueAsNew, getExternalWorkflowHandle, proxyActivities, sleep } from '@temporalio/workflow';
import type { LoanActivities } from '../activities/loan';
import { addDays, type IsoDate } from '../domain/dates';
import { installmentDueDate } from '../domain/schedule';
import { invoiceIssueDate } from '../domain/invoicing';
import { loanWorkflowId, paymentReceivedSignal } from './loan';

export interface SimulatedBorrowerInput {
  loanId: string;
  payoutDate: IsoDate;
  termMonths: number;
  /** Pay this many days before each due date (never before the invoice is issued). */
  daysBeforeDue: number;
  /** Invoice numbers never paid. */
  missInvoices?: number[];
  /** Stop paying from this invoice number on. */
  stopFromInvoice?: number;
  /** Where a continued run resumes. */
  fromInvoice?: number;
  paymentsSoFar?: number;
}

const { payInvoiceAsBorrower } = proxyActivities<LoanActivities>({ startToCloseTimeout: '1 minute' });

function instantOf(date: IsoDate): number {
  return Date.parse(`${date}T09:00:00Z`); // after the loan workflow's 05:00 UTC business events
}

export async function simulatedBorrowerWorkflow(input: SimulatedBorrowerInput): Promise<number> {
  const loan = getExternalWorkflowHandle(loanWorkflowId(input.loanId));
  let payments = input.paymentsSoFar ?? 0;
  const first = input.fromInvoice ?? 1;
  const last = Math.min(input.termMonths, (input.stopFromInvoice ?? Infinity) - 1);
  for (let number = first; number <= last; number++) {
    // A year per run keeps the history small, like the loan's own workflow.
    if (number - first >= 12) {
      await continueAsNew<typeof simulatedBorrowerWorkflow>({ ...input, fromInvoice: number, paymentsSoFar: payments });
    }
    if (input.missInvoices?.includes(number)) continue;
    const dueDate = installmentDueDate(input.payoutDate, number);
    const issued = invoiceIssueDate(dueDate);
    const planned = addDays(dueDate, -input.daysBeforeDue);
    const payOn = planned < issued ? issued : planned;
    const wait = instantOf(payOn) - Date.now();
    if (wait > 0) await sleep(wait);
    const paymentId = await payInvoiceAsBorrower({ loanId: input.loanId, invoiceNumber: number, paymentDate: payOn });
    if (paymentId) {
      await loan.signal(paymentReceivedSignal, { paymentId });
      payments++;
    }
  }
  return payments;
}
