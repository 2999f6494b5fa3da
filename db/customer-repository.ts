/**
 * Customers' contact details for notices (R-LOAN-11): email, phone and an optional postal address.
 * Personal data (R-SEC-2): never log a row. Plain functions taking the db (or a transaction) first.
 */
import type { Kysely, Selectable } from 'kysely';
import type { CustomerTable, Database } from './database';

export type CustomerRow = Selectable<CustomerTable>;

export interface PostalAddress {
  name: string;
  street: string;
  postalCode: string;
  city: string;
}

/** Fields left undefined keep their stored value; `null` clears them. */
export interface CustomerContact {
  id: string;
  email?: string | null;
  phone?: string | null;
  postalAddress?: PostalAddress | null;
}

function columns(contact: CustomerContact) {
  const set: Partial<Omit<CustomerTable, 'id' | 'updated_at'>> = {};
  if (contact.email !== undefined) set.email = contact.email;
  if (contact.phone !== undefined) set.phone = contact.phone;
  if (contact.postalAddress !== undefined) {
    const a = contact.postalAddress;
    set.postal_name = a?.name ?? null;
    set.postal_street = a?.street ?? null;
    set.postal_code = a?.postalCode ?? null;
    set.postal_city = a?.city ?? null;
  }
  return set;
}

/** Creates the customer or updates the given fields; returns the stored row. */
export async function upsertCustomerContact(db: Kysely<Database>, contact: CustomerContact): Promise<CustomerRow> {
  const set = columns(contact);
  return db
    .insertInto('customers')
    .values({ id: contact.id, ...set })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...set, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCustomer(db: Kysely<Database>, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The postal address, when complete. */
export function postalAddressOf(row: CustomerRow): PostalAddress | undefined {
  if (!row.postal_name || !row.postal_street || !row.postal_code || !row.postal_city) return undefined;
  return { name: row.postal_name, street: row.postal_street, postalCode: row.postal_code, city: row.postal_city };
}
