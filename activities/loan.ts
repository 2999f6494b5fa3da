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
import { allocatePayment, type OpenItem, type OpenLineKind, totalRemaining } from '../domain/allocation';
import { compareDates } from '../domain/dates';
import { defaultInterestOnAmount, postedDefaultInterest } from '../domain/default-interest';
import { DEFAULT_PRODUCT } from '../domain/product';
import { evaluateTerminationGrounds, terminationNoticeEndDate } from '../domain/termination';
import {
  capitalisedInterestPosting,
  chargePosting,
  customerDebt,
  disbursementPosting,
  invoicePosting,
  paymentPosting,
} from '../domain/ledger';
import { Decimal, formatAmount, maxAmount, sumAmounts, ZERO } from '../domain/money';
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

/** What bears default interest and counts for termination: the installment, not fees (R-LOAN-3). */
const OVERDUE_KINDS: readonly OpenLineKind[] = ['principal', 'interest'];

function overdueAmount(item: OpenItem, kinds: readonly OpenLineKind[] = OVERDUE_KINDS): Decimal {
  return sumAmounts(item.lines.filter((l) => kinds.includes(l.kind)).map((l) => l.remaining));
}

/**
 * R-LOAN-3: posts default interest (rate + 5 pp, actual/365) on each overdue installment from the
 * last accrual (or its due date) up to and including `until`, on the oldest overdue invoice. Runs
 * inside the caller's transaction before anything changes the overdue amounts, so between two
 * accruals every overdue amount is constant and the result is exact to the day.
 */
async function accrueDefaultInterest(trx: Db, loanId: string, until: string): Promise<Decimal> {
  const loan = await trx
    .selectFrom('loans')
    .select(['nominal_rate_percent', 'default_interest_accrued_until'])
    .where('id', '=', loanId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const from = loan.default_interest_accrued_until;
  if (from && compareDates(from, until) >= 0) return ZERO;
  const overdue = (await openInvoiceItems(trx, loanId)).filter((i) => compareDates(i.dueDate, until) < 0);
  let interest = ZERO;
  for (const item of overdue) {
    const start = from && compareDates(from, item.dueDate) > 0 ? from : item.dueDate;
    interest = interest.plus(
      defaultInterestOnAmount({
        overdueAmount: overdueAmount(item),
        nominalRatePercent: new Decimal(loan.nominal_rate_percent),
        dueDate: start,
        until,
      }).interest,
    );
  }
  const posted = postedDefaultInterest(interest);
  if (posted.greaterThan(0)) {
    await postInTransaction(
      trx,
      chargePosting(
        loanId,
        Number(overdue[0]!.id),
        until,
        'default-interest',
        posted,
        `${loanId}:default-interest:${until}`,
      ),
    );
  }
  await trx.updateTable('loans').set({ default_interest_accrued_until: until }).where('id', '=', loanId).execute();
  return posted;
}

/**
 * A fee on an invoice (R-LOAN-3), once per invoice and kind: default interest is accrued first (the
 * fee changes nothing it bears on, but the accrual date moves with every event), then the fee is
 * posted and the invoice records it.
 */
async function chargeInvoiceFee(
  db: Db,
  input: { loanId: string; invoiceNumber: number; date: string; fee: string },
  kind: 'late-fee' | 'reminder-fee',
  invoiceChanges: Parameters<typeof updateInvoice>[3],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await accrueDefaultInterest(trx, input.loanId, input.date);
    await postInTransaction(
      trx,
      chargePosting(
        input.loanId,
        input.invoiceNumber,
        input.date,
        kind,
        new Decimal(input.fee),
        `${input.loanId}:${kind}:${input.invoiceNumber}`,
      ),
    );
    await updateInvoice(trx, input.loanId, input.invoiceNumber, invoiceChanges);
  });
}

