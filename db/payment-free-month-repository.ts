/** R-LOAN-6: payment-free months granted on a loan. Plain functions taking the db first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db, PaymentFreeMonthTable } from './database';

export type PaymentFreeMonthRow = Selectable<PaymentFreeMonthTable>;

export async function findPaymentFreeMonth(
  db: Db,
  loanId: string,
  installmentNumber: number,
): Promise<PaymentFreeMonthRow | undefined> {
  return db
    .selectFrom('payment_free_months')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('installment_number', '=', installmentNumber)
    .executeTakeFirst();
}

/** Once per installment: a repeat leaves the first grant. */
export async function insertPaymentFreeMonth(db: Db, grant: Insertable<PaymentFreeMonthTable>): Promise<void> {
  await db
    .insertInto('payment_free_months')
    .values(grant)
    .onConflict((oc) => oc.columns(['loan_id', 'installment_number']).doNothing())
    .execute();
}

export async function markPaymentFreeMonthApplied(
  db: Db,
  loanId: string,
  installmentNumber: number,
  effect: { capitalisedInterest: string; newMonthlyPayment: string },
): Promise<void> {
  await db
    .updateTable('payment_free_months')
    .set({
      status: 'APPLIED',
      capitalised_interest: effect.capitalisedInterest,
      new_monthly_payment: effect.newMonthlyPayment,
    })
    .where('loan_id', '=', loanId)
    .where('installment_number', '=', installmentNumber)
    .execute();
}

/** Due dates of the installments a payment-free month replaced (their interest capitalised). */
export async function appliedPaymentFreeDueDates(db: Db, loanId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('payment_free_months')
    .select('due_date')
    .where('loan_id', '=', loanId)
    .where('status', '=', 'APPLIED')
    .execute();
  return rows.map((r) => r.due_date);
}
