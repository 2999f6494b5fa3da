/**
 * R-LOAN-11, R-PAY-1: the late-payment reports made to the credit bureau (ids only, no personal
 * data), and their withdrawal when a value-dated payment would have prevented them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Db } from './database';

export interface BureauLatePaymentReportTable {
  /** The report's idempotency key at the bureau (`<loan key>:bureau-late:<invoice>:borrower-<n>`). */
  idempotency_key: string;
  loan_id: string;
  borrower: number;
  /** The bureau's id of the report. */
  report_id: string;
  /** The missed due date the report is about. */
  due_date: string;
  reported_on: string;
  created_at: Generated<Date>;
  /** Set once, when a payment judged at its value date prevents the report (R-PAY-1). */
  withdrawal_key: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawal_payment_id: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The bureau's code when it refused the withdrawal for good (for an operator). */
  withdrawal_refused: ColumnType<string | null, string | null | undefined, string | null>;
}

declare module './database' {
  interface Database {
    bureau_late_payment_reports: BureauLatePaymentReportTable;
  }
}

export type BureauLatePaymentReportRow = Selectable<BureauLatePaymentReportTable>;

/** Records a report the bureau confirmed; a repeat under the same key changes nothing. */
export async function recordLatePaymentReport(
  db: Db,
  report: {
    idempotencyKey: string;
    loanId: string;
    borrower: number;
    reportId: string;
    dueDate: string;
    reportedOn: string;
  },
): Promise<void> {
  await db
    .insertInto('bureau_late_payment_reports')
    .values({
      idempotency_key: report.idempotencyKey,
      loan_id: report.loanId,
      borrower: report.borrower,
      report_id: report.reportId,
      due_date: report.dueDate,
      reported_on: report.reportedOn,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/**
 * R-PAY-1: marks the reports of the loan about `dueDate` for withdrawal (in the payment's
 * transaction), each once: the withdrawal key is the report's key + `:withdrawal`, set only if none
 * is set yet. Returns how many reports were marked now.
 */
export async function markReportsForWithdrawal(
  db: Db,
  loanId: string,
  dueDate: string,
  paymentId: string,
): Promise<number> {
  const rows = await db
    .selectFrom('bureau_late_payment_reports')
    .select('idempotency_key')
    .where('loan_id', '=', loanId)
    .where('due_date', '=', dueDate)
    .where('withdrawal_key', 'is', null)
    .execute();
  for (const row of rows) {
    await db
      .updateTable('bureau_late_payment_reports')
      .set({ withdrawal_key: `${row.idempotency_key}:withdrawal`, withdrawal_payment_id: paymentId })
      .where('idempotency_key', '=', row.idempotency_key)
      .where('withdrawal_key', 'is', null)
      .execute();
  }
  return rows.length;
}

/** Reports of the loan marked for withdrawal that the bureau has neither confirmed nor refused. */
export async function pendingWithdrawals(db: Db, loanId: string): Promise<BureauLatePaymentReportRow[]> {
  return db
    .selectFrom('bureau_late_payment_reports')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('withdrawal_key', 'is not', null)
    .where('withdrawn_at', 'is', null)
    .where('withdrawal_refused', 'is', null)
    .orderBy('idempotency_key')
    .execute();
}

export async function markReportWithdrawn(db: Db, idempotencyKey: string, withdrawnAt: Date): Promise<void> {
  await db
    .updateTable('bureau_late_payment_reports')
    .set({ withdrawn_at: withdrawnAt })
    .where('idempotency_key', '=', idempotencyKey)
    .where('withdrawn_at', 'is', null)
    .execute();
}

export async function markWithdrawalRefused(db: Db, idempotencyKey: string, code: string): Promise<void> {
  await db
    .updateTable('bureau_late_payment_reports')
    .set({ withdrawal_refused: code })
    .where('idempotency_key', '=', idempotencyKey)
    .where('withdrawn_at', 'is', null)
    .execute();
}

export async function reportsOfLoan(db: Db, loanId: string): Promise<BureauLatePaymentReportRow[]> {
  return db
    .selectFrom('bureau_late_payment_reports')
    .selectAll()
    .where('loan_id', '=', loanId)
    .orderBy('idempotency_key')
    .execute();
}

/** A withdrawal the bureau refused for good, with what an operator needs to act on it. */
export interface RefusedWithdrawalRow {
  idempotency_key: string;
  loan_id: string;
  contract_number: string;
  report_id: string;
  due_date: string;
  reported_on: string;
  withdrawal_refused: string;
  withdrawal_payment_id: string | null;
  /** The value date of the payment that made the report withdrawable (R-PAY-1). */
  paid_on: string | null;
}

/**
 * R-PAY-1: the reports whose withdrawal the bureau refused for good and that are still not
 * withdrawn: an operator's to take up with the bureau. Oldest report first; one loan's with `loanId`.
 */
export async function listRefusedWithdrawals(
  db: Db,
  filter: { loanId?: string } = {},
): Promise<RefusedWithdrawalRow[]> {
  let query = db
    .selectFrom('bureau_late_payment_reports as r')
    .innerJoin('loans', 'loans.id', 'r.loan_id')
    .leftJoin('payments', 'payments.id', 'r.withdrawal_payment_id')
    .select([
      'r.idempotency_key',
      'r.loan_id',
      'loans.contract_number',
      'r.report_id',
      'r.due_date',
      'r.reported_on',
      'r.withdrawal_refused',
      'r.withdrawal_payment_id',
      'payments.payment_date as paid_on',
    ])
    .where('r.withdrawal_refused', 'is not', null)
    .where('r.withdrawn_at', 'is', null);
  if (filter.loanId) query = query.where('r.loan_id', '=', filter.loanId);
  const rows = await query.orderBy('r.reported_on').orderBy('r.idempotency_key').execute();
  return rows.map((r) => ({ ...r, withdrawal_refused: r.withdrawal_refused!, paid_on: r.paid_on ?? null }));
}
