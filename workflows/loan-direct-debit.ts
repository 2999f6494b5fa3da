/**
 * R-PAY-3 in the loan workflow (workflows/loan.ts): with an active mandate, each invoice is drawn
 * on its due date (the activity first checks that it is not already paid); a paid draw is a payment
 * like any other and goes through the loan's payment review; a refused draw leaves the invoice
 * unpaid, and the normal late path (late fee, reminder, …) follows. The mandate's coming and going
 * arrives as a signal from the mandate workflows (workflows/direct-debit-mandate.ts).
 */
import { patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DirectDebitActivities, DrawOutcome, SigningMandateInput } from '../activities/direct-debit';
import { compareDates, type IsoDate } from '../domain/dates';
import { idempotencyKey } from '../domain/idempotency';
import { mandateChangedSignal } from './direct-debit-messages';
import { type LoanState, type OpenInvoice, today } from './loan-state';

/** Carried in LoanState across continue-as-new. */
export interface LoanDirectDebit {
  active: boolean;
  /** Invoices due before this date were due before the mandate: they are not drawn. */
  since: IsoDate;
  /** The highest invoice number a draw was asked for. */
  drawnThrough: number;
}

/** Versioned: loans that ran before direct debit replay without it. */
export const LOAN_DIRECT_DEBIT_PATCH = 'loan-direct-debit';

// A call to an external system: a normal activity with its own retries.
const directDebit = proxyActivities<DirectDebitActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

/** The next invoice to draw: open, not drawn yet, due on or after the mandate. */
function nextDrawInvoice(state: LoanState): OpenInvoice | undefined {
  const dd = state.directDebit;
  if (!dd?.active) return undefined;
  return state.openInvoices
    .filter((i) => i.number > dd.drawnThrough && compareDates(i.dueDate, dd.since) >= 0)
    .sort((a, b) => a.number - b.number)[0];
}

export interface LoanDirectDebitHooks {
  /** True once after the mandate changed (the loan's wait ends on it). */
  takeChange(): boolean;
  /** The due date of the next draw, for the loan's timer. */
  nextDrawDate(): IsoDate | undefined;
  /** True when an invoice is due to be drawn today (synchronous: no await without a mandate). */
  isDrawDue(): boolean;
  /** Draws the invoice due today, if one is; true when it did something. */
  drawDue(setStep: (step: string) => void): Promise<boolean>;
}

/** Versioned: the mandate given at signing is registered when the loan opens (R-PROD-2). */
export const LOAN_SIGNING_MANDATE_PATCH = 'loan-mandate-at-signing';

/** The loan workflow's input for an autogiro loan: the mandate the offer signature covers. */
export type SigningMandate = Omit<SigningMandateInput, 'loanId' | 'customerId' | 'date'>;

/**
 * R-PAY-3, R-PROD-2: at opening, a loan whose application chose autogiro registers the mandate given
 * at signing (the payout account, the applicant as payer) with the direct-debit service, so its
 * first invoice is drawn. A loan that already had a live mandate keeps it (and is drawn under it).
 */
export async function openSigningMandate(
  terms: { loanId: string; customerId: string },
  mandate: SigningMandate,
  state: LoanState,
): Promise<void> {
  if (!patched(LOAN_SIGNING_MANDATE_PATCH)) return;
  const target = await directDebit.registerSigningMandate({
    ...mandate,
    loanId: terms.loanId,
    customerId: terms.customerId,
    date: today(),
  });
  if (target.status === 'ACTIVE') {
    state.directDebit = { active: true, since: today(), drawnThrough: state.directDebit?.drawnThrough ?? 0 };
  }
}

export function setLoanDirectDebit(loanId: string, state: LoanState): LoanDirectDebitHooks {
  let changed = false;
  setHandler(mandateChangedSignal, ({ active }) => {
    const drawnThrough = state.directDebit?.drawnThrough ?? 0;
    state.directDebit = { active, since: today(), drawnThrough };
    changed = true;
  });
  return {
    takeChange() {
      const was = changed;
      changed = false;
      return was;
    },
    nextDrawDate: () => nextDrawInvoice(state)?.dueDate,
    isDrawDue() {
      const invoice = nextDrawInvoice(state);
      return !!invoice && compareDates(invoice.dueDate, today()) <= 0;
    },
    async drawDue(setStep) {
      const invoice = nextDrawInvoice(state);
      if (!invoice || compareDates(invoice.dueDate, today()) > 0) return false;
      if (!patched(LOAN_DIRECT_DEBIT_PATCH)) return false;
      setStep(`drawing invoice ${invoice.number} by autogiro`);
      const outcome: DrawOutcome = await directDebit.drawLoanInvoice({
        loanId,
        invoiceNumber: invoice.number,
        idempotencyKey: idempotencyKey(workflowInfo().workflowId, 'autogiro', invoice.number),
        date: invoice.dueDate,
      });
      const dd = state.directDebit!;
      dd.drawnThrough = Math.max(dd.drawnThrough, invoice.number);
      if (outcome.outcome === 'paid') {
        // The payment review merges the ledger's view (and cures a notice it cures).
        if (!state.pendingPayments.some((p) => p.paymentId === outcome.paymentId)) {
          state.pendingPayments.push({ paymentId: outcome.paymentId, paymentDate: outcome.paymentDate });
        }
      } else if (
        outcome.outcome === 'no-mandate' ||
        (outcome.outcome === 'refused' && outcome.reason === 'mandate_cancelled')
      ) {
        dd.active = false;
      }
      return true;
    },
  };
}
