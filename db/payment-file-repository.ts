/** R-PAY-2: imported bank files, each once, with its report. */
import type { Selectable } from 'kysely';
import type { Db, PaymentFileTable } from './database';

export type PaymentFileRow = Selectable<PaymentFileTable>;

export async function findPaymentFile(db: Db, id: string): Promise<PaymentFileRow | undefined> {
  return db.selectFrom('payment_files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The file imported under this identity or with this content, if any. */
export async function findPaymentFileByIdentity(
  db: Db,
  identity: string,
  contentHash: string,
): Promise<PaymentFileRow | undefined> {
  return db
    .selectFrom('payment_files')
    .selectAll()
    .where((eb) => eb.or([eb('identity', '=', identity), eb('content_hash', '=', contentHash)]))
    .executeTakeFirst();
}

export async function insertPaymentFile(
  db: Db,
  file: Omit<PaymentFileRow, 'imported_at' | 'report'> & { report: unknown },
): Promise<void> {
  await db
    .insertInto('payment_files')
    .values({ ...file, report: JSON.stringify(file.report) })
    .execute();
}
