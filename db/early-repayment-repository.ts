/** R-LOAN-7: confirmed early-repayment orders. Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db, EarlyRepaymentOrderTable } from './database';

export type EarlyRepaymentOrderRow = Selectable<EarlyRepaymentOrderTable>;

/** The status of the loan's latest order, if any. */
export async function latestEarlyRepaymentStatus(db: Db, loanId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('early_repayment_orders')
    .select('status')
    .where('loan_id', '=', loanId)
    .orderBy('confirmed_on', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.status;
}

/** A confirmed order that a payment made on `date` can still settle. */
export async function findConfirmedOrderPayableOn(
  db: Db,
  loanId: string,
  date: string,
): Promise<EarlyRepaymentOrderRow | undefined> {
  return db
    .selectFrom('early_repayment_orders')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('status', '=', 'CONFIRMED')
    .where('pay_by', '>=', date)
    .executeTakeFirst();
}

/** A new confirmation replaces the loan's other confirmed orders. */
export async function expireConfirmedOrdersExcept(db: Db, loanId: string, orderId: string): Promise<void> {
  await db
    .updateTable('early_repayment_orders')
    .set({ status: 'EXPIRED' })
    .where('loan_id', '=', loanId)
    .where('status', '=', 'CONFIRMED')
    .where('id', '<>', orderId)
    .execute();
}

/** Once per order id: a repeat leaves the first. */
export async function insertEarlyRepaymentOrder(db: Db, order: Insertable<EarlyRepaymentOrderTable>): Promise<void> {
  await db
    .insertInto('early_repayment_orders')
    .values(order)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function markEarlyRepaymentSettled(db: Db, orderId: string, paymentId: string): Promise<void> {
  await db
    .updateTable('early_repayment_orders')
    .set({ status: 'SETTLED', settled_by_payment: paymentId })
    .where('id', '=', orderId)
    .execute();
}

/** Expires the order unless a payment settled it meanwhile. */
export async function expireEarlyRepaymentOrder(db: Db, orderId: string): Promise<void> {
  await db
    .updateTable('early_repayment_orders')
    .set({ status: 'EXPIRED' })
    .where('id', '=', orderId)
    .where('status', '=', 'CONFIRMED')
    .execute();
}
