import type { Kysely } from 'kysely';

/**
 * R-PAY-1: every payment has a value date (`payment_date`: the day the customer paid, from the bank)
 * and a booking date (the day it was registered here). Payments registered before this column
 * existed were applied as of their value date: their booking date is left null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('booking_date', 'date').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('booking_date').execute();
}
