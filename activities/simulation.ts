/**
 * The lifecycle simulator's borrower side (workflows/simulated-borrower.ts): payments registered
 * and applied the way every payment an activity receives is (`registerAndApplyPayment`: a bank
 * file's registration, matched by OCR reference, and the payment workflow's application, bureau
 * client included, R-PAY-1), never written around them. Each registration is idempotent by its
 * bank reference, each application by payment.
 */
import type { BureauClient } from '../adapters/bureau';
import type { Db } from '../db/database';
import { openInvoiceItems } from '../db/ledger-repository';
import { findInvoice, findLoan } from '../db/loan-repository';
import { totalRemaining } from '../domain/allocation';
import { hasLoanEnded } from '../domain/loan-statuses';
import { registerAndApplyPayment } from './loan/payments';
import { formatAmount } from '../domain/money';

export interface SimulatedPaymentResult {
  /** The registered payment, or null when there was nothing to pay. */
  paymentId: string | null;
  paymentDate?: string;
  /** The loan workflow must be told (PaymentOutcome.wakeLoan). */
  wakeLoan?: boolean;
  /** False once the loan has ended (closed, withdrawn, in collection): the borrower stops. */
  loanOpen: boolean;
}

/** `bureau`: the worker's bureau client (absent when it runs without adapters). */
export function createSimulationActivities(db: Db, bureau: BureauClient | undefined) {
  async function loanStatus(loanId: string): Promise<string> {
    const loan = await findLoan(db, loanId);
    // The loan workflow opens the loan first; until then this activity is retried.
    if (!loan) throw new Error(`loan ${loanId} is not opened yet`);
    return loan.status;
  }

  async function pay(payment: Parameters<typeof registerAndApplyPayment>[2]): Promise<SimulatedPaymentResult> {
    const { payment: registered, outcome } = await registerAndApplyPayment(db, bureau, payment);
    return { paymentId: registered.id, paymentDate: outcome.paymentDate, wakeLoan: outcome.wakeLoan, loanOpen: true };
  }

  return {
    /**
     * The simulated borrower pays whatever is still unpaid on one invoice, to the invoice's OCR
     * reference. Nothing is paid when the invoice is settled, not issued (the loan ended early or
     * skipped it) or the loan has ended.
     */
    async simulatedBorrowerPaysInvoice(input: {
      loanId: string;
      invoiceNumber: number;
      paymentDate: string;
    }): Promise<SimulatedPaymentResult> {
      if (hasLoanEnded(await loanStatus(input.loanId))) return { paymentId: null, loanOpen: false };
      const invoice = await findInvoice(db, input.loanId, input.invoiceNumber);
      if (!invoice) return { paymentId: null, loanOpen: true };
      const open = (await openInvoiceItems(db, input.loanId)).filter((i) => i.id === String(input.invoiceNumber));
      const due = totalRemaining(open);
      if (due.lessThanOrEqualTo(0)) return { paymentId: null, loanOpen: true };
      return pay({
        bankReference: `borrower:${input.loanId}:${input.invoiceNumber}:${input.paymentDate}`,
        ocrReference: invoice.ocr_reference,
        amount: formatAmount(due),
        paymentDate: input.paymentDate,
        bookingDate: input.paymentDate, // the simulated day (the wall clock is not the simulation's)
      });
    },

    /**
     * A scenario's dated payment of an arbitrary amount to the loan's OCR reference (what a
     * borrower paying "to the loan" rather than to one invoice does). `reference` makes the bank
     * reference unique per scenario event, so a retried activity registers it once.
     */
    async registerSimulatedPayment(input: {
      loanId: string;
      amount: string;
      /** The value date (R-PAY-1). */
      paymentDate: string;
      /** The day the bank file is registered (a late file: after the value date). */
      bookingDate?: string;
      reference: string;
    }): Promise<SimulatedPaymentResult> {
      const loan = await findLoan(db, input.loanId);
      if (!loan) throw new Error(`loan ${input.loanId} is not opened yet`);
      if (hasLoanEnded(loan.status)) return { paymentId: null, loanOpen: false };
      return pay({
        bankReference: `simulation:${input.loanId}:${input.reference}`,
        ocrReference: loan.ocr_reference,
        amount: input.amount,
        paymentDate: input.paymentDate,
        ...(input.bookingDate ? { bookingDate: input.bookingDate } : {}),
      });
    },
  };
}

export type SimulationActivities = ReturnType<typeof createSimulationActivities>;
