/**
 * R-SEC-1: the operator audit. Every operator request is recorded by api/routing.ts once its
 * response has finished; this lists the rows, newest first.
 */
import { listOperatorAudit, type OperatorAuditRow } from '../../db/audit-repository';
import type { ApiDeps } from '../deps';
import type { ApiRoutes } from '../routing';
import { isoDate } from '../schemas';
import { z } from '../zod';

const TAG = 'operations';

const entryView = z
  .object({
    id: z.string(),
    at: z.string().describe('when the response finished (ISO 8601)'),
    operator: z.string().describe('the operator token’s subject'),
    method: z.string().describe('GET, POST, …'),
    route: z.string().describe('the route template as in this document, e.g. /v1/loans/{loanId}'),
    params: z.record(z.string(), z.string()).describe('the path parameters (ids)'),
    status: z.number().int().describe('the HTTP status answered'),
    outcome: z
      .enum(['ok', 'refused', 'error'])
      .describe('ok: 2xx/3xx; refused: 4xx (invalid, not allowed, not found, conflict); error: 5xx or no response'),
  })
  .openapi('OperatorAuditEntry');

const pageView = z
  .object({
    items: z.array(entryView),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next (older) page; null on the last page'),
  })
  .openapi('OperatorAuditPage');

const listQuery = z
  .strictObject({
    operator: z.string().min(1).max(200).optional().describe('only this operator (token subject)'),
    route: z
      .string()
      .max(300)
      .regex(/^\/\S*$/, 'must be a route template, e.g. /v1/loans/{loanId}')
      .optional()
      .describe('only this route template, e.g. /v1/loans/{loanId}'),
    from: isoDate.optional().describe('from this Europe/Stockholm date (inclusive)'),
    to: isoDate.optional().describe('up to this Europe/Stockholm date (inclusive)'),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,17}$/, 'not a cursor from this list')
      .optional()
      .describe('the previous page’s nextCursor'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'must not be before from',
    path: ['to'],
  });

const toView = (r: OperatorAuditRow): z.infer<typeof entryView> => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  operator: r.operator,
  method: r.method,
  route: r.route,
  params: r.params,
  status: r.status,
  outcome: r.outcome as z.infer<typeof entryView>['outcome'],
});

export function auditRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/operator/audit',
    operationId: 'listOperatorAudit',
    summary: 'The operator audit: every operator request, newest first (R-SEC-1)',
    description:
      'One entry per request made with an operator token, reads included, recorded when the response finished: ' +
      'who, method, route template, path parameters (ids only, never bodies or personal data), status and outcome. ' +
      'Filters combine; `from`/`to` are Europe/Stockholm dates, both inclusive. Page with `cursor`.',
    tags: [TAG],
    auth: ['operator'],
    query: listQuery,
    responses: { 200: { description: 'a page of entries', schema: pageView } },
    handler: async ({ query }) => {
      const { rows, next } = await listOperatorAudit(
        deps.db,
        { operator: query.operator, route: query.route, from: query.from, to: query.to },
        { limit: query.limit, before: query.cursor },
      );
      return { status: 200, body: { items: rows.map(toView), nextCursor: next } };
    },
  });
}
