/**
 * QR secrets of the BankID orders the application workflow starts (migration
 * 2026-11-30T0100_web_customer_bankid_qr): written by the start-order activity, read by the
 * customer pages to draw the animated QR code. The secret is never logged, returned by the API or
 * put in workflow history.
 */
import type { Db } from './database';

/** How long a secret is kept: BankID orders live minutes, not hours. */
const KEEP_MINUTES = 15;

export interface BankIdQrSecret {
  orderRef: string;
  qrStartToken: string;
  qrStartSecret: string;
  /** When the order was started: the QR code's time counter runs from here. */
  startedAt: Date;
}

/** Idempotent: a repeat for the same order keeps the first row. Sweeps expired rows on the way. */
export async function saveBankIdQrSecret(db: Db, secret: BankIdQrSecret, now = new Date()): Promise<void> {
  await db.deleteFrom('bankid_qr_secrets').where('expires_at', '<=', now).execute();
  await db
    .insertInto('bankid_qr_secrets')
    .values({
      order_ref: secret.orderRef,
      qr_start_token: secret.qrStartToken,
      qr_start_secret: secret.qrStartSecret,
      started_at: secret.startedAt,
      expires_at: new Date(now.getTime() + KEEP_MINUTES * 60_000),
    })
    .onConflict((oc) => oc.column('order_ref').doNothing())
    .execute();
}

export async function findBankIdQrSecret(
  db: Db,
  orderRef: string,
  now = new Date(),
): Promise<BankIdQrSecret | undefined> {
  const row = await db
    .selectFrom('bankid_qr_secrets')
    .selectAll()
    .where('order_ref', '=', orderRef)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row
    ? {
        orderRef: row.order_ref,
        qrStartToken: row.qr_start_token,
        qrStartSecret: row.qr_start_secret,
        startedAt: row.started_at,
      }
    : undefined;
}
