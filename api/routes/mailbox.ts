/**
 * The customer mailbox (R-LOAN-11, R-SEC-1): a customer lists and reads their own messages (reading
 * marks a message read); an operator reads any customer's mailbox with `?customerId=` without
 * marking anything read. Someone else's message is a 404. Reads come from PostgreSQL.
 */
import {
  countUnreadMailboxMessages,
  findMailboxMessage,
  listMailboxMessages,
  type MailboxMessageRow,
  markMailboxMessageRead,
} from '../../db/mailbox-repository';
import type { Principal } from '../auth';
import type { ApiDeps } from '../deps';
import { badRequest, notFound } from '../problem';
import type { ApiRoutes } from '../routing';
import { z } from '../zod';

const TAG = 'mailbox';

const iso = (v: Date | null) => (v === null ? null : v.toISOString());

const summarySchema = z
  .object({
    messageId: z.string(),
    kind: z.string().describe('application-offer, application-rejected, payout, invoice, reminder, rate-change, …'),
    subject: z.string(),
    date: z.string().describe('business date of the notice (YYYY-MM-DD)'),
    loanId: z.string().nullable(),
    applicationId: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    byPost: z.boolean().describe('also sent as a printed letter'),
  })
  .openapi('MailboxMessageSummary');

const messageSchema = summarySchema.extend({ body: z.string() }).openapi('MailboxMessage');

const listSchema = z
  .object({
    customerId: z.string(),
    unread: z.number().int().describe('unread messages in the whole mailbox'),
    items: z.array(summarySchema),
  })
  .openapi('Mailbox');

function summary(row: MailboxMessageRow): z.infer<typeof summarySchema> {
  return {
    messageId: row.id,
    kind: row.kind,
    subject: row.subject,
    date: row.business_date,
    loanId: row.loan_id,
    applicationId: row.application_id,
    createdAt: row.created_at.toISOString(),
    readAt: iso(row.read_at),
    byPost: row.by_post,
  };
}

/** R-SEC-1: a customer's own mailbox; an operator names the customer. */
function mailboxOwner(principal: Principal, customerId: string | undefined): string {
  if (principal.role === 'customer') return principal.sub;
  if (!customerId) throw badRequest('customerId is required', [{ field: 'query.customerId', message: 'required' }]);
  return customerId;
}

export function mailboxRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/mailbox',
    operationId: 'listMailbox',
    summary: 'The mailbox: every notice to the customer, newest first (R-LOAN-11)',
    description:
      'A customer sees their own messages. An operator passes `customerId`. Bodies are read one message at a time.',
    tags: [TAG],
    auth: ['customer', 'operator'],
    query: z.strictObject({
      customerId: z.string().min(1).max(200).optional().describe('operators only: whose mailbox'),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'the messages', schema: listSchema } },
    handler: async ({ query, principal }) => {
      const customerId = mailboxOwner(principal!, query.customerId);
      const [rows, unread] = await Promise.all([
        listMailboxMessages(deps.db, customerId, { limit: query.limit, offset: query.offset }),
        countUnreadMailboxMessages(deps.db, customerId),
      ]);
      return { status: 200, body: { customerId, unread, items: rows.map(summary) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/mailbox/:messageId',
    operationId: 'readMailboxMessage',
    summary: 'One message with its text; a customer reading it marks it read (R-LOAN-11)',
    description: "Someone else's message is a 404. An operator's read does not mark the message read.",
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: z.object({ messageId: z.uuid('not a message id') }),
    responses: { 200: { description: 'the message', schema: messageSchema } },
    handler: async ({ params, principal }) => {
      const found = await findMailboxMessage(deps.db, params.messageId);
      if (!found || (principal!.role === 'customer' && found.customer_id !== principal!.sub)) {
        throw notFound('no such message');
      }
      const row = principal!.role === 'customer' ? ((await markMailboxMessageRead(deps.db, found.id)) ?? found) : found;
      return { status: 200, body: { ...summary(row), body: row.body } };
    },
  });
}
