/**
 * Vendor users of the back-office (web/vendor): one vendor each (R-SEC-1), an argon2id hash, the
 * failed-login count and lock (domain/vendor-login.ts), and one-time password-reset tokens (only
 * their SHA-256). Contact details are personal data (R-SEC-2): never log a row.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, VendorUserTable } from './database';

export type VendorUserRow = Selectable<VendorUserTable>;

export const hashResetToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function insertVendorUser(
  db: Db,
  user: { id: string; vendorId: string; email: string; passwordHash: string; createdBy: string },
): Promise<VendorUserRow> {
  return db
    .insertInto('vendor_users')
    .values({
      id: user.id,
      vendor_id: user.vendorId,
      email: user.email.toLowerCase(),
      password_hash: user.passwordHash,
      locked_until: null,
      created_by: user.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findVendorUserByEmail(db: Db, email: string): Promise<VendorUserRow | undefined> {
  return db.selectFrom('vendor_users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findVendorUser(db: Db, id: string): Promise<VendorUserRow | undefined> {
  return db.selectFrom('vendor_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listVendorUsers(db: Db): Promise<VendorUserRow[]> {
  return db.selectFrom('vendor_users').selectAll().orderBy('created_at', 'desc').limit(500).execute();
}

export async function recordFailedLogin(db: Db, id: string, failed: number, lockedUntil: Date | null): Promise<void> {
  await db
    .updateTable('vendor_users')
    .set({ failed_logins: failed, locked_until: lockedUntil })
    .where('id', '=', id)
    .execute();
}

export async function resetFailedLogins(db: Db, id: string): Promise<void> {
  await db.updateTable('vendor_users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

export async function insertPasswordReset(db: Db, userId: string, token: string, expiresAt: Date): Promise<void> {
  await db
    .insertInto('vendor_password_resets')
    .values({ token_hash: hashResetToken(token), user_id: userId, expires_at: expiresAt, used_at: null })
    .execute();
}

/** The user of an unused, unexpired reset token, or undefined. */
export async function findPasswordReset(db: Db, token: string, now: Date): Promise<VendorUserRow | undefined> {
  return db
    .selectFrom('vendor_password_resets as r')
    .innerJoin('vendor_users as u', 'u.id', 'r.user_id')
    .selectAll('u')
    .where('r.token_hash', '=', hashResetToken(token))
    .where('r.used_at', 'is', null)
    .where('r.expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses the token (once) and sets the new password; the lock is lifted. False if the token was spent. */
export async function completePasswordReset(db: Db, token: string, passwordHash: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const used = await tx
      .updateTable('vendor_password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', hashResetToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!used) return false;
    await tx
      .updateTable('vendor_users')
      .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
      .where('id', '=', used.user_id)
      .execute();
    return true;
  });
}

/** The applicants of some applications (their BankID names for the creating vendor's lists). */
export async function listApplicantsOf(db: Db, applicationIds: readonly string[]) {
  if (applicationIds.length === 0) return [];
  return db
    .selectFrom('applicants')
    .select(['application_id', 'idx', 'name', 'personnummer', 'status'])
    .where('application_id', 'in', applicationIds)
    .orderBy('application_id')
    .orderBy('idx')
    .execute();
}
