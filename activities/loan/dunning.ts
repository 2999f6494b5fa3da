/** R-LOAN-3: the late fee, the reminder, and the sweep that finds late invoices. */
import { postInTransaction } from '../../db/ledger-repository';
import {
  findInvoice,
  findLoansWithLateInvoices,
  lockLoan,
  type LoanRow,
  updateInvoice,
} from '../../db/loan-repository';
import type { Notice } from '../../domain/notice';
import type { IsoDate } from '../../domain/dates';
import { chargePosting } from '../../domain/ledger';
import { INVOICED_LOAN_STATUSES, isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { Decimal } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { businessMetrics } from '../../platform/metrics';
import { reminderLetter } from '../../texts/loan';
import { idempotencyKey } from '../../domain/idempotency';
import type { LoanActivityContext } from './context';
import { accrueDefaultInterest } from './ledger-steps';
import { type LoanSnapshot, loanSnapshot } from './snapshot';

export function createDunningActivities({ db, withNotices }: LoanActivityContext) {
  /**
   * A fee on an invoice still late (R-LOAN-3), once per invoice and kind (the posting's key is
   * `<loanId>:<kind>:<invoiceNumber>`); default interest accrued first.
   */
  async function chargeInvoiceFee(
    input: { loanId: string; invoiceNumber: number; date: string },
    kind: 'late-fee' | 'reminder-fee',
    fee: string,
    invoiceChanges: Parameters<typeof updateInvoice>[3],
    notice?: (loan: LoanRow) => Notice,
  ): Promise<LoanSnapshot> {
    let charged = false; // counted once committed
    const snapshot = await withNotices(async (trx, notices) => {
      const loan = await lockLoan(trx, input.loanId);
      const invoice = await findInvoice(trx, input.loanId, input.invoiceNumber);
      if (!invoice) throw new Error(`no invoice ${input.invoiceNumber} of loan ${input.loanId}`);
      if (invoice.status !== 'OPEN' || !isInvoicedLoanStatus(loan.status)) return loanSnapshot(trx, input.loanId);
      await accrueDefaultInterest(trx, input.loanId, input.date);
      charged = await postInTransaction(
        trx,
        chargePosting(
          input.loanId,
          input.invoiceNumber,
          input.date,
          kind,
          new Decimal(fee),
          idempotencyKey(input.loanId, kind, input.invoiceNumber),
        ),
      );
      await updateInvoice(trx, input.loanId, input.invoiceNumber, invoiceChanges);
      if (notice) notices.push(notice(loan));
      return loanSnapshot(trx, input.loanId);
    });
    if (charged) businessMetrics.fees.inc({ kind });
    return snapshot;
  }

  return {
    /** R-LOAN-3: late fee on an invoice not paid by its due date. */
    async chargeLateFee(input: { loanId: string; invoiceNumber: number; date: string }): Promise<LoanSnapshot> {
      return chargeInvoiceFee(input, 'late-fee', DEFAULT_PRODUCT.fees.late, { late_fee_charged_on: input.date });
    },

    /** R-LOAN-3: a reminder, always by post, with the reminder fee and a new due date. */
    async sendReminder(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:reminder:<invoiceNumber>`. */
      idempotencyKey: string;
      invoiceNumber: number;
      date: string;
      newDueDate: string;
    }): Promise<LoanSnapshot> {
      return chargeInvoiceFee(
        input,
        'reminder-fee',
        DEFAULT_PRODUCT.fees.reminder,
        { reminder_sent_on: input.date, reminder_due_date: input.newDueDate },
        (loan) => ({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'reminder',
          ...reminderLetter({
            invoiceNumber: input.invoiceNumber,
            contractNumber: loan.contract_number,
            lateFee: DEFAULT_PRODUCT.fees.late,
            reminderFee: DEFAULT_PRODUCT.fees.reminder,
            newDueDate: input.newDueDate,
          }),
          date: input.date,
          byPost: true,
        }),
      );
    },

    /** The late-invoice sweep: loans with an installment unpaid after its due date and no late fee yet. */
    async findLoansWithLateInvoices(input: { date: IsoDate; afterLoanId?: string; limit: number }): Promise<string[]> {
      return findLoansWithLateInvoices(db, { ...input, statuses: INVOICED_LOAN_STATUSES });
    },
  };
}
