/**
 * The operator audit (R-SEC-1) on the dev server: every request made with an operator token —
 * reads, refusals, not-founds — leaves one row (route template, path parameters, status, outcome)
 * once its response has finished, and customers' requests leave none. The list is newest first,
 * filters by operator, route and Stockholm dates, pages with a cursor, and names a bad filter in a
 * 400. No body and no personal data reaches a row; a failed audit write is logged and the response
 * stays as it was.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { signToken } from '../../api/auth';
import { problemErrorHandler } from '../../api/problem';
import { ApiRoutes } from '../../api/routing';
import { z } from '../../api/zod';
import type { OperatorAuditEntry } from '../../db/audit-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { createLogger } from '../../platform/logger';
import { type ApiHarness, startApiHarness, eventually } from '../support/api';
import { insertTestLoan } from '../support/loans';

interface AuditItem {
  id: string;
  at: string;
  operator: string;
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
  outcome: string;
}

describe('operator audit (R-SEC-1)', () => {
  let h: ApiHarness;
  const actor = `op-actor-${randomUUID()}`;
  const auditor = `op-auditor-${randomUUID()}`;
  const customer = `customer-${randomUUID()}`;
  const loanId = randomUUID();
  const missingLoan = randomUUID();
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asActor = () => bearer({ role: 'operator', sub: actor });
  const asAuditor = () => bearer({ role: 'operator', sub: auditor });
  const asCustomer = () => bearer({ role: 'customer', sub: customer });

  const audit = (query: Record<string, string | number>, auth = asAuditor()) =>
    request(h.app).get('/v1/operator/audit').query(query).set('authorization', auth);

  /** The actor's rows once `count` of them are written (the write follows the response). */
  const actorRows = (count: number) =>
    eventually(async () => {
      const res = await audit({ operator: actor }).expect(200);
      return res.body.items.length >= count ? (res.body.items as AuditItem[]) : undefined;
    }, `${count} audit rows of ${actor}`);

  beforeAll(async () => {
    h = await startApiHarness();
    await insertTestLoan(h.db, { id: loanId, customer_id: customer });

    // The customer reads their own loan: not audited here.
    await request(h.app).get(`/v1/loans/${loanId}`).set('authorization', asCustomer()).expect(200);
    // The operator: a read, a refused action (customers only file complaints), two not-founds —
    // one with a personal identity number where an id belongs — and a bad filter.
    await request(h.app).get(`/v1/loans/${loanId}`).set('authorization', asActor()).expect(200);
    await request(h.app)
      .post(`/v1/loans/${loanId}/complaints`)
      .set('authorization', asActor())
      .send({ subject: 'Fel ränta', text: 'Ring mig på 070-123 45 67, personnummer 19850101-1234.' })
      .expect(403);
    await request(h.app).get(`/v1/loans/${missingLoan}`).set('authorization', asActor()).expect(404);
    await request(h.app).get('/v1/loans/19850101-1234').set('authorization', asActor()).expect(404);
    await audit({ from: 'yesterday' }, asActor()).expect(400);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('records exactly the operator’s requests, newest first, with route template, ids, status and outcome', async () => {
    const items = await actorRows(5);
    expect(items).toHaveLength(5);
    const ids = items.map((i) => BigInt(i.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids); // newest first
    for (const i of items) {
      expect(i.operator).toBe(actor);
      expect(new Date(i.at).getTime()).toBeGreaterThan(Date.now() - 5 * 60_000);
    }
    const view = (i: AuditItem) => ({
      method: i.method,
      route: i.route,
      params: i.params,
      status: i.status,
      outcome: i.outcome,
    });
    const byKey = (a: ReturnType<typeof view>, b: ReturnType<typeof view>) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b));
    const expected: ReturnType<typeof view>[] = [
      { method: 'GET', route: '/v1/loans/{loanId}', params: { loanId }, status: 200, outcome: 'ok' },
      { method: 'POST', route: '/v1/loans/{loanId}/complaints', params: { loanId }, status: 403, outcome: 'refused' },
      {
        method: 'GET',
        route: '/v1/loans/{loanId}',
        params: { loanId: missingLoan },
        status: 404,
        outcome: 'refused',
      },
      {
        method: 'GET',
        route: '/v1/loans/{loanId}',
        params: { loanId: '[redacted]' },
        status: 404,
        outcome: 'refused',
      },
      { method: 'GET', route: '/v1/operator/audit', params: {}, status: 400, outcome: 'refused' },
    ];
    expect(items.map(view).sort(byKey)).toEqual(expected.sort(byKey));
    // No body, no personal data.
    const stored = JSON.stringify(items);
    for (const secret of ['Fel ränta', '070-123', '19850101', '850101']) expect(stored).not.toContain(secret);
  });

  it('leaves no row for a customer’s requests', async () => {
    await actorRows(5);
    const mine = await audit({ operator: customer }).expect(200);
    expect(mine.body).toEqual({ items: [], nextCursor: null });
    const { count } = await h.db
      .selectFrom('operator_audit')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('operator', '=', customer)
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(0);
  });

  it('customers and vendors may not read the audit', async () => {
    await audit({}, asCustomer()).expect(403);
    await audit({}, bearer({ role: 'vendor', sub: 'v-user', vendorId: 'v-1' })).expect(403);
    await request(h.app).get('/v1/operator/audit').expect(401);
  });

  it('filters by route and by Stockholm dates', async () => {
    await actorRows(5);
    const loanReads = await audit({ operator: actor, route: '/v1/loans/{loanId}' }).expect(200);
    expect(loanReads.body.items.map((i: AuditItem) => i.status).sort()).toEqual([200, 404, 404]);

    const today = stockholmDate(new Date());
    const sameDay = await audit({ operator: actor, from: today, to: today }).expect(200);
    expect(sameDay.body.items).toHaveLength(5);
    expect((await audit({ operator: actor, from: addDays(today, 1) }).expect(200)).body.items).toEqual([]);
    expect((await audit({ operator: actor, to: addDays(today, -1) }).expect(200)).body.items).toEqual([]);
  });

  it('pages with a cursor: the pages together are the whole list, newest first', async () => {
    const all = await actorRows(5);
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { operator: actor, limit: 2, ...(cursor ? { cursor } : {}) };
      const res = await audit(query).expect(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((i) => i.id)).toEqual(all.map((i) => i.id));
  });

  it('the auditor’s own reads are audited too', async () => {
    const own = await eventually(async () => {
      const res = await audit({ operator: auditor, route: '/v1/operator/audit' }).expect(200);
      return res.body.items.length > 0 ? (res.body.items as AuditItem[]) : undefined;
    }, 'the auditor’s rows');
    expect(own[0]).toMatchObject({ operator: auditor, method: 'GET', route: '/v1/operator/audit', outcome: 'ok' });
  });

  it('a bad filter is a 400 naming the field', async () => {
    const fieldsOf = async (query: Record<string, string | number>) => {
      const res = await audit(query)
        .expect(400)
        .expect('content-type', /application\/problem\+json/);
      return (res.body.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fieldsOf({ from: '2026-13-01' })).toEqual(['query.from']);
    expect(await fieldsOf({ to: 'tomorrow' })).toEqual(['query.to']);
    expect(await fieldsOf({ from: '2026-05-02', to: '2026-05-01' })).toEqual(['query.to']);
    expect(await fieldsOf({ cursor: 'abc' })).toEqual(['query.cursor']);
    expect(await fieldsOf({ limit: 0 })).toEqual(['query.limit']);
    expect(await fieldsOf({ route: 'loans' })).toEqual(['query.route']);
    expect(await fieldsOf({ who: 'x' })).toEqual(['query.who']);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await request(h.app).get('/openapi.json').expect(200)).body;
    const op = doc.paths['/v1/operator/audit'].get;
    expect(op.operationId).toBe('listOperatorAudit');
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['cursor', 'from', 'limit', 'operator', 'route', 'to'].sort(),
    );
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(doc.components.schemas.OperatorAuditPage).toBeDefined();
  });
});

