/** R-PAY-4: refunds to customers, each once (keyed by the step that opened it). */
import type { Selectable } from 'kysely';
import type { BankAccount } from '../domain/application';
import { Decimal, sumAmounts } from '../domain/money';
import type { RefundReason, RefundStatus } from '../domain/refund';
import type { Db, RefundTable } from './database';

export type RefundRow = Selectable<RefundTable>;

export async function insertRefund(
  db: Db,
  refund: {
    id: string;
    loanId: string;
    customerId: string;
    reason: RefundReason;
    amount: string;
    businessDate: string;
    toAccount: BankAccount | null;
  },
): Promise<RefundRow> {
  await db
    .insertInto('refunds')
    .values({
      id: refund.id,
      loan_id: refund.loanId,
      customer_id: refund.customerId,
      reason: refund.reason,
      amount: refund.amount,
      business_date: refund.businessDate,
      status: 'PENDING',
      to_account: refund.toAccount ? JSON.stringify(refund.toAccount) : null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await findRefund(db, refund.id))!;
}

export async function findRefund(db: Db, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What the loan's refunds not yet paid out take from its credit. */
export async function unpaidRefundTotal(db: Db, loanId: string): Promise<Decimal> {
  const rows = await db
    .selectFrom('refunds')
    .select('amount')
    .where('loan_id', '=', loanId)
    .where('status', '!=', 'PAID')
    .execute();
  return sumAmounts(rows.map((r) => new Decimal(r.amount)));
}

export async function listRefunds(db: Db, statuses: readonly RefundStatus[]): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('status', 'in', [...statuses])
    .orderBy('created_at')
    .execute();
}

export async function markRefundPaid(
  db: Db,
  id: string,
  payout: { payoutId: string; executionDate: string },
): Promise<void> {
  await db
    .updateTable('refunds')
    .set({
      status: 'PAID',
      payout_id: payout.payoutId,
      execution_date: payout.executionDate,
      failure: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export async function markRefundFailed(db: Db, id: string, failure: string): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ status: 'FAILED', failure, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .execute();
}

/**
 * A failed refund tried again (an operator): PENDING, a new attempt (the bank refused the last
 * one, so a new key pays nothing twice), to the account given or the one it had. Undefined when it
 * was not FAILED (a concurrent retry, or paid meanwhile).
 */
export async function retryRefund(db: Db, id: string, toAccount?: BankAccount): Promise<RefundRow | undefined> {
  return db
    .updateTable('refunds')
    .set((eb) => ({
      status: 'PENDING',
      attempt: eb('attempt', '+', 1),
      failure: null,
      updated_at: new Date(),
      ...(toAccount ? { to_account: JSON.stringify(toAccount) } : {}),
    }))
    .where('id', '=', id)
    .where('status', '=', 'FAILED')
    .returningAll()
    .executeTakeFirst();
}

/**
 * The customer's stated account: the payout account of the application the loan came from
 * (R-APP-9), or null when none is known (a loan without an application, or erased data).
 */
export async function findStatedAccount(db: Db, loanId: string): Promise<BankAccount | null> {
  const row = await db
    .selectFrom('applications')
    .innerJoin('loans', (j) =>
      j.on((eb) =>
        eb.or([
          eb('applications.loan_id', '=', eb.ref('loans.id')),
          eb('applications.contract_number', '=', eb.ref('loans.contract_number')),
        ]),
      ),
    )
    .select('applications.payout_account')
    .where('loans.id', '=', loanId)
    .where('applications.payout_account', 'is not', null)
    .executeTakeFirst();
  return (row?.payout_account as BankAccount | null | undefined) ?? null;
}
