/** Loans, their invoices and incoming payments: plain functions taking the db first. */
import type { LoanStatus } from '../domain/loan-statuses';
import { stockholmDate } from '../domain/dates';
import type { Db, InvoiceTable, LoanTable, PaymentTable } from './database';
import { type Insertable, type Selectable, sql } from 'kysely';

export type LoanRow = Selectable<LoanTable>;
export type InvoiceRow = Selectable<InvoiceTable>;
export type PaymentRow = Selectable<PaymentTable>;

export async function insertLoan(db: Db, loan: Insertable<LoanTable>): Promise<void> {
  await db
    .insertInto('loans')
    .values(loan)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findLoan(db: Db, loanId: string): Promise<LoanRow | undefined> {
  return db.selectFrom('loans').selectAll().where('id', '=', loanId).executeTakeFirst();
}

/**
 * The loan's row, locked until the transaction ends: one change of a loan at a time, even across
 * workers. `FOR NO KEY UPDATE` excludes every other locker as `FOR UPDATE` did (no change touches
 * the loan's id), but not the key-share lock a foreign key check takes: a payment registered for
 * the loan (POST /v1/payments, a bank file) is stored at once instead of waiting for the loan's
 * change in progress, and its own workflow then queues for the loan like any change.
 */
export async function lockLoan(trx: Db, loanId: string): Promise<LoanRow> {
  return trx.selectFrom('loans').selectAll().where('id', '=', loanId).forNoKeyUpdate().executeTakeFirstOrThrow();
}

export async function findLoanOrThrow(db: Db, loanId: string): Promise<LoanRow> {
  return db.selectFrom('loans').selectAll().where('id', '=', loanId).executeTakeFirstOrThrow();
}

/** The rate, monthly payment and term after a rate change (R-LOAN-5) or a payment-free month (R-LOAN-6). */
export async function updateLoanTerms(
  db: Db,
  loanId: string,
  terms: Partial<Pick<LoanRow, 'nominal_rate_percent' | 'monthly_payment' | 'term_months'>>,
): Promise<void> {
  await db.updateTable('loans').set(terms).where('id', '=', loanId).execute();
}

/** R-LOAN-3: default interest is posted up to and including `date`. */
export async function setDefaultInterestAccruedUntil(db: Db, loanId: string, date: string): Promise<void> {
  await db.updateTable('loans').set({ default_interest_accrued_until: date }).where('id', '=', loanId).execute();
}

export async function setLoanStatus(db: Db, loanId: string, status: LoanStatus, closedOn?: string): Promise<void> {
  await db
    .updateTable('loans')
    .set({ status, closed_on: closedOn ?? null, updated_at: new Date() })
    .where('id', '=', loanId)
    .execute();
}

export async function insertInvoice(db: Db, invoice: Insertable<InvoiceTable>): Promise<void> {
  await db
    .insertInto('invoices')
    .values(invoice)
    .onConflict((oc) => oc.columns(['loan_id', 'number']).doNothing())
    .execute();
}

export async function findInvoice(db: Db, loanId: string, number: number): Promise<InvoiceRow | undefined> {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** The next invoice number (installments and the payoff/withdrawal invoices share the sequence). */
export async function nextInvoiceNumber(db: Db, loanId: string): Promise<number> {
  const row = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('loan_id', '=', loanId)
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0) + 1;
}

export async function listInstallmentInvoices(
  db: Db,
  loanId: string,
): Promise<Pick<InvoiceRow, 'number' | 'due_date' | 'lines'>[]> {
  return db
    .selectFrom('invoices')
    .select(['number', 'due_date', 'lines'])
    .where('loan_id', '=', loanId)
    .where('kind', '=', 'installment')
    .execute();
}

/**
 * The late-invoice sweep (R-LOAN-3): loans in one of `statuses` with an installment unpaid after
 * its due date and no late fee yet, by loan id, `limit` after `afterLoanId`.
 */
export async function findLoansWithLateInvoices(
  db: Db,
  page: { date: string; statuses: readonly LoanStatus[]; afterLoanId?: string; limit: number },
): Promise<string[]> {
  let query = db
    .selectFrom('invoices as i')
    .innerJoin('loans as l', 'l.id', 'i.loan_id')
    .select('i.loan_id')
    .distinct()
    .where('i.status', '=', 'OPEN')
    .where('i.kind', '=', 'installment')
    .where('i.late_fee_charged_on', 'is', null)
    .where('i.due_date', '<', page.date)
    .where('l.status', 'in', [...page.statuses])
    .orderBy('i.loan_id')
    .limit(page.limit);
  if (page.afterLoanId) query = query.where('i.loan_id', '>', page.afterLoanId);
  return (await query.execute()).map((r) => r.loan_id);
}

export async function listInvoices(db: Db, loanId: string): Promise<InvoiceRow[]> {
  return db.selectFrom('invoices').selectAll().where('loan_id', '=', loanId).orderBy('number').execute();
}

export async function updateInvoice(
  db: Db,
  loanId: string,
  number: number,
  changes: Partial<
    Pick<InvoiceRow, 'status' | 'paid_date' | 'late_fee_charged_on' | 'reminder_sent_on' | 'reminder_due_date'>
  >,
): Promise<void> {
  await db.updateTable('invoices').set(changes).where('loan_id', '=', loanId).where('number', '=', number).execute();
}

/** A payment to register (registerPayment, registerPaymentOnce). */
export interface NewPayment {
  id: string;
  bankReference: string;
  ocrReference: string;
  amount: string;
  /** R-PAY-1: the value date, the day the customer paid (a bank file's payment date). */
  paymentDate: string;
  /** R-PAY-1: the day it is registered; default today (Europe/Stockholm). */
  bookingDate?: string;
}

/**
 * Registers an incoming bank payment once per bank reference and matches its OCR reference to an
 * invoice or a loan; unmatched payments wait in suspense for an operator.
 */
export async function registerPayment(db: Db, payment: NewPayment): Promise<PaymentRow> {
  return (await registerPaymentOnce(db, payment)).payment;
}

/**
 * registerPayment, saying whether this call registered it (`inserted`) or found the bank reference
 * registered already (the row as it was, whatever this call's details). The match and the insert
 * are one statement: the OCR reference is an invoice's, else a loan's, else (R-COLL-9) a collection
 * case's own, which pays the case through its loan.
 */
export async function registerPaymentOnce(
  db: Db,
  payment: NewPayment,
): Promise<{ inserted: boolean; payment: PaymentRow }> {
  const ocr = payment.ocrReference;
  const bookingDate = payment.bookingDate ?? stockholmDate(new Date());
  const inserted = await db
    .insertInto('payments')
    .columns([
      'id',
      'bank_reference',
      'ocr_reference',
      'amount',
      'payment_date',
      'booking_date',
      'loan_id',
      'status',
      'allocation',
    ])
    .expression(
      sql`select ${payment.id}::text, ${payment.bankReference}::text, ${ocr}::text, ${payment.amount}::numeric,
        ${payment.paymentDate}::date, ${bookingDate}::date, m.loan_id,
        case when m.loan_id is null then 'SUSPENSE' else 'RECEIVED' end, null::jsonb
      from (select coalesce(
        (select loan_id from invoices where ocr_reference = ${ocr}),
        (select id from loans where ocr_reference = ${ocr}),
        (select loan_id from collection_cases where ocr_reference = ${ocr})) as loan_id) m`,
    )
    .onConflict((oc) => oc.column('bank_reference').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { inserted: true, payment: inserted };
  const existing = await db
    .selectFrom('payments')
    .selectAll()
    .where('bank_reference', '=', payment.bankReference)
    .executeTakeFirstOrThrow();
  return { inserted: false, payment: existing };
}

export async function findPayment(db: Db, paymentId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
}

/** R-LOAN-2: the payment is applied, with its allocation (a repeat reads it back). */
export async function markPaymentApplied(db: Db, paymentId: string, allocation: unknown): Promise<void> {
  await db
    .updateTable('payments')
    .set({ status: 'APPLIED', allocation: JSON.stringify(allocation) })
    .where('id', '=', paymentId)
    .execute();
}

export async function listPayments(db: Db, loanId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('loan_id', '=', loanId)
    .orderBy('payment_date')
    .orderBy('received_at')
    .execute();
}

export async function listSuspensePayments(db: Db): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('status', '=', 'SUSPENSE').orderBy('received_at').execute();
}

/**
 * Moves a suspense payment to a loan (status RECEIVED), once: the row as assigned, or undefined when
 * it was not in suspense any more (assigned meanwhile, e.g. by a concurrent call: read it again).
 */
export async function assignPayment(db: Db, paymentId: string, loanId: string): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({ loan_id: loanId, status: 'RECEIVED' })
    .where('id', '=', paymentId)
    .where('status', '=', 'SUSPENSE')
    .returningAll()
    .executeTakeFirst();
}

/**
 * The loans the customer owes: as the main borrower (the loan's customer) or as a co-applicant who
 * signed the application the loan came from (same contract number, R-APP-2), jointly liable.
 */
export async function listCustomerLoans(db: Db, customerId: string): Promise<LoanRow[]> {
  return db
    .selectFrom('loans')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('customer_id', '=', customerId),
        eb(
          'contract_number',
          'in',
          eb
            .selectFrom('applicants')
            .innerJoin('applications', 'applications.id', 'applicants.application_id')
            .select('applications.contract_number')
            .where('applicants.customer_id', '=', customerId)
            .where('applicants.status', '=', 'SIGNED')
            .where('applications.contract_number', 'is not', null),
        ),
      ]),
    )
    .orderBy('created_at')
    .execute();
}

/** Whether the customer owes the loan (see listCustomerLoans). */
export async function isCustomerLoan(db: Db, loanId: string, customerId: string): Promise<boolean> {
  const loans = await listCustomerLoans(db, customerId);
  return loans.some((l) => l.id === loanId);
}
