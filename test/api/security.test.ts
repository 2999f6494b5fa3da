/**
 * What a lender's security review asks of the API: X-Forwarded-For believed only from configured
 * proxies; tokens that name this engine, expire, and live a bounded time; rate limits (429
 * problem+json) on identification, quotes and bad tokens; security headers and no caching of
 * personal data; no sandbox in production; and operator requests the JSON parser refused or no
 * route knows recorded in the audit like every other.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { Config } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { TEST_KEYS } from '../support/temporal';

const quote = { amount: '100000', termMonths: 60, nominalRatePercent: '9.95', noticeChannel: 'autogiro' };

describe('security of the API edge', () => {
  let h: ApiHarness;
  /** The API with other settings; its answers are contract-checked unless its document differs (production). */
  const appWith = (overrides: Partial<Config>): Express => {
    const app = createApp({
      config: { ...h.config, ...overrides },
      db: h.db,
      temporal: h.client,
      codec: new EncryptionCodec(TEST_KEYS),
      jwtSecret: TEST_JWT_SECRET,
      logger: createLogger('silent'),
      sandbox: h.sandbox.sandbox,
    });
    return overrides.ENGINE_MODE === 'production' ? app : h.checked(app);
  };
  const operator = () => `Bearer ${h.token({ role: 'operator', sub: `op-${randomUUID()}` })}`;

  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('trust proxy', () => {
    it('by default a client’s X-Forwarded-For is not its address: changing it does not escape a limit', async () => {
      const app = appWith({ RATE_LIMIT_QUOTES_PER_MINUTE: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await request(app).post('/v1/quotes').set('x-forwarded-for', `203.0.113.${i}`).send(quote);
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
    });

    it('with TRUST_PROXY naming the proxy (here loopback), the forwarded address counts', async () => {
      const app = appWith({ RATE_LIMIT_QUOTES_PER_MINUTE: 2, TRUST_PROXY: 'loopback' });
      for (let i = 0; i < 4; i++)
        await request(app).post('/v1/quotes').set('x-forwarded-for', `203.0.113.${i}`).send(quote).expect(200);
    });
  });

  describe('tokens', () => {
    const sign = (claims: object, options: jwt.SignOptions) =>
      jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS256', subject: 'op-1', ...options });
    const ok = { issuer: 'loan-engine', audience: 'loan-engine-api', expiresIn: '1h' } as const;

    it.each([
      ['no exp', { issuer: ok.issuer, audience: ok.audience }, /expiry/],
      ['a ten-year lifetime', { ...ok, expiresIn: '3650d' }, /lifetime/],
      ['another issuer', { ...ok, issuer: 'someone-else' }, /issuer/],
      ['no issuer', { audience: ok.audience, expiresIn: '1h' }, /issuer/],
      ['another audience', { ...ok, audience: 'another-api' }, /audience/],
    ] as [string, jwt.SignOptions, RegExp][])(
      'a validly signed token with %s is a 401',
      async (_what, options, detail) => {
        const res = await request(h.app)
          .get('/v1/operator/audit')
          .set('authorization', `Bearer ${sign({ role: 'operator' }, options)}`)
          .expect(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.detail).toMatch(detail);
      },
    );

    it('a token that names the engine and expires within the bound is accepted; the issuer is configurable', async () => {
      await request(h.app)
        .get('/v1/operator/audit')
        .set('authorization', `Bearer ${sign({ role: 'operator' }, ok)}`)
        .expect(200);
      const app = appWith({ JWT_ISSUER: 'bank-idp', JWT_AUDIENCE: 'loans' });
      await request(app).get('/v1/operator/audit').set('authorization', operator()).expect(401);
      await request(app)
        .get('/v1/operator/audit')
        .set('authorization', `Bearer ${sign({ role: 'operator' }, { ...ok, issuer: 'bank-idp', audience: 'loans' })}`)
        .expect(200);
    });
  });

  describe('rate limits: 429 problem+json with Retry-After', () => {
    const expectLimited = (res: request.Response) => {
      expect({
        status: res.status,
        type: res.headers['content-type'],
        retryAfter: res.headers['retry-after'],
        problem: res.body.type,
      }).toEqual({
        status: 429,
        type: expect.stringMatching(/^application\/problem\+json/),
        retryAfter: expect.stringMatching(/^\d+$/),
        problem: '/problems/rate-limited',
      });
    };

    it('quotes', async () => {
      const app = appWith({ RATE_LIMIT_QUOTES_PER_MINUTE: 3 });
      for (let i = 0; i < 3; i++) await request(app).post('/v1/quotes').send(quote).expect(200);
      expectLimited(await request(app).post('/v1/quotes').send(quote));
    });

    it('identification (BankID starts)', async () => {
      const app = appWith({ RATE_LIMIT_IDENTIFICATION_PER_MINUTE: 2 });
      const customer = `Bearer ${h.token({ role: 'customer', sub: `c-${randomUUID()}` })}`;
      const identify = () =>
        request(app)
          .post(`/v1/applications/${randomUUID()}/identification`)
          .set('authorization', customer)
          .send({ inviteCode: 'guess' });
      for (let i = 0; i < 2; i++) await identify().expect(404);
      expectLimited(await identify());
    });

    it('bad tokens: after too many 401s, even a good token from that address waits', async () => {
      const app = appWith({ RATE_LIMIT_BAD_TOKENS_PER_MINUTE: 3 });
      await request(app).get('/v1/operator/audit').set('authorization', operator()).expect(200);
      for (let i = 0; i < 3; i++)
        await request(app).get('/v1/operator/audit').set('authorization', 'Bearer guessed.token.x').expect(401);
      expectLimited(await request(app).get('/v1/operator/audit').set('authorization', operator()));
    });
  });

  describe('headers', () => {
    it('nosniff, a same-origin CSP, no-store on API answers, no HSTS in sandbox mode', async () => {
      const res = await request(h.app).get('/v1/operator/audit').set('authorization', operator()).expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      const problem = await request(h.app).get('/v1/loans/x').expect(401);
      expect(problem.headers['cache-control']).toBe('no-store');
    });

    it('production mode: HSTS, and no sandbox endpoints at all', async () => {
      const app = appWith({ ENGINE_MODE: 'production' });
      const res = await request(app).get('/healthz').expect(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      await request(app).get('/v1/sandbox/emails').expect(404);
      const doc = (await request(app).get('/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/sandbox'))).toEqual([]);
    });
  });

  describe('operator audit of what no route handles', () => {
    const rows = (operatorSub: string) =>
      h.db
        .selectFrom('operator_audit')
        .select(['method', 'route', 'status', 'outcome'])
        .where('operator', '=', operatorSub)
        .execute();

    it('a body the JSON parser refuses (400, 413) and an unknown route are recorded', async () => {
      const sub = `op-${randomUUID()}`;
      const auth = `Bearer ${h.token({ role: 'operator', sub })}`;
      await request(h.app)
        .post('/v1/payments')
        .set('authorization', auth)
        .set('content-type', 'application/json')
        .send('{"amount":')
        .expect(400);
      await request(h.app)
        .post('/v1/payments')
        .set('authorization', auth)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(1_100_000) }))
        .expect(413);
      await request(h.app).get('/v1/no-such-route').set('authorization', auth).expect(404);
      const expected = [
        { method: 'POST', route: '/v1/payments', status: 400, outcome: 'refused' },
        { method: 'POST', route: '/v1/payments', status: 413, outcome: 'refused' },
        { method: 'GET', route: '/v1/no-such-route', status: 404, outcome: 'refused' },
      ];
      const recorded = await (async () => {
        for (let i = 0; i < 50; i++) {
          const found = await rows(sub);
          if (found.length >= expected.length) return found;
          await new Promise((r) => setTimeout(r, 100));
        }
        return rows(sub);
      })();
      expect(recorded).toEqual(expect.arrayContaining(expected));
      expect(recorded).toHaveLength(expected.length);
    });
  });
});
