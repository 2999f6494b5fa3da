/**
 * What the money integration tests share: a loan opened and moved on through its activities
 * directly, step by step as the loan workflow runs them (no Temporal), on dates the test names.
 */
import { randomUUID } from 'node:crypto';
import type { createLoanActivities } from '../../activities/loan';
import type { Db } from '../../db/database';
import { findLoan, type PaymentRow, registerPayment } from '../../db/loan-repository';
import type { IsoDate } from '../../domain/dates';
import { invoiceIssueDate, reminderDate, reminderDueDate } from '../../domain/invoicing';
import type { LoanTerms } from '../../domain/loan-terms';
import { Decimal, formatAmount } from '../../domain/money';
import { buildSchedule, installmentDueDate } from '../../domain/schedule';

export type LoanActivities = ReturnType<typeof createLoanActivities>;

/**
 * Opens a loan (R-LOAN-1) through `activities`: 50 000 kr over 24 months at 9.95 %, autogiro, a
 * fresh 9-digit contract number; `terms` override any of it. The amounts are the schedule's.
 */
export async function openLoanDirectly(
  activities: LoanActivities,
  terms: Partial<LoanTerms> & { payoutDate: IsoDate },
): Promise<LoanTerms> {
  const loanId = terms.loanId ?? randomUUID();
  const opened: LoanTerms = {
    loanId,
    contractNumber: String(500_000_000 + Math.floor(Math.random() * 499_999_999)),
    customerId: `customer-${loanId}`,
    amount: '50000.00',
    termMonths: 24,
    nominalRatePercent: '9.95',
    noticeChannel: 'autogiro',
    ...terms,
  };
  const schedule = buildSchedule({
    ...opened,
    amount: new Decimal(opened.amount),
    nominalRatePercent: new Decimal(opened.nominalRatePercent),
  });
  await activities.openLoan({
    ...opened,
    capitalisedInterest: formatAmount(schedule.capitalisedInterest),
    monthlyPayment: formatAmount(schedule.monthlyPayment),
  });
  return opened;
}

/** Issues installment `number`'s invoice on its issue date (not the last); returns its due date. */
export async function issueInstallment(
  activities: LoanActivities,
  terms: Pick<LoanTerms, 'loanId' | 'payoutDate'>,
  number: number,
): Promise<IsoDate> {
  const dueDate = installmentDueDate(terms.payoutDate, number);
  await activities.issueInvoice({
    loanId: terms.loanId,
    idempotencyKey: `${terms.loanId}:invoice:${number}`,
    number,
    issueDate: invoiceIssueDate(dueDate),
    dueDate,
    isLast: false,
  });
  return dueDate;
}

/** Sends the reminder of invoice `invoiceNumber` (due `dueDate`) on its reminder day (R-LOAN-3); returns that day. */
export async function remindOfInstallment(
  activities: LoanActivities,
  loanId: string,
  invoiceNumber: number,
  dueDate: IsoDate,
): Promise<IsoDate> {
  const reminded = reminderDate(dueDate);
  await activities.sendReminder({
    loanId,
    idempotencyKey: `${loanId}:reminder:${invoiceNumber}`,
    invoiceNumber,
    date: reminded,
    newDueDate: reminderDueDate(reminded),
  });
  return reminded;
}

/**
 * A bank payment to the loan's OCR reference, registered (R-PAY-1: paid on `paymentDate`, booked
 * on `bookingDate`) but not yet applied.
 */
export async function registerLoanPayment(
  db: Db,
  payment: { loanId: string; bankReference: string; amount: string; paymentDate: IsoDate; bookingDate: IsoDate },
): Promise<PaymentRow> {
  const loan = await findLoan(db, payment.loanId);
  if (!loan) throw new Error(`no loan ${payment.loanId}`);
  return registerPayment(db, {
    id: randomUUID(),
    bankReference: payment.bankReference,
    ocrReference: loan.ocr_reference,
    amount: payment.amount,
    paymentDate: payment.paymentDate,
    bookingDate: payment.bookingDate,
  });
}
