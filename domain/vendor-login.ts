/**
 * Vendor users' password login: after MAX_FAILED_LOGINS failures in a row the account is
 * locked for LOCK_MINUTES (a correct password does not open it meanwhile); a success resets the
 * count. Password-reset links are valid RESET_LINK_MINUTES and once.
 */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
export const RESET_LINK_MINUTES = 60;
export const MIN_PASSWORD_LENGTH = 12;

/** The lock after one more failure, or null while the account stays open. */
export function lockAfterFailure(failedBefore: number, now: Date): { failed: number; lockedUntil: Date | null } {
  const failed = failedBefore + 1;
  return {
    failed,
    lockedUntil: failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null,
  };
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
