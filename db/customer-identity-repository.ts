/**
 * Which customer id a person (personnummer, proven by BankID) acts as on the customer pages.
 * Personal data (R-SEC-2): never log the personnummer.
 */
import { createHmac } from 'node:crypto';
import type { Db } from './database';

/** The customer id an applicant with this personnummer was last bound to, if any. */
export async function findCustomerIdByPersonnummer(db: Db, personnummer: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('applicants')
    .innerJoin('applications', 'applications.id', 'applicants.application_id')
    .select('applicants.customer_id')
    .where('applicants.personnummer', '=', personnummer)
    .where('applicants.customer_id', 'is not', null)
    .orderBy('applications.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.customer_id ?? undefined;
}

/**
 * The person's customer id: the one already bound to them, else one derived with a keyed hash, so
 * the same person gets the same id at every login and the id reveals nothing about them.
 */
export async function customerIdForPersonnummer(db: Db, secret: string, personnummer: string): Promise<string> {
  const bound = await findCustomerIdByPersonnummer(db, personnummer);
  if (bound) return bound;
  return `customer-${createHmac('sha256', secret).update(`customer:${personnummer}`).digest('base64url').slice(0, 22)}`;
}
