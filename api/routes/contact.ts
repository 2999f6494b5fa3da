/**
 * The customer's own contact details (R-LOAN-11: where the new-mail SMS and e-mail go): read and
 * change e-mail and mobile number. Shared with Mina sidor (web/contact.ts): `readContactDetails`
 * and `changeContactDetails`. Bad input is a 400 naming the field.
 */
import { findCustomer, upsertCustomerContact } from '../../db/customer-repository';
import { contactViolations, normaliseSwedishMobile } from '../../domain/application';
import type { ApiDeps } from '../deps';
import { badRequest } from '../problem';
import type { ApiRoutes } from '../routing';
import { z } from '../zod';

const TAG = 'customer';

const contactSchema = z
  .object({
    email: z.string().nullable(),
    phone: z.string().nullable().describe('E.164, +46…'),
  })
  .openapi('ContactDetails');

const changeSchema = z
  .strictObject({
    email: z.string().max(254).optional().describe('a valid e-mail address'),
    phone: z.string().max(30).optional().describe('a Swedish mobile number'),
  })
  .openapi('ContactDetailsChange');

export type ContactDetails = z.infer<typeof contactSchema>;

export async function readContactDetails(deps: ApiDeps, customerId: string): Promise<ContactDetails> {
  const row = await findCustomer(deps.db, customerId);
  return { email: row?.email ?? null, phone: row?.phone ?? null };
}

/** Validates (400 naming each bad field) and stores the given fields; the phone is kept as +46…. */
export async function changeContactDetails(
  deps: ApiDeps,
  customerId: string,
  change: { email?: string; phone?: string },
): Promise<ContactDetails> {
  const email = change.email?.trim();
  const phone = change.phone?.trim();
  const violations = contactViolations({
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
  });
  if (violations.length > 0) {
    throw badRequest(
      'invalid contact details',
      violations.map((v) => ({ field: `body.${v.field}`, message: v.message })),
    );
  }
  const row = await upsertCustomerContact(deps.db, {
    id: customerId,
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone: normaliseSwedishMobile(phone) } : {}),
  });
  return { email: row.email ?? null, phone: row.phone ?? null };
}

export function contactRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/me/contact-details',
    operationId: 'getMyContactDetails',
    summary: 'Your e-mail and mobile number, where new-mail notices go (R-LOAN-11)',
    tags: [TAG],
    auth: ['customer'],
    responses: { 200: { description: 'the contact details', schema: contactSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await readContactDetails(deps, principal!.sub) }),
  });

  routes.add({
    method: 'put',
    path: '/v1/me/contact-details',
    operationId: 'changeMyContactDetails',
    summary: 'Change your e-mail and/or mobile number (R-LOAN-11)',
    description: 'Fields left out keep their value. A bad e-mail or a non-Swedish mobile number is a 400 naming it.',
    tags: [TAG],
    auth: ['customer'],
    body: changeSchema,
    responses: { 200: { description: 'the contact details now', schema: contactSchema } },
    handler: async ({ principal, body }) => ({
      status: 200,
      body: await changeContactDetails(deps, principal!.sub, body),
    }),
  });
}
