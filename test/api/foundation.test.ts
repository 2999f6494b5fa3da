/**
 * The API skeleton against a real Temporal dev server, worker and PostgreSQL: health
 * and readiness, OpenAPI and docs, problem+json for every kind of bad input, auth, and the chain
 * proof — a workflow started through the API on the dev server is visible in its history.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import { createApp } from '../../api/app';
import { signToken } from '../../api/auth';
import { createDb, type Db } from '../../db/database';
import { countDiagnosticRuns } from '../../db/diagnostics-repository';
import { createLogger } from '../../platform/logger';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../platform/payload-codec';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { TEST_KEYS } from '../support/temporal';

const PROBLEM_JSON = /^application\/problem\+json/;
const DIAGNOSTICS = '/v1/operator/diagnostics';

/** No response body may carry a stack trace or source locations. */
function expectNoStackTrace(res: Response): void {
  const text = res.text ?? '';
  expect(text).not.toMatch(/\bat \S+ \(/); // "at fn (file:line:col)"
  expect(text).not.toMatch(/\n\s*at /);
  expect(text).not.toMatch(/\.(ts|js):\d+:\d+/);
  expect(text).not.toMatch(/node_modules|\/work\/|\bstack\b/);
}

/** An RFC 9457 problem with the given status, as the API promises for every error. */
function expectProblem(res: Response, status: number): Record<string, unknown> {
  expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(PROBLEM_JSON),
  });
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  expectNoStackTrace(res);
  return body;
}

const fieldsOf = (body: Record<string, unknown>) =>
  ((body.errors ?? []) as { field: string; message: string }[]).map((e) => e.field).sort();

