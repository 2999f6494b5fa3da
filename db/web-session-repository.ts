/**
 * Browser sessions (web/): rows keyed by the SHA-256 of the cookie's token. Personal data
 * (R-SEC-2): `data` may hold a customer id and a BankID order, never log a row.
 */
import type { Db } from './database';

export interface StoredWebSession {
  data: Record<string, unknown>;
  expiresAt: Date;
}

export async function findWebSession(db: Db, tokenHash: string, now: Date): Promise<StoredWebSession | undefined> {
  const row = await db
    .selectFrom('web_sessions')
    .select(['data', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { data: row.data as Record<string, unknown>, expiresAt: row.expires_at } : undefined;
}

export async function saveWebSession(
  db: Db,
  tokenHash: string,
  data: Record<string, unknown>,
  expiresAt: Date,
): Promise<void> {
  const json = JSON.stringify(data);
  await db
    .insertInto('web_sessions')
    .values({ token_hash: tokenHash, data: json, expires_at: expiresAt })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ data: json, expires_at: expiresAt }))
    .execute();
}

export async function deleteWebSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Expired rows are removed now and then by the pages themselves (no sweep needed). */
export async function deleteExpiredWebSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('web_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