export interface TerminationOutcome {
  sent: boolean;
  sequence?: number;
  endsOn?: string;
  grounds: string[];
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
          await accrueDefaultInterest(trx, input.loanId, payment.payment_date);
          const before = await openInvoiceItems(trx, input.loanId);
          const allocation = allocatePayment(new Decimal(payment.amount), before);
          const { principal_outstanding } = await loanAccountBalances(trx, input.loanId);
          await postInTransaction(
            trx,
            paymentPosting(input.loanId, payment.id, payment.payment_date, allocation, principal_outstanding),
          );
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
      await chargeInvoiceFee(db, input, 'late-fee', { late_fee_charged_on: input.date });
    },

    /** R-LOAN-3: a reminder by post with the reminder fee and a new due date. */
    async sendReminder(input: {
      loanId: string;
      invoiceNumber: number;
      date: string;
      fee: string;
      newDueDate: string;
    }): Promise<void> {
      await chargeInvoiceFee(db, input, 'reminder-fee', {
        reminder_sent_on: input.date,
        reminder_due_date: input.newDueDate,
      });
    },

    /**
     * R-LOAN-4: evaluates grounds (a) and (b) on `date` and, when one holds, records a termination
     * notice with four weeks' notice. Idempotent per (loan, sequence).
     */
    async evaluateTermination(input: {
      loanId: string;
      date: string;
      claim: string;
      sequence: number;
    }): Promise<TerminationOutcome> {
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('termination_notices')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .executeTakeFirst();
        if (existing)
          return { sent: true, sequence: existing.sequence, endsOn: existing.ends_on, grounds: existing.grounds };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        const items = await openInvoiceItems(trx, input.loanId);
        const grounds = evaluateTerminationGrounds({
          claim: new Decimal(input.claim),
          evaluationDate: input.date,
          overdueItems: items.map((i) => ({
            id: i.id,
            dueDate: i.dueDate,
            unpaid: overdueAmount(i, ['principal', 'interest', 'setup-fee', 'notice-fee', 'late-fee', 'reminder-fee']),
          })),
        });
        if (!grounds.allowed) return { sent: false, grounds: [] };
        const endsOn = terminationNoticeEndDate(input.date);
        await trx
          .insertInto('termination_notices')
          .values({
            loan_id: input.loanId,
            sequence: input.sequence,
            sent_on: input.date,
            ends_on: endsOn,
            grounds: JSON.stringify(grounds.grounds),
            overdue_amount: formatAmount(grounds.amountMoreThanOneMonthLate),
            status: 'OPEN',
            resolved_on: null,
          })
          .execute();
        await setLoanStatus(trx, input.loanId, 'TERMINATION_NOTICE');
        return { sent: true, sequence: input.sequence, endsOn, grounds: grounds.grounds };
      });
    },

    /** R-LOAN-4: everything overdue plus default interest was paid in time: the termination lapses. */
    async lapseTermination(input: { loanId: string; sequence: number; date: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('termination_notices')
          .set({ status: 'CURED', resolved_on: input.date })
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .execute();
        await setLoanStatus(trx, input.loanId, 'ACTIVE');
      });
    },

    /**
     * R-LOAN-4, R-COLL-1: the notice ended uncured: the whole debt is due and the loan goes to
     * collection with a case holding the claim (principal, interest, fees, default interest and the
     * statutory collection fee). Idempotent: one case per loan.
     */
    async handOverToCollection(input: {
      loanId: string;
      sequence: number;
      date: string;
    }): Promise<{ caseId: string; total: string }> {
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('collection_cases')
          .selectAll()
          .where('loan_id', '=', input.loanId)
          .executeTakeFirst();
        if (existing) return { caseId: existing.id, total: existing.total };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        const lastInvoice = await trx
          .selectFrom('invoices')
          .select((eb) => eb.fn.max('number').as('n'))
          .where('loan_id', '=', input.loanId)
          .executeTakeFirstOrThrow();
        const collectionFee = new Decimal(DEFAULT_PRODUCT.fees.collection);
        await postInTransaction(
          trx,
          chargePosting(
            input.loanId,
            Number(lastInvoice.n ?? 0),
            input.date,
            'collection-fee',
            collectionFee,
            `${input.loanId}:collection-fee`,
          ),
        );
        const b = await loanAccountBalances(trx, input.loanId);
        const fees = maxAmount(ZERO, b.fees_receivable.minus(collectionFee));
        const caseId = `collection-${input.loanId}`;
        const total = customerDebt(b);
        await trx
          .insertInto('collection_cases')
          .values({
            id: caseId,
            loan_id: input.loanId,
            opened_on: input.date,
            principal: formatAmount(b.principal_outstanding.plus(b.principal_invoiced)),
            interest: formatAmount(b.interest_receivable),
            fees: formatAmount(fees),
            default_interest: formatAmount(b.default_interest_receivable),
            collection_fee: formatAmount(collectionFee),
            total: formatAmount(total),
            status: 'OPEN',
          })
          .execute();
        await trx
          .updateTable('termination_notices')
          .set({ status: 'EXPIRED', resolved_on: input.date })
          .where('loan_id', '=', input.loanId)
          .where('sequence', '=', input.sequence)
          .execute();
        await setLoanStatus(trx, input.loanId, 'IN_COLLECTION');
        return { caseId, total: formatAmount(total) };
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