describe('API foundation on the dev server', () => {
  let harness: ApiHarness;
  let operator: string;
  let customer: string;
  let vendor: string;

  beforeAll(async () => {
    harness = await startApiHarness();
    operator = harness.token({ role: 'operator', sub: 'ops-foundation' });
    customer = harness.token({ role: 'customer', sub: 'customer-1' });
    vendor = harness.token({ role: 'vendor', sub: 'vendor-user-1', vendorId: 'vendor-1' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** The app wired like the harness's, with some dependencies replaced. */
  function appWith(overrides: { db?: Db; temporal?: Client }): Express {
    return createApp({
      config: harness.config,
      db: overrides.db ?? harness.db,
      temporal: overrides.temporal ?? harness.client,
      codec: new EncryptionCodec(TEST_KEYS),
      jwtSecret: TEST_JWT_SECRET,
      logger: createLogger('silent'),
    });
  }

  describe('health', () => {
    it('GET /healthz answers 200', async () => {
      const res = await request(harness.app).get('/healthz');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /readyz answers 200 when PostgreSQL and Temporal answer', async () => {
      const res = await request(harness.app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', checks: { postgres: { status: 'ok' }, temporal: { status: 'ok' } } });
    });

    it('GET /readyz answers 503 naming PostgreSQL when it is unreachable', async () => {
      const deadDb = createDb('postgres://postgres@127.0.0.1:1/x', 1);
      try {
        const res = await request(appWith({ db: deadDb })).get('/readyz');
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({
          status: 'not-ready',
          checks: { postgres: { status: 'failing', detail: expect.any(String) }, temporal: { status: 'ok' } },
        });
        expect(res.body.checks.postgres.detail).not.toBe('');
        expectNoStackTrace(res);
      } finally {
        await deadDb.destroy();
      }
    });

    it('GET /readyz answers 503 naming Temporal when it is unreachable', async () => {
      const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
      const deadTemporal = new Client({ connection });
      try {
        const res = await request(appWith({ temporal: deadTemporal })).get('/readyz');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          status: 'not-ready',
          checks: { postgres: { status: 'ok' }, temporal: { status: 'failing', detail: expect.any(String) } },
        });
        expectNoStackTrace(res);
      } finally {
        await connection.close().catch(() => undefined);
      }
    });
  });

  describe('OpenAPI and docs', () => {
    let doc: {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, Record<string, any>>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };

    beforeAll(async () => {
      const res = await request(harness.app).get('/openapi.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      doc = res.body;
    });

    it('is OpenAPI 3.1.0 with a bearer JWT security scheme', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toEqual(expect.any(String));
      expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    });

    it('documents the health paths as public', () => {
      for (const path of ['/healthz', '/readyz']) {
        expect(doc.paths[path]?.get).toBeDefined();
        expect(doc.paths[path]!.get!.security).toEqual([]);
      }
      expect(Object.keys(doc.paths['/readyz']!.get!.responses)).toEqual(expect.arrayContaining(['200', '503']));
    });

    it('documents the diagnostics paths with bearer security and problem responses', () => {
      const start = doc.paths[DIAGNOSTICS]?.post;
      const get = doc.paths[`${DIAGNOSTICS}/{workflowId}`]?.get;
      expect(start).toBeDefined();
      expect(get).toBeDefined();
      for (const op of [start!, get!]) {
        expect(op.security).toEqual([{ bearer: [] }]);
        for (const status of ['400', '401', '403']) {
          expect(op.responses[status]?.content?.['application/problem+json']?.schema).toEqual({
            $ref: '#/components/schemas/Problem',
          });
        }
      }
      expect(start!.responses['202']).toBeDefined();
      expect(start!.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/DiagnosticsRequest',
      });
      expect(get!.responses['404']).toBeDefined();
      expect(get!.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'workflowId', in: 'path', required: true })]),
      );
    });

    it('documents the request schema the API validates with (strict, bounded)', () => {
      expect(doc.components.schemas.DiagnosticsRequest).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: { sleepSeconds: { type: 'integer', minimum: 0, maximum: 30 * 86_400 } },
      });
    });

    it('has no dangling $ref', () => {
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of new Set(refs))
        expect({ ref, defined: ref in doc.components.schemas }).toEqual({ ref, defined: true });
    });

    it('serves an HTML docs page that loads /openapi.json', async () => {
      const res = await request(harness.app).get('/docs/');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/swagger-ui/i);
      const init = await request(harness.app).get('/docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
      expect(init.text).toContain('/openapi.json');
      const bare = await request(harness.app).get('/docs').redirects(2);
      expect(bare.status).toBe(200);
      expect(bare.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe('bad input answers problem+json', () => {
    it('an unknown route is a 404 problem', async () => {
      for (const res of [
        await request(harness.app).get('/v1/no-such-thing?x=1'),
        await request(harness.app).post('/nope').send({ a: 1 }),
        await request(harness.app).delete('/healthz'),
      ]) {
        const body = expectProblem(res, 404);
        expect(body.title).toBe('Not Found');
      }
      const body = expectProblem(await request(harness.app).get('/v1/no-such-thing?x=1'), 404);
      expect(body).toMatchObject({ detail: 'no route GET /v1/no-such-thing', instance: '/v1/no-such-thing?x=1' });
    });

    it('malformed JSON is a 400 problem naming `body`', async () => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .set('Content-Type', 'application/json')
        .send('{"sleepSeconds": ');
      const body = expectProblem(res, 400);
      expect(body.errors).toEqual([{ field: 'body', message: 'malformed JSON' }]);
      expect(res.text).not.toMatch(/Unexpected end|SyntaxError/);
    });

    it('wrong types and unknown fields are a 400 problem naming each field', async () => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .send({ sleepSeconds: 'ten', foo: 1, bar: true });
      const body = expectProblem(res, 400);
      expect(body).toMatchObject({ title: 'Bad Request', type: '/problems/validation-error', instance: DIAGNOSTICS });
      expect(fieldsOf(body)).toEqual(['body.bar', 'body.foo', 'body.sleepSeconds']);
      const errors = body.errors as { field: string; message: string }[];
      expect(errors.find((e) => e.field === 'body.foo')?.message).toBe('unknown field');
    });

    it.each([
      ['negative', -1],
      ['fractional', 1.5],
      ['over 30 days', 30 * 86_400 + 1],
      ['null', null],
    ])('sleepSeconds %s is a 400 problem naming it', async (_label, sleepSeconds) => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .send({ sleepSeconds });
      expect(fieldsOf(expectProblem(res, 400))).toEqual(['body.sleepSeconds']);
    });

    it('a JSON body that is not an object is a 400 problem naming `body`', async () => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .set('Content-Type', 'application/json')
        .send('[1,2]');
      expect(fieldsOf(expectProblem(res, 400))).toEqual(['body']);
    });

    it('a body over the size limit is a 413 problem', async () => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
      expectProblem(res, 413);
    });

    it('a malformed diagnostics id is a 400 problem naming the path parameter', async () => {
      const res = await request(harness.app)
        .get(`${DIAGNOSTICS}/not-a-diagnostics-id`)
        .set('Authorization', `Bearer ${operator}`);
      const body = expectProblem(res, 400);
      expect(body.errors).toEqual([{ field: 'params.workflowId', message: 'not a diagnostics workflow id' }]);
    });

    it('an unknown but well-formed diagnostics id is a 404 problem', async () => {
      const id = `diagnostics-${randomUUID()}`;
      const res = await request(harness.app).get(`${DIAGNOSTICS}/${id}`).set('Authorization', `Bearer ${operator}`);
      const body = expectProblem(res, 404);
      expect(body.detail).toBe(`no diagnostics workflow ${id}`);
    });

    it('an unexpected failure is a bare 500 problem that reveals nothing', async () => {
      const failing = {
        workflow: {
          start: async () => {
            throw new Error('connection to secret-host:7233 failed\n    at start (/srv/app/client.ts:1:1)');
          },
        },
      } as unknown as Client;
      const res = await request(appWith({ temporal: failing }))
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .send({});
      const body = expectProblem(res, 500);
      expect(body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: DIAGNOSTICS });
      expect(res.text).not.toContain('secret-host');
    });
  });

  describe('authentication and roles', () => {
    const routes = [
      () => request(harness.app).post(DIAGNOSTICS).send({}),
      () => request(harness.app).get(`${DIAGNOSTICS}/diagnostics-${randomUUID()}`),
    ];

    it('no token is a 401 problem', async () => {
      for (const route of routes) {
        const body = expectProblem(await route(), 401);
        expect(body).toMatchObject({ title: 'Unauthorized', detail: 'a bearer token is required' });
      }
    });

    it.each([
      ['garbage', 'Bearer garbage'],
      ['three garbage segments', 'Bearer aaa.bbb.ccc'],
      [
        'another secret',
        `Bearer ${signToken('a-different-secret-a-different-secret-0000', { role: 'operator', sub: 'ops' })}`,
      ],
      ['an expired token', `Bearer ${signToken(TEST_JWT_SECRET, { role: 'operator', sub: 'ops' }, -60)}`],
      ['a Basic header', 'Basic b3BzOnNlY3JldA=='],
    ])('%s is a 401 problem', async (_label, header) => {
      for (const route of routes) {
        const res = await route().set('Authorization', header);
        expect(expectProblem(res, 401).title).toBe('Unauthorized');
      }
    });

    it('a customer or vendor token on an operator route is a 403 problem', async () => {
      for (const token of [customer, vendor]) {
        for (const route of routes) {
          const res = await route().set('Authorization', `Bearer ${token}`);
          expect(expectProblem(res, 403).title).toBe('Forbidden');
        }
      }
    });

    it('auth is checked before the body is validated', async () => {
      const res = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${customer}`)
        .send({ foo: 1 });
      expectProblem(res, 403);
    });
  });

  describe('the chain: API → Temporal dev server → worker → PostgreSQL', () => {
    it('a workflow started through the API runs on the dev server and is visible in its history', async () => {
      const started = await request(harness.app)
        .post(DIAGNOSTICS)
        .set('Authorization', `Bearer ${operator}`)
        .send({ sleepSeconds: 0 });
      expect(started.status).toBe(202);
      expect(started.body).toEqual({ workflowId: expect.stringMatching(/^diagnostics-/), runId: expect.any(String) });
      const { workflowId, runId } = started.body as { workflowId: string; runId: string };

      // Bounded poll through the API until the run completes.
      let status: { status: string; historyLength: number; result: Record<string, string> | null } | undefined;
      for (let i = 0; i < 120; i++) {
        const res = await request(harness.app)
          .get(`${DIAGNOSTICS}/${workflowId}`)
          .set('Authorization', `Bearer ${operator}`);
        expect(res.status).toBe(200);
        status = res.body;
        if (status!.status !== 'RUNNING') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toMatchObject({
        workflowId,
        status: 'COMPLETED',
        historyLength: expect.any(Number),
        result: { recordedAt: expect.any(String), startedAt: expect.any(String), finishedAt: expect.any(String) },
      });
      expect(Number.isNaN(Date.parse(status!.result!.recordedAt!))).toBe(false);

      // The history on the dev server shows the whole run.
      const handle = harness.client.workflow.getHandle(workflowId);
      const history = await handle.fetchHistory();
      const types = (history.events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType!]);
      expect(types[0]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      expect(types).toContain('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
      expect(types).toContain('EVENT_TYPE_ACTIVITY_TASK_COMPLETED');
      expect(types.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      expect(status!.historyLength).toBe(types.length);

      const startedAttrs = history.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(startedAttrs.workflowType?.name).toBe('diagnosticsWorkflow');
      expect(startedAttrs.taskQueue?.name).toBe(harness.config.TEMPORAL_TASK_QUEUE);
      expect(startedAttrs.originalExecutionRunId).toBe(runId);
      const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes);
      expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('recordDiagnosticRun');

      // Its input is stored encrypted, and it decodes to what the API sent.
      const input = startedAttrs.input!.payloads![0]!;
      expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(input.data!).includes(Buffer.from('ops-foundation'))).toBe(false);
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');

      // The activity wrote exactly one row.
      expect(await countDiagnosticRuns(harness.db, workflowId)).toBe(1);
      const row = await harness.db
        .selectFrom('diagnostic_runs')
        .selectAll()
        .where('workflow_id', '=', workflowId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ id: `${workflowId}:diagnostic`, requested_by: 'ops-foundation' });
      expect(row.recorded_at.toISOString()).toBe(status!.result!.recordedAt);
    });

    it('each start gets its own workflow id', async () => {
      const ids = await Promise.all(
        [0, 1].map(async () => {
          const res = await request(harness.app).post(DIAGNOSTICS).set('Authorization', `Bearer ${operator}`).send({});
          expect(res.status).toBe(202);
          return (res.body as { workflowId: string }).workflowId;
        }),
      );
      expect(new Set(ids).size).toBe(2);
      await Promise.all(ids.map((id) => harness.client.workflow.getHandle(id).result()));
    });
  });
});
