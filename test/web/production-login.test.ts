/**
 * BankID login to Mina sidor with the production API (`npm run api` in production mode): the API
 * process builds its own BankID client from BANKID_* (apiBankIdClient), here pointed at the BankID
 * double as a stand-in for BankID's RP API. The session cookie is `__Host-` prefixed, Secure and
 * HttpOnly; the order is approved at "BankID"; the browser ends up logged in.
 */
import request from 'supertest';
import { apiBankIdClient } from '../../adapters';
import { createApp } from '../../api/app';
import { parseConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { EncryptionCodec } from '../../platform/payload-codec';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { newPerson, waitFor } from '../support/application';
import { TEST_KEYS } from '../support/temporal';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

const cookieOf = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('__Host-loan_session=') && !c.startsWith('__Host-loan_session=;'));

it('logs in with BankID on the production API, whose BankID client comes from BANKID_BASE_URL', async () => {
  const person = newPerson();
  const config = parseConfig({
    ENGINE_MODE: 'production',
    JWT_SECRET: TEST_JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
    LOG_LEVEL: 'silent',
    BANKID_BASE_URL: h.sandbox.endpoints.bankIdBaseUrl,
  });
  const bankId = apiBankIdClient(config);
  expect(bankId).toBeDefined();
  expect(apiBankIdClient({ ...config, BANKID_BASE_URL: undefined })).toBeUndefined();
  const app = createApp({
    config,
    db: h.db,
    temporal: h.client,
    codec: new EncryptionCodec(TEST_KEYS),
    jwtSecret: TEST_JWT_SECRET,
    logger: createLogger('silent'),
    bankId,
  });

  const loginPage = await request(app).get('/logga-in').expect(200);
  expect(loginPage.text).toContain('Logga in med BankID');
  const cookie = cookieOf(loginPage)!;
  expect(cookie).toMatch(/; Secure/i);
  expect(cookie).toMatch(/; HttpOnly/i);
  const session = cookie.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.text)![1]!;

  const started = await request(app)
    .post('/logga-in')
    .set('cookie', session)
    .type('form')
    .send({ _csrf: csrf, returnTo: '/mina-sidor' })
    .expect(303);
  expect(started.headers.location).toBe('/bankid');
  const waiting = await request(app).get('/bankid').set('cookie', session).expect(200);
  expect(waiting.text).toContain('id="qr"');

  // "BankID" (the double) approves the order as the person.
  const order = await waitFor(
    async () =>
      (await h.sandbox.sandbox.bankId.listOrders()).filter((o) => o.status === 'pending' && !o.requiredPersonalNumber),
    (orders) => orders.length > 0,
    'the login order at BankID',
  );
  await h.sandbox.sandbox.bankId.completeOrder(order[order.length - 1]!.orderRef, person.personnummer);

  const done = await request(app).get('/bankid').set('cookie', session).expect(303);
  expect(done.headers.location).toBe('/mina-sidor');
  const loggedIn = cookieOf(done)!.split(';')[0]!;
  expect(loggedIn).not.toBe(session); // a new token at login
  const myPages = await request(app).get('/mina-sidor').set('cookie', loggedIn).expect(200);
  expect(myPages.text).toContain('<h1>Mina sidor</h1>');
});
