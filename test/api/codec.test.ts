/**
 * The codec endpoint the Temporal UI uses to show decrypted payloads (Temporal's remote codec
 * protocol), against payloads taken from a real workflow history on the dev server.
 */
import type { Payload } from '@temporalio/common';
import request from 'supertest';
import { ENCRYPTED_ENCODING } from '../../platform/payload-codec';
import { type ApiHarness, startApiHarness } from '../support/api';
import { TEST_KEYS } from '../support/temporal';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const UI_ORIGIN = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** A history payload in the codec protocol's JSON form (base64 metadata values and data). */
function toJsonPayload(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

const jsonPlain = (value: unknown): JsonPayload => ({
  metadata: { encoding: b64('json/plain') },
  data: b64(JSON.stringify(value)),
});

describe('codec endpoint (sandbox mode: open, CORS for the Temporal UI)', () => {
  let harness: ApiHarness;
  let workflowId: string;
  let inputPayload: JsonPayload;
  let resultPayload: JsonPayload;

  beforeAll(async () => {
    harness = await startApiHarness();
    const operator = harness.token({ role: 'operator', sub: 'ops-codec' });
    const started = await request(harness.app)
      .post('/v1/operator/diagnostics')
      .set('Authorization', `Bearer ${operator}`)
      .send({});
    expect(started.status).toBe(202);
    workflowId = (started.body as { workflowId: string }).workflowId;
    const handle = harness.client.workflow.getHandle(workflowId);
    await handle.result();
    const history = await handle.fetchHistory();
    const startedEvent = history.events?.find((e) => e.workflowExecutionStartedEventAttributes);
    const completedEvent = history.events?.find((e) => e.workflowExecutionCompletedEventAttributes);
    inputPayload = toJsonPayload(startedEvent!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!);
    resultPayload = toJsonPayload(completedEvent!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('the history holds the payloads encrypted with the active key', () => {
    for (const p of [inputPayload, resultPayload]) {
      expect(unb64(p.metadata.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(unb64(p.metadata['encryption-key-id'])).toBe(TEST_KEYS[0]!.id);
    }
    expect(Buffer.from(inputPayload.data, 'base64').includes(Buffer.from('ops-codec'))).toBe(false);
  });

  it('POST /codec/decode decrypts the workflow input and result from the history', async () => {
    const res = await request(harness.app)
      .post('/codec/decode')
      .set('X-Namespace', 'default')
      .send({ payloads: [inputPayload, resultPayload] });
    expect(res.status).toBe(200);
    const { payloads } = res.body as { payloads: JsonPayload[] };
    expect(payloads).toHaveLength(2);
    expect(unb64(payloads[0]!.metadata.encoding)).toBe('json/plain');
    expect(JSON.parse(unb64(payloads[0]!.data))).toEqual({ requestedBy: 'ops-codec', sleepMs: 0 });
    const result = JSON.parse(unb64(payloads[1]!.data)) as Record<string, string>;
    expect(Object.keys(result).sort()).toEqual(['finishedAt', 'recordedAt', 'startedAt']);
  });

  it('POST /codec/encode then /codec/decode round-trips, using the active key id', async () => {
    const original = [jsonPlain({ hello: 'wörld', n: 1 }), jsonPlain('just a string')];
    const encoded = await request(harness.app).post('/codec/encode').send({ payloads: original });
    expect(encoded.status).toBe(200);
    const encrypted = (encoded.body as { payloads: JsonPayload[] }).payloads;
    expect(encrypted).toHaveLength(2);
    for (const p of encrypted) {
      expect(unb64(p.metadata.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(unb64(p.metadata['encryption-key-id'])).toBe(TEST_KEYS[0]!.id);
      expect(unb64(p.metadata['encryption-cipher'])).toBe('AES-256-GCM');
      expect(Buffer.from(p.data, 'base64').includes(Buffer.from('hello'))).toBe(false);
    }
    const decoded = await request(harness.app).post('/codec/decode').send({ payloads: encrypted });
    expect(decoded.status).toBe(200);
    expect((decoded.body as { payloads: JsonPayload[] }).payloads).toEqual(original);
  });

  it('decode passes payloads that are not encrypted through unchanged', async () => {
    const plain = [jsonPlain({ a: 1 }), { metadata: { encoding: b64('binary/null') }, data: '' }];
    const res = await request(harness.app).post('/codec/decode').send({ payloads: plain });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ payloads: plain });
  });

  it('a payload encrypted with a key it does not hold is a 400 problem naming body.payloads', async () => {
    const foreign = {
      ...inputPayload,
      metadata: { ...inputPayload.metadata, 'encryption-key-id': b64('retired-key') },
    };
    const res = await request(harness.app)
      .post('/codec/decode')
      .send({ payloads: [foreign] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { field: 'body.payloads', message: expect.stringContaining('no decryption key with id retired-key') },
    ]);
  });

  it('a tampered payload is a 400 problem, not a 500', async () => {
    const data = Buffer.from(inputPayload.data, 'base64');
    data[data.length - 1]! ^= 0x01;
    const res = await request(harness.app)
      .post('/codec/decode')
      .send({ payloads: [{ ...inputPayload, data: data.toString('base64') }] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.text).not.toMatch(/\n\s*at |\.(ts|js):\d+/);
  });

  it('a body that is not in the codec protocol form is a 400 problem naming the fields', async () => {
    const res = await request(harness.app)
      .post('/codec/decode')
      .send({ payloads: [{ metadata: { encoding: 5 }, data: 7 }] });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.payloads.0.data',
      'body.payloads.0.metadata.encoding',
    ]);
    const missing = await request(harness.app).post('/codec/decode').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ field: 'body.payloads', message: expect.any(String) }]);
  });

  describe('CORS', () => {
    it('answers the UI’s preflight for an allowed origin', async () => {
      const res = await request(harness.app)
        .options('/codec/decode')
        .set('Origin', UI_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,authorization,x-namespace');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
      const allowed = (res.headers['access-control-allow-headers'] as string).toLowerCase().split(',');
      expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-namespace']));
    });

    it('allows every configured origin (the docker-compose UI too)', async () => {
      const res = await request(harness.app)
        .options('/codec/encode')
        .set('Origin', 'http://localhost:8080')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    });

    it('does not allow an unlisted origin', async () => {
      for (const origin of ['http://evil.example', 'http://localhost:8234', 'http://localhost:8233.evil.example']) {
        const res = await request(harness.app)
          .options('/codec/decode')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST');
        // Without Access-Control-Allow-Origin the browser refuses the call (whatever else is sent).
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('marks the actual POST response for the allowed origin only', async () => {
      const allowed = await request(harness.app).post('/codec/decode').set('Origin', UI_ORIGIN).send({ payloads: [] });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toEqual({ payloads: [] });
      expect(allowed.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
      const other = await request(harness.app)
        .post('/codec/decode')
        .set('Origin', 'http://evil.example')
        .send({ payloads: [] });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('is limited to the codec endpoint', async () => {
      const res = await request(harness.app)
        .options('/v1/operator/diagnostics')
        .set('Origin', UI_ORIGIN)
        .set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('is documented in the OpenAPI document as public in sandbox mode', async () => {
    const doc = (await request(harness.app).get('/openapi.json')).body as {
      paths: Record<string, { post?: { security?: unknown } }>;
    };
    expect(doc.paths['/codec/decode']?.post?.security).toEqual([]);
    expect(doc.paths['/codec/encode']?.post?.security).toEqual([]);
  });
});

describe('codec endpoint in production mode: operators only', () => {
  let harness: ApiHarness;

  beforeAll(async () => {
    harness = await startApiHarness({
      ENGINE_MODE: 'production',
      PAYLOAD_ENCRYPTION_KEYS: TEST_KEYS.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('runs in production mode', () => {
    expect(harness.config.ENGINE_MODE).toBe('production');
  });

  it.each(['decode', 'encode'])('/codec/%s without a token is a 401 problem', async (direction) => {
    const res = await request(harness.app)
      .post(`/codec/${direction}`)
      .send({ payloads: [jsonPlain(1)] });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ title: 'Unauthorized', status: 401 });
  });

  it('a bad token is a 401 problem', async () => {
    const res = await request(harness.app)
      .post('/codec/decode')
      .set('Authorization', 'Bearer not.a.token')
      .send({ payloads: [] });
    expect(res.status).toBe(401);
  });

  it('a customer or vendor token is a 403 problem', async () => {
    for (const token of [
      harness.token({ role: 'customer', sub: 'customer-1' }),
      harness.token({ role: 'vendor', sub: 'vendor-user-1', vendorId: 'vendor-1' }),
    ]) {
      const res = await request(harness.app)
        .post('/codec/decode')
        .set('Authorization', `Bearer ${token}`)
        .send({ payloads: [] });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('an operator token round-trips payloads', async () => {
    const operator = `Bearer ${harness.token({ role: 'operator', sub: 'ops-prod' })}`;
    const original = [jsonPlain({ secret: 'x' })];
    const encoded = await request(harness.app)
      .post('/codec/encode')
      .set('Authorization', operator)
      .send({ payloads: original });
    expect(encoded.status).toBe(200);
    const decoded = await request(harness.app).post('/codec/decode').set('Authorization', operator).send(encoded.body);
    expect(decoded.status).toBe(200);
    expect(decoded.body).toEqual({ payloads: original });
  });

  it('still answers the UI’s CORS preflight, which carries no token', async () => {
    const res = await request(harness.app)
      .options('/codec/decode')
      .set('Origin', UI_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  });

  it('is documented with bearer security', async () => {
    const doc = (await request(harness.app).get('/openapi.json')).body as {
      paths: Record<string, { post?: { security?: unknown } }>;
    };
    expect(doc.paths['/codec/decode']?.post?.security).toEqual([{ bearer: [] }]);
  });
});
