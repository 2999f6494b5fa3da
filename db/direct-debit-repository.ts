/**
 * R-PAY-3: direct-debit (autogiro) mandates and draws. Personal data (R-SEC-2): a mandate row holds
 * the payer's personnummer and account; never log a row. Plain functions taking the db first.
 */
import type { Selectable } from 'kysely';
import type { Db, DirectDebitDrawTable, DirectDebitMandateStatus, DirectDebitMandateTable } from './database';

export type MandateRow = Selectable<DirectDebitMandateTable>;
export type DrawRow = Selectable<DirectDebitDrawTable>;

const LIVE: DirectDebitMandateStatus[] = ['PENDING_SIGNATURE', 'ACTIVE'];

export interface NewMandate {
  id: string;
  customerId: string;
  loanId: string;
  caseId: string | null;
  clearingNumber: string;
  accountNumber: string;
  payerPersonnummer: string;
}

/** Inserts a PENDING_SIGNATURE mandate; undefined when the loan (or case) already has a live one. */
export async function insertMandate(db: Db, m: NewMandate): Promise<MandateRow | undefined> {
  return db
    .insertInto('direct_debit_mandates')
    .values({
      id: m.id,
      customer_id: m.customerId,
      loan_id: m.loanId,
      case_id: m.caseId,
      status: 'PENDING_SIGNATURE',
      clearing_number: m.clearingNumber,
      account_number: m.accountNumber,
      payer_personnummer: m.payerPersonnummer,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMandate(db: Db, id: string): Promise<MandateRow | undefined> {
  return db.selectFrom('direct_debit_mandates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The live (pending or active) mandate for a loan's invoices (`caseId` null) or a case's plan. */
export async function findLiveMandate(
  db: Db,
  target: { loanId: string; caseId: string | null },
): Promise<MandateRow | undefined> {
  let q = db
    .selectFrom('direct_debit_mandates')
    .selectAll()
    .where('loan_id', '=', target.loanId)
    .where('status', 'in', LIVE);
  q = target.caseId === null ? q.where('case_id', 'is', null) : q.where('case_id', '=', target.caseId);
  return q.executeTakeFirst();
}

/** Mandates of a loan and its case, newest first. */
export async function listMandatesOfLoan(db: Db, loanId: string): Promise<MandateRow[]> {
  return db
    .selectFrom('direct_debit_mandates')
    .selectAll()
    .where('loan_id', '=', loanId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function setMandateOrder(db: Db, id: string, orderRef: string): Promise<void> {
  await db.updateTable('direct_debit_mandates').set({ bankid_order_ref: orderRef }).where('id', '=', id).execute();
}

/** PENDING_SIGNATURE → ACTIVE (a repeat changes nothing). */
export async function activateMandate(
  db: Db,
  id: string,
  activation: { providerMandateId: string; signature: string },
): Promise<void> {
  await db
    .updateTable('direct_debit_mandates')
    .set({
      status: 'ACTIVE',
      provider_mandate_id: activation.providerMandateId,
      signature: activation.signature,
      activated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'PENDING_SIGNATURE')
    .execute();
}

/** PENDING_SIGNATURE → FAILED (the BankID signature failed). */
export async function failMandate(db: Db, id: string, reason: string): Promise<void> {
  await db
    .updateTable('direct_debit_mandates')
    .set({ status: 'FAILED', failure_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'PENDING_SIGNATURE')
    .execute();
}

/** A live mandate → CANCELLED (by the customer, an operator or the payer's bank). */
export async function cancelMandateRow(db: Db, id: string, by: 'customer' | 'operator' | 'bank'): Promise<void> {
  await db
    .updateTable('direct_debit_mandates')
    .set({ status: 'CANCELLED', cancelled_by: by, cancelled_at: new Date() })
    .where('id', '=', id)
    .where('status', 'in', LIVE)
    .execute();
}

/** Records the draw under its key once; the stored row (the first attempt's amount) is returned. */
export async function recordDraw(
  db: Db,
  draw: Pick<DrawRow, 'idempotency_key' | 'mandate_id' | 'loan_id' | 'amount' | 'due_date'> &
    Partial<Pick<DrawRow, 'invoice_number' | 'case_id' | 'installment_number'>>,
): Promise<DrawRow> {
  await db
    .insertInto('direct_debit_draws')
    .values({ ...draw, status: 'REQUESTED' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return db
    .selectFrom('direct_debit_draws')
    .selectAll()
    .where('idempotency_key', '=', draw.idempotency_key)
    .executeTakeFirstOrThrow();
}

export async function findDraw(db: Db, idempotencyKey: string): Promise<DrawRow | undefined> {
  return db
    .selectFrom('direct_debit_draws')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

export async function settleDraw(
  db: Db,
  idempotencyKey: string,
  outcome: Pick<DrawRow, 'status' | 'draw_id' | 'refusal_reason' | 'payment_id'>,
): Promise<void> {
  await db.updateTable('direct_debit_draws').set(outcome).where('idempotency_key', '=', idempotencyKey).execute();
}

export async function listDrawsOfLoan(db: Db, loanId: string): Promise<DrawRow[]> {
  return db.selectFrom('direct_debit_draws').selectAll().where('loan_id', '=', loanId).orderBy('created_at').execute();
}
