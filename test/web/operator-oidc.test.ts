/**
 * The operators' OpenID Connect login (web/operator/oidc.ts) on the production-mode app,
 * against the provider double of adapters/oidc/sandbox.ts with the real client (openid-client,
 * loaded through jest's transform of the ES-only packages, jest.config.js): the authorization
 * code flow with state, nonce and PKCE (S256) logs the operator in; a wrong state, a wrong nonce
 * and a replayed callback are refused; the audit records the operator as the issuer's host and
 * the ID token's `sub` (R-SEC-1).
 */
import type { Express } from 'express';
import request from 'supertest';
import { startOidcProviderDouble, type OidcProviderDouble } from '../../adapters/oidc/sandbox';
import { createApp } from '../../api/app';
import { listOperatorAudit } from '../../db/audit-repository';
import { parseConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { loopbackHttp } from '../../web/operator/oidc';
import { type ApiHarness, eventually, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { TEST_KEYS } from '../support/temporal';

const REDIRECT = 'https://backoffice.example.com/operator/oidc/callback';
const CLIENT_ID = 'loan-backoffice';
const CLIENT_SECRET = 'backoffice-client-secret';

let h: ApiHarness;
let idp: OidcProviderDouble;
let app: Express;

beforeAll(async () => {
  h = await startApiHarness();
  idp = await startOidcProviderDouble({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT });
  const config = parseConfig({
    ENGINE_MODE: 'production',
    JWT_SECRET: TEST_JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
    LOG_LEVEL: 'silent',
    OPERATOR_OIDC_ISSUER: idp.issuer,
    OPERATOR_OIDC_CLIENT_ID: CLIENT_ID,
    OPERATOR_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OPERATOR_OIDC_REDIRECT_URL: REDIRECT,
  });
  app = h.checked(
    createApp({
      config,
      db: h.db,
      temporal: h.client,
      codec: new EncryptionCodec(TEST_KEYS),
      jwtSecret: TEST_JWT_SECRET,
      logger: createLogger('silent'),
    }),
  );
});

afterAll(async () => {
  await idp?.close();
  await h?.stop();
});

const sessionOf = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('__Host-loan_session=') && !c.startsWith('__Host-loan_session=;'))
    ?.split(';')[0];

/** The login page, then "Log in with the organisation's account": the provider's authorization URL. */
async function startLogin(): Promise<{ session: string; authorize: URL }> {
  const loginPage = await request(app).get('/operator/logga-in').expect(200);
  expect(loginPage.text).toContain('Log in with the organisation');
  const session = sessionOf(loginPage)!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.text)![1]!;
  const started = await request(app)
    .post('/operator/logga-in')
    .set('cookie', session)
    .type('form')
    .send({ _csrf: csrf })
    .expect(303);
  return { session, authorize: new URL(started.headers.location!) };
}

/** The operator's browser at the provider: it redirects back to the app with a code. */
async function atProvider(authorize: URL): Promise<URL> {
  const res = await fetch(authorize, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const callback = (session: string, back: URL) =>
  request(app).get(`/operator/oidc/callback${back.search}`).set('cookie', session);

it('logs an operator in with the authorization code flow, state, nonce and PKCE; the audit names issuer host and sub (R-SEC-1)', async () => {
  expect(loopbackHttp(idp.issuer)).toBe(true);
  expect(loopbackHttp('http://idp.example.com/realms/x')).toBe(false);
  idp.logInAs('karin.k');
  const { session, authorize } = await startLogin();
  expect(authorize.href.startsWith(`${idp.issuer}/protocol/openid-connect/auth?`)).toBe(true);
  const q = authorize.searchParams;
  expect(q.get('client_id')).toBe(CLIENT_ID);
  expect(q.get('redirect_uri')).toBe(REDIRECT);
  expect(q.get('response_type')).toBe('code');
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  expect(q.get('state')).toMatch(/^[\w-]{20,}$/);
  expect(q.get('nonce')).toMatch(/^[\w-]{20,}$/);

  const back = await atProvider(authorize);
  expect(back.searchParams.get('state')).toBe(q.get('state'));
  const before = idp.tokenRequests.length;
  const done = await callback(session, back).expect(303);
  expect(done.headers.location).toBe('/operator');
  expect(idp.tokenRequests.slice(before)).toEqual([
    { grantType: 'authorization_code', pkce: 'valid', outcome: 'issued' },
  ]);
  const loggedIn = sessionOf(done)!;
  expect(loggedIn).not.toBe(session); // a new session token at login

  const home = await request(app).get('/operator').set('cookie', loggedIn).expect(200);
  expect(home.text).toContain('<h1>Back-office</h1>');
  const operator = `${new URL(idp.issuer).host}:karin.k`;
  // The audit row is written when the response has finished, so after the client has its answer.
  const audited = await eventually(async () => {
    const { rows } = await listOperatorAudit(h.db, { operator }, { limit: 10 });
    const lines = rows.map((r) => `${r.method} ${r.route} ${r.status}`);
    return lines.includes('GET /operator 200') ? lines : undefined;
  }, 'the audit row of GET /operator');
  expect(audited).toContain('GET /operator 200');

  // The same callback again (a replayed code) does not log anyone in.
  const replay = await callback(session, back).expect(401);
  expect(replay.text).toContain('The login did not complete.');
});

it('refuses a callback whose state is not the one the login started with, and does not redeem its code', async () => {
  idp.logInAs('mallory');
  const { session, authorize } = await startLogin();
  const back = await atProvider(authorize);
  const forged = new URL(back);
  forged.searchParams.set('state', 'not-the-state-we-sent');
  const before = idp.tokenRequests.length;
  const refused = await callback(session, forged).expect(401);
  expect(refused.text).toContain('The login did not complete.');
  expect(idp.tokenRequests.length).toBe(before); // the code never reached the token endpoint
  expect(sessionOf(refused)).toBeUndefined();
  // The attempt is spent: even the right state afterwards does not complete it.
  await callback(session, back).expect(401);
  expect(idp.tokenRequests.length).toBe(before);
  // Still not logged in: the back-office sends the browser to the login page.
  const home = await request(app).get('/operator').set('cookie', session).expect(303);
  expect(home.headers.location).toBe('/operator/logga-in');
  const { rows } = await listOperatorAudit(h.db, { operator: `${new URL(idp.issuer).host}:mallory` }, { limit: 10 });
  expect(rows).toEqual([]);
});

it('refuses an ID token whose nonce is not the login’s', async () => {
  idp.logInAs('eve');
  const { session, authorize } = await startLogin();
  const back = await atProvider(authorize);
  idp.nextNonceOverride('a-nonce-from-another-login');
  const refused = await callback(session, back).expect(401);
  expect(refused.text).toContain('The login did not complete.');
  expect(idp.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', pkce: 'valid', outcome: 'issued' });
  const home = await request(app).get('/operator').set('cookie', session).expect(303);
  expect(home.headers.location).toBe('/operator/logga-in');
});
