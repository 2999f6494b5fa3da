/**
 * BankID RP API v6.0: the real client against the sandbox double over real HTTP. Orders start
 * pending, are completed or failed through steering, can be cancelled, collide as
 * alreadyInProgress for the same person, and expire on the injected clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BankIdError,
  BankIdHttpClient,
  BankIdSandbox,
  type BankIdCollectResult,
  type BankIdCompletionData,
} from '../../../adapters/bankid';
import { SandboxSteeringError } from '../../../adapters';
import { AdapterError, AdapterTransportError } from '../../../adapters/shared/errors';

// Valid 12-digit personnummer (Luhn), test persons.
const ANNA = '198112289874';
const BERIT = '199001012385';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let now = new Date('2026-03-02T09:00:00.000Z');
const clock = () => new Date(now.getTime());
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

let sandbox: BankIdSandbox;
let client: BankIdHttpClient;

beforeAll(async () => {
  sandbox = await BankIdSandbox.start({ clock });
  client = new BankIdHttpClient({ baseUrl: sandbox.url, timeoutMs: 5_000 });
});

afterAll(async () => {
  await sandbox.close();
});

function completion(result: BankIdCollectResult): BankIdCompletionData {
  if (result.status !== 'complete') throw new Error(`expected complete, got ${result.status}/${result.hintCode}`);
  return result.completionData;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function rawPost(path: string, body: string, contentType: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: await res.json() };
}

describe('auth', () => {
  it('starts a pending order, progresses, and completes with completionData', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.10', requirement: { personalNumber: ANNA } });
    expect(order.orderRef).toMatch(UUID);
    expect(order.autoStartToken).toMatch(UUID);
    expect(order.qrStartToken).toMatch(UUID);
    expect(order.qrStartSecret).toMatch(UUID);

    expect(await client.collect(order.orderRef)).toEqual({
      orderRef: order.orderRef,
      status: 'pending',
      hintCode: 'outstandingTransaction',
    });

    await sandbox.progressOrder(order.orderRef, 'started');
    expect(await client.collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'started' });

    const view = await sandbox.completeOrder(order.orderRef, undefined, { givenName: 'Anna', surname: 'Andersson' });
    expect(view).toMatchObject({ status: 'complete', kind: 'auth', completedBy: ANNA, requiredPersonalNumber: ANNA });

    const data = completion(await client.collect(order.orderRef));
    expect(data.user).toEqual({
      personalNumber: ANNA,
      name: 'Anna Andersson',
      givenName: 'Anna',
      surname: 'Andersson',
    });
    expect(data.device.ipAddress).toBe('192.0.2.10');
    expect(data.bankIdIssueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Buffer.from(data.signature, 'base64').toString('utf8')).toContain(order.orderRef);
    expect(data.ocspResponse.length).toBeGreaterThan(0);
    expect(data.stepUp).toBeUndefined();

    // A complete order can be collected again for a while (a retried collect activity) …
    expect(completion(await client.collect(order.orderRef)).user.personalNumber).toBe(ANNA);
    // … but not after the retention time.
    advance(180_001);
    const gone = await rejection(client.collect(order.orderRef));
    expect(gone).toBeInstanceOf(BankIdError);
    expect(gone).toMatchObject({ errorCode: 'invalidParameters', httpStatus: 400, retryable: false });
  });

  it('completes an order without a required person for whoever identifies', async () => {
    const order = await client.auth({ endUserIp: '2001:db8::1', returnRisk: true, requirement: { mrtd: true } });
    await expect(sandbox.completeOrder(order.orderRef)).rejects.toMatchObject({ kind: 'invalid' });
    await sandbox.completeOrder(order.orderRef, BERIT);
    const data = completion(await client.collect(order.orderRef));
    expect(data.user.personalNumber).toBe(BERIT);
    expect(data.device.ipAddress).toBe('2001:db8::1');
    expect(data.stepUp).toEqual({ mrtd: true });
    expect(data.risk).toBe('low');
  });

  it('does not let another person complete an order that names a person', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.11', requirement: { personalNumber: BERIT } });
    const err = await rejection(sandbox.completeOrder(order.orderRef, ANNA));
    expect(err).toBeInstanceOf(SandboxSteeringError);
    expect(err).toMatchObject({ kind: 'conflict' });
    await client.cancel(order.orderRef);
  });
});

describe('sign', () => {
  it('sends userVisibleData base64-encoded and completes with a signature over it', async () => {
    const text = 'Jag godkänner låneavtalet 2026-0042 om 150 000,00 kr.';
    const order = await client.sign({
      endUserIp: '192.0.2.20',
      userVisibleData: text,
      userNonVisibleData: 'application-A42:sign:main',
      userVisibleDataFormat: 'simpleMarkdownV1',
      requirement: { personalNumber: ANNA, pinCode: true },
    });
    const view = await sandbox.getOrder(order.orderRef);
    expect(view).toMatchObject({ kind: 'sign', status: 'pending', userVisibleText: text });

    await sandbox.progressOrder(order.orderRef, 'userSign');
    expect(await client.collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
    await sandbox.completeOrder(order.orderRef);
    const data = completion(await client.collect(order.orderRef));
    expect(data.user.personalNumber).toBe(ANNA);
    const signature = Buffer.from(data.signature, 'base64').toString('utf8');
    expect(signature).toContain(Buffer.from(text, 'utf8').toString('base64'));
  });

  it('requires userVisibleData (client-side, and the double answers invalidParameters)', async () => {
    const err = await rejection(client.sign({ endUserIp: '192.0.2.21', userVisibleData: '' }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'invalidParameters', retryable: false });

    const raw = await rawPost('/rp/v6.0/sign', JSON.stringify({ endUserIp: '192.0.2.21' }), 'application/json');
    expect(raw).toEqual({ status: 400, body: { errorCode: 'invalidParameters', details: 'Invalid userVisibleData' } });
  });
});

describe('failure paths', () => {
  it('reports a user cancel as failed/userCancel', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.30', requirement: { personalNumber: ANNA } });
    await sandbox.failOrder(order.orderRef, 'userCancel');
    expect(await client.collect(order.orderRef)).toEqual({
      orderRef: order.orderRef,
      status: 'failed',
      hintCode: 'userCancel',
    });
    // A finished order cannot be completed, failed or cancelled any more.
    await expect(sandbox.completeOrder(order.orderRef)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(client.cancel(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
    await expect(sandbox.failOrder(order.orderRef, 'userCancel')).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('rejects hint codes of the wrong kind in steering', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.31' });
    await expect(sandbox.failOrder(order.orderRef, 'started' as never)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(sandbox.progressOrder(order.orderRef, 'userCancel' as never)).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(sandbox.getOrder('no-such-order')).rejects.toMatchObject({ kind: 'not_found' });
    await client.cancel(order.orderRef);
  });

  it('cancels a pending order; it can then be neither collected nor cancelled again', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.32', requirement: { personalNumber: BERIT } });
    await expect(client.cancel(order.orderRef)).resolves.toBeUndefined();
    expect((await sandbox.getOrder(order.orderRef)).status).toBe('cancelled');
    await expect(client.collect(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
    await expect(client.cancel(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
    // The person is free again.
    const next = await client.auth({ endUserIp: '192.0.2.32', requirement: { personalNumber: BERIT } });
    await client.cancel(next.orderRef);
  });

  it('answers alreadyInProgress for a second order of the same person, cancels the first, then converges', async () => {
    const first = await client.auth({ endUserIp: '192.0.2.40', requirement: { personalNumber: ANNA } });
    const err = await rejection(
      client.sign({ endUserIp: '192.0.2.40', userVisibleData: 'Avtal', requirement: { personalNumber: ANNA } }),
    );
    expect(err).toBeInstanceOf(BankIdError);
    const bankIdError = err as BankIdError;
    expect(bankIdError.errorCode).toBe('alreadyInProgress');
    expect(bankIdError.httpStatus).toBe(400);
    expect(bankIdError.details).toBe('Order already in progress for pno');
    expect(bankIdError.retryable).toBe(true);
    expect(bankIdError.message).not.toContain(ANNA);

    expect(await client.collect(first.orderRef)).toMatchObject({ status: 'failed', hintCode: 'cancelled' });

    // A retry of the start now succeeds: one live order.
    const retried = await client.sign({
      endUserIp: '192.0.2.40',
      userVisibleData: 'Avtal',
      requirement: { personalNumber: ANNA },
    });
    expect(await client.collect(retried.orderRef)).toMatchObject({ status: 'pending' });
    const pendingForAnna = (await sandbox.listOrders()).filter(
      (o) => o.requiredPersonalNumber === ANNA && o.status === 'pending',
    );
    expect(pendingForAnna.map((o) => o.orderRef)).toEqual([retried.orderRef]);
    await client.cancel(retried.orderRef);
  });

  it('expires a pending order after the TTL on the injected clock', async () => {
    const order = await client.auth({ endUserIp: '192.0.2.50', requirement: { personalNumber: BERIT } });
    advance(179_999);
    expect(await client.collect(order.orderRef)).toMatchObject({ status: 'pending' });
    advance(1);
    expect(await client.collect(order.orderRef)).toEqual({
      orderRef: order.orderRef,
      status: 'failed',
      hintCode: 'expiredTransaction',
    });
    await expect(sandbox.completeOrder(order.orderRef)).rejects.toMatchObject({ kind: 'conflict' });
    // An expired order no longer blocks the person.
    const next = await client.auth({ endUserIp: '192.0.2.50', requirement: { personalNumber: BERIT } });
    expect(await client.collect(next.orderRef)).toMatchObject({ status: 'pending' });
    // A failed order stays collectable for 5 minutes, then is gone.
    advance(300_001);
    await expect(client.collect(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
  });
});

describe('protocol errors', () => {
  it('answers invalidParameters for bad input, without echoing personal data', async () => {
    const badIp = await rejection(client.auth({ endUserIp: 'not-an-ip' }));
    expect(badIp).toMatchObject({ errorCode: 'invalidParameters', details: 'Invalid endUserIp', retryable: false });

    const badPnr = await rejection(
      client.auth({ endUserIp: '192.0.2.60', requirement: { personalNumber: '198112289875' } }),
    );
    expect(badPnr).toMatchObject({ errorCode: 'invalidParameters', details: 'Invalid personalNumber' });
    expect((badPnr as Error).message).not.toContain('198112289875');

    await expect(client.collect('no-such-order')).rejects.toMatchObject({ errorCode: 'invalidParameters' });
  });

  it('answers 415 unsupportedMediaType, 400 for malformed JSON and 405 for GET', async () => {
    expect(await rawPost('/rp/v6.0/auth', 'endUserIp=1.2.3.4', 'text/plain')).toMatchObject({
      status: 415,
      body: { errorCode: 'unsupportedMediaType' },
    });
    expect(await rawPost('/rp/v6.0/auth', '{', 'application/json')).toMatchObject({
      status: 400,
      body: { errorCode: 'invalidParameters' },
    });
    const get = await fetch(`${sandbox.url}/rp/v6.0/collect`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ errorCode: 'methodNotAllowed' });
  });

  it('turns an unreachable server and a silent server into retryable transport errors', async () => {
    const silent = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const slow = new BankIdHttpClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      const timeout = await rejection(slow.collect('x'));
      expect(timeout).toBeInstanceOf(AdapterTransportError);
      expect(timeout).toMatchObject({ system: 'bankid', code: 'timeout', retryable: true });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    const closed = new BankIdHttpClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    const refused = await rejection(closed.collect('x'));
    expect(refused).toBeInstanceOf(AdapterTransportError);
    expect(refused).toMatchObject({ code: 'network', retryable: true });
  });
});