describe('operator audit: a failed write', () => {
  it('is logged and does not change the response', async () => {
    const secret = 'audit-failure-secret-audit-failure-secret';
    const logger = createLogger('silent');
    const errors: unknown[][] = [];
    const failing = async (_entry: OperatorAuditEntry): Promise<void> => {
      throw new Error('database is down');
    };
    const routes = new ApiRoutes(secret, {
      record: failing,
      logger: { error: (...args: unknown[]) => void errors.push(args) } as unknown as typeof logger,
    });
    routes.add({
      method: 'get',
      path: '/v1/things/:thingId',
      operationId: 'getThing',
      summary: 'a thing',
      tags: ['test'],
      auth: ['operator'],
      params: z.object({ thingId: z.string() }),
      responses: { 200: { description: 'the thing' } },
      handler: async ({ params }) => ({ status: 200, body: { thingId: params.thingId } }),
    });
    const app = express();
    app.use(routes.router);
    app.use(problemErrorHandler(logger));

    const token = signToken(secret, { role: 'operator', sub: 'op-1' });
    const res = await request(app).get('/v1/things/t-1').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ thingId: 't-1' });
    await eventually(async () => (errors.length > 0 ? true : undefined), 'the logged failure', 5_000);
    expect(errors).toHaveLength(1);
    const [fields, message] = errors[0] as [{ audit: OperatorAuditEntry; err: Error }, string];
    expect(message).toBe('operator audit row not written');
    expect(fields.err.message).toBe('database is down');
    expect(fields.audit).toEqual({
      operator: 'op-1',
      method: 'GET',
      route: '/v1/things/{thingId}',
      params: { thingId: 't-1' },
      status: 200,
      outcome: 'ok',
    });
  });
});
