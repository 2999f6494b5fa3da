/**
 * A bounded property-based fuzz run of the API from its own OpenAPI document (fast-check): for
 * every operation, requests with path ids, queries and bodies drawn from the documented schemas
 * (and from arbitrary JSON, and strings with control characters), under a token of an allowed
 * role. No answer may be a 5xx, every 4xx is problem+json, and every answer matches the document
 * (the harness's contract check).
 */
import fc from 'fast-check';
import request from 'supertest';
import type { Principal } from '../../api/auth';
import { stockholmDate } from '../../domain/dates';
import { type ApiHarness, startApiHarness } from '../support/api';
import type { OpenApiDocument } from '../support/contract';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json'?: { schema: Schema } } };
}

const RUNS = Number(process.env.API_FUZZ_RUNS ?? 300);

/** Strings as clients send them, including the poison: control characters, huge, non-Latin. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'a\u0000b',
    '\u0007',
    '%00',
    '../../etc/passwd',
    "'; drop table loans; --",
    'x'.repeat(5000),
  ),
);

function arbitraryFor(schema: Schema | undefined, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    const components = (doc.components as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {};
    return arbitraryFor(components[name], doc, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Schema[]).map((s) => arbitraryFor(s, doc, depth + 1));
    return fc.tuple(...parts).map((values) => Object.assign({}, ...values.filter((v) => v && typeof v === 'object')));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key]))
      return fc.oneof(...(schema[key] as Schema[]).map((s) => arbitraryFor(s, doc, depth + 1)));
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
  switch (type) {
    case 'string': {
      const format = schema.format as string | undefined;
      if (format === 'date')
        return fc.integer({ min: -400, max: 800 }).map((d) => stockholmDate(new Date(Date.now() + d * 86_400_000)));
      if (format === 'uuid') return fc.uuid();
      if (format === 'email') return fc.emailAddress();
      if (format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof schema.pattern === 'string') {
        try {
          return fc.oneof(fc.stringMatching(new RegExp(schema.pattern as string)), nastyString);
        } catch {
          return nastyString;
        }
      }
      return fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), nastyString);
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -10;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1000;
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.double({ noNaN: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryFor(schema.items as Schema | undefined, doc, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, arbitraryFor(s, doc, depth + 1)])),
        { requiredKeys: required.filter((k) => k in properties) },
      );
      return fc.oneof(
        { weight: 4, arbitrary: record },
        { weight: 1, arbitrary: fc.dictionary(fc.string(), fc.jsonValue()) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

describe('fuzzing the API from its OpenAPI document', () => {
  let h: ApiHarness;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    h = await startApiHarness();
    doc = (await request(h.app).get('/openapi.json').expect(200)).body as OpenApiDocument;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it(`${RUNS} generated requests: no 5xx, every 4xx a problem+json, every answer as documented`, async () => {
    const operations: { method: string; template: string; op: Operation }[] = [];
    for (const [template, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods as unknown as Record<string, Operation>))
        operations.push({ method, template, op });

    const principalFor = (op: Operation): fc.Arbitrary<Principal | undefined> => {
      const roles = /Roles: ([a-z, ]+)\./.exec(op.description ?? '')?.[1]?.split(', ') ?? [];
      if (roles.length === 0) return fc.constant(undefined);
      const vendorId = `vendor-fuzz`;
      return fc
        .constantFrom(...roles)
        .map((role) =>
          role === 'vendor'
            ? { role: 'vendor', sub: 'fuzz-seller', vendorId }
            : ({ role: role as 'customer' | 'operator', sub: `${role}-fuzz` } as Principal),
        );
    };

    const requestArb = fc.constantFrom(...operations).chain(({ method, template, op }) => {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path');
      const queries = (op.parameters ?? []).filter((p) => p.in === 'query');
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      return fc.record({
        method: fc.constant(method),
        template: fc.constant(template),
        path: fc
          .tuple(...params.map((p) => fc.oneof(fc.uuid(), arbitraryFor(p.schema, doc).map(String), nastyString)))
          .map((values) =>
            params.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(String(values[i]))), template),
          ),
        query: fc.record(
          Object.fromEntries(
            queries.map((q) => [q.name, fc.oneof(arbitraryFor(q.schema, doc), nastyString).map(String)]),
          ),
          { requiredKeys: [] },
        ),
        body: bodySchema
          ? fc.oneof({ weight: 3, arbitrary: arbitraryFor(bodySchema, doc) }, fc.jsonValue())
          : fc.constant(undefined),
        principal: principalFor(op),
      });
    });

    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        let call = request(h.app)[r.method as 'get' | 'post' | 'put' | 'delete'](r.path).query(r.query);
        if (r.principal) call = call.set('authorization', `Bearer ${h.token(r.principal)}`);
        // As JSON text: any JSON value, also one a JSON client library would refuse to send.
        if (r.body !== undefined) call = call.set('content-type', 'application/json').send(JSON.stringify(r.body));
        const res = await call;
        const what = `${r.method.toUpperCase()} ${r.path} ${JSON.stringify(r.body)?.slice(0, 200)} → ${res.status}`;
        if (res.status >= 500 && res.status !== 503) failures.push(`${what}: ${res.text.slice(0, 200)}`);
        if (
          res.status >= 400 &&
          r.template !== '/readyz' &&
          !/^application\/problem\+json/.test(res.headers['content-type'] ?? '')
        )
          failures.push(`${what}: ${res.headers['content-type']}`);
      }),
      { numRuns: RUNS, seed: Number(process.env.API_FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(failures).toEqual([]);
    expect(h.contract.violations.map((v) => `${v.request} → ${v.status}: ${v.problem}`)).toEqual([]);
  });
});
