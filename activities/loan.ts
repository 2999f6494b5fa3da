/**
 * The loan's side effects (R-LOAN-1…3): each writes PostgreSQL once per idempotency key (derived
 * from the loan id and the step) and returns what the workflow needs to decide its next step.
 * Business dates come from the workflow, never from the wall clock.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../db/ledger-repository';
import {
  findInvoice,
  findPayment,
  insertInvoice,
  insertLoan,
  registerPayment,
  setLoanStatus,
  updateInvoice,
} from '../db/loan-repository';
import { allocatePayment, type OpenLineKind, totalRemaining } from '../domain/allocation';
import {
  capitalisedInterestPosting,
  chargePosting,
  customerDebt,
  disbursementPosting,
  invoicePosting,
  paymentPosting,
} from '../domain/ledger';
import { Decimal, formatAmount } from '../domain/money';
import { invoiceOcrReference, loanOcrReference } from '../domain/ocr';
import { invoiceTotal } from '../domain/invoicing';
import type { NoticeChannel } from '../domain/product';

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

export interface IssueInvoiceInput {
  loanId: string;
  contractNumber: string;
  number: number;
  issueDate: string;
  dueDate: string;
  lines: { kind: OpenLineKind; amount: string }[];
}

export interface PaymentOutcome {
  paymentId: string;
  paymentDate: string;
  amount: string;
  excess: string;
  /** Invoices this payment settled completely. */
  settledInvoices: number[];
  /** Invoices with anything still unpaid after this payment. */
  openInvoices: number[];
  /** Principal not yet invoiced, after any excess (R-LOAN-7). */
  principalOutstanding: string;
  /** Everything the customer owes. */
  debt: string;
}

export function createLoanActivities(db: Db) {
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

    /** R-LOAN-1: the invoice document and its ledger posting, once per invoice number. */
    async issueInvoice(input: IssueInvoiceInput): Promise<{ ocrReference: string; total: string }> {
      const lines = input.lines.map((l) => ({ kind: l.kind, amount: new Decimal(l.amount) }));
      const total = formatAmount(invoiceTotal(lines));
      const ocrReference = invoiceOcrReference(input.contractNumber, input.number);
      await db.transaction().execute(async (trx) => {
        await insertInvoice(trx, {
          loan_id: input.loanId,
          number: input.number,
          issue_date: input.issueDate,
          due_date: input.dueDate,
          ocr_reference: ocrReference,
          status: 'OPEN',
          paid_date: null,
          late_fee_charged_on: null,
          reminder_sent_on: null,
          reminder_due_date: null,
          lines: JSON.stringify(input.lines),
          total,
        });
        await postInTransaction(trx, invoicePosting(input.loanId, input.number, input.issueDate, lines));
      });
      return { ocrReference, total };
    },

    /** R-LOAN-2: allocates a received payment over the open invoices; a repeat changes nothing. */
    async applyPayment(input: { loanId: string; paymentId: string }): Promise<PaymentOutcome> {
      return db.transaction().execute(async (trx) => {
        // Row lock: one payment of a loan is applied at a time, even across workers.
        await trx.selectFrom('loans').select('id').where('id', '=', input.loanId).forUpdate().executeTakeFirstOrThrow();
        const payment = await findPayment(trx, input.paymentId);
        if (!payment || payment.loan_id !== input.loanId)
          throw new Error(`payment ${input.paymentId} is not for loan ${input.loanId}`);
        const settledInvoices: number[] = [];
        let excess: string;
        if (payment.status !== 'APPLIED') {
          const before = await openInvoiceItems(trx, input.loanId);
          const allocation = allocatePayment(new Decimal(payment.amount), before);
          await postInTransaction(trx, paymentPosting(input.loanId, payment.id, payment.payment_date, allocation));
          for (const item of allocation.items) {
            if (item.settled && !item.allocated.isZero()) {
              settledInvoices.push(Number(item.id));
              await updateInvoice(trx, input.loanId, Number(item.id), {
                status: 'PAID',
                paid_date: payment.payment_date,
              });
            }
          }
          excess = formatAmount(allocation.excess);
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
              }),
            })
            .where('id', '=', payment.id)
            .execute();
        } else {
          excess = (payment.allocation as { excess?: string } | null)?.excess ?? '0.00';
        }
        const after = await openInvoiceItems(trx, input.loanId);
        const balances = await loanAccountBalances(trx, input.loanId);
        return {
          paymentId: payment.id,
          paymentDate: payment.payment_date,
          amount: payment.amount,
          excess,
          settledInvoices,
          openInvoices: after.map((i) => Number(i.id)),
          principalOutstanding: formatAmount(balances.principal_outstanding),
          debt: formatAmount(customerDebt(balances)),
        };
      });
    },

    /** R-LOAN-3: late fee on an invoice not paid by its due date. */
    async chargeLateFee(input: { loanId: string; invoiceNumber: number; date: string; fee: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await postInTransaction(
          trx,
          chargePosting(
            input.loanId,
            input.invoiceNumber,
            input.date,
            'late-fee',
            new Decimal(input.fee),
            `${input.loanId}:late-fee:${input.invoiceNumber}`,
          ),
        );
        await updateInvoice(trx, input.loanId, input.invoiceNumber, { late_fee_charged_on: input.date });
      });
    },

    /** R-LOAN-3: a reminder by post with the reminder fee and a new due date. */
    async sendReminder(input: {
      loanId: string;
      invoiceNumber: number;
      date: string;
      fee: string;
      newDueDate: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await postInTransaction(
          trx,
          chargePosting(
            input.loanId,
            input.invoiceNumber,
            input.date,
            'reminder-fee',
            new Decimal(input.fee),
            `${input.loanId}:reminder:${input.invoiceNumber}`,
          ),
        );
        await updateInvoice(trx, input.loanId, input.invoiceNumber, {
          reminder_sent_on: input.date,
          reminder_due_date: input.newDueDate,
        });
      });
    },

    async closeLoan(input: { loanId: string; date: string }): Promise<void> {
      await setLoanStatus(db, input.loanId, 'CLOSED', input.date);
    },

    /**
     * The simulated borrower (simulator and tests): pays what is still unpaid on an invoice, through
     * the same registration path as a bank payment file. Returns null when nothing is due.
     */
    async payInvoiceAsBorrower(input: {
      loanId: string;
      invoiceNumber: number;
      paymentDate: string;
    }): Promise<string | null> {
      const invoice = await findInvoice(db, input.loanId, input.invoiceNumber);
      if (!invoice) throw new Error(`invoice ${input.invoiceNumber} of ${input.loanId} is not issued yet`);
      const open = (await openInvoiceItems(db, input.loanId)).filter((i) => i.id === String(input.invoiceNumber));
      const due = totalRemaining(open);
      if (due.lessThanOrEqualTo(0)) return null;
      const payment = await registerPayment(db, {
        id: randomUUID(),
        bankReference: `borrower:${input.loanId}:${input.invoiceNumber}:${input.paymentDate}`,
        ocrReference: invoice.ocr_reference,
        amount: formatAmount(due),
        paymentDate: input.paymentDate,
      });
      return payment.id;
    },

    async loanDebt(input: { loanId: string }): Promise<string> {
      return formatAmount(customerDebt(await loanAccountBalances(db, input.loanId)));
    },
  };
}

export type LoanActivities = ReturnType<typeof createLoanActivities>;
