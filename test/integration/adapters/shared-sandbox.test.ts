/**
 * Sandbox mode: `npm run api` and `npm run worker` as separate processes in sandbox mode share one set
 * of doubles on fixed ports. The first `startOrConnectSandbox` owns them; a second (another process
 * in production use, a second set here) connects: its real clients reach the same doubles, and its
 * steering goes over HTTP to the owner — with the same results and the same error kinds as
 * in-process steering. A third process with another secret is refused.
 */
import { once } from 'node:events';
import net from 'node:net';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import {
  type SandboxSteering,
  SandboxSteeringError,
  type SharedSandboxSet,
  startOrConnectSandbox,
} from '../../../adapters';
import { STEERING_METHODS } from '../../../adapters/shared/steering';
import { createApp } from '../../../api/app';
import type { Db } from '../../../db/database';
import { parseConfig } from '../../../platform/config';
import { createLogger } from '../../../platform/logger';
import { EncryptionCodec } from '../../../platform/payload-codec';

const ANNA = '198112289874';

/** A base port with eight free ports after it. */
async function freeRange(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers: net.Server[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const s = net.createServer().listen(base + i, '127.0.0.1');
        servers.push(s);
        await once(s, 'listening');
      }
      return base;
    } catch {
      // taken: try another range
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
}

describe('a sandbox shared between processes', () => {
  let owner: SharedSandboxSet;
  let remote: SharedSandboxSet;
  let basePort: number;

  beforeAll(async () => {
    basePort = await freeRange();
    owner = await startOrConnectSandbox({ basePort, secret: 'test-secret-0123456789' });
    remote = await startOrConnectSandbox({ basePort, secret: 'test-secret-0123456789' });
  });
  afterAll(async () => {
    await remote?.stop();
    await owner?.stop();
  });

  it('the first process owns the doubles on the fixed ports, the second connects', () => {
    expect(owner.role).toBe('owner');
    expect(remote.role).toBe('remote');
    expect(remote.endpoints).toEqual(owner.endpoints);
    expect(owner.endpoints.bankIdBaseUrl).toBe(`http://127.0.0.1:${basePort}`);
    expect(owner.endpoints.steeringBaseUrl).toBe(`http://127.0.0.1:${basePort + 7}`);
  });

  it('steering from the remote process reaches the owner’s doubles, and back', async () => {
    // The API process (remote) registers a person; the worker process (owner) credit-checks them.
    await remote.sandbox.bureau.registerPerson(ANNA, { paymentRemarks: 2 });
    expect((await owner.adapters.bureau.lookup(ANNA, `k-${basePort}`)).paymentRemarks).toBe(2);

    // A worker's BankID order is completed through the remote steering.
    const order = await owner.adapters.bankId.auth({ endUserIp: '192.0.2.1', requirement: { personalNumber: ANNA } });
    const completed = await remote.sandbox.bankId.completeOrder(order.orderRef);
    expect(completed).toMatchObject({ orderRef: order.orderRef });
    expect(await owner.adapters.bankId.collect(order.orderRef)).toMatchObject({ status: 'complete' });

    // What the worker sent is readable from the API process: SMS, mail, letters, payouts.
    await owner.adapters.sms.send({ idempotencyKey: `sms-${basePort}`, to: '+46701234567', text: 'Hej' });
    await owner.adapters.email.send({
      idempotencyKey: `mail-${basePort}`,
      to: 'a@example.com',
      subject: 'S',
      text: 'T',
    });
    await remote.adapters.post.sendLetter({
      idempotencyKey: `letter-${basePort}`,
      recipient: { kind: 'customer', customerId: 'c-1' },
      subject: 'Brev',
      body: 'Text',
    });
    const payout = await owner.adapters.bankPayout.payout({
      idempotencyKey: `payout-${basePort}`,
      amount: '1000.00',
      toAccount: { kind: 'bankAccount', clearingNumber: '6000', accountNumber: '123456789' },
      reference: 'Lån',
    });
    expect(await remote.sandbox.sms.listMessages({ to: '+46701234567' })).toEqual([
      expect.objectContaining({ text: 'Hej' }),
    ]);
    expect(await remote.sandbox.email.listMessages({ to: 'a@example.com' })).toHaveLength(1);
    expect(await owner.sandbox.post.listLetters({ customerId: 'c-1' })).toHaveLength(1);
    expect(await remote.sandbox.post.listLetters({ customerId: 'c-1' })).toEqual(
      await owner.sandbox.post.listLetters({ customerId: 'c-1' }),
    );
    expect(await remote.sandbox.bankPayout.executePayout(payout.payoutId)).toMatchObject({ status: 'executed' });
    expect((await owner.sandbox.bankPayout.getPayout(payout.payoutId)).status).toBe('executed');
  });

  it('steering errors keep their kind across the wire (404 / 409 / 400 at the API)', async () => {
    const notFound = await remote.sandbox.bankPayout.executePayout('no-such-payout').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(SandboxSteeringError);
    expect(notFound).toMatchObject({ kind: 'not_found' });
    const order = await owner.adapters.bankId.auth({ endUserIp: '192.0.2.2', requirement: { personalNumber: ANNA } });
    const wrongPerson = await remote.sandbox.bankId
      .completeOrder(order.orderRef, '196210104321')
      .catch((e: unknown) => e);
    expect(wrongPerson).toBeInstanceOf(SandboxSteeringError);
    expect((wrongPerson as SandboxSteeringError).kind).toMatch(/conflict|invalid/);
  });

  it('every steering method of every system is callable remotely', () => {
    for (const system of Object.keys(STEERING_METHODS) as (keyof SandboxSteering)[]) {
      for (const method of Object.keys(STEERING_METHODS[system])) {
        expect(typeof (remote.sandbox[system] as unknown as Record<string, unknown>)[method]).toBe('function');
        expect(typeof (owner.sandbox[system] as unknown as Record<string, unknown>)[method]).toBe('function');
      }
    }
  });

  it('the API process serves /v1/sandbox/... from the remote steering', async () => {
    const app = createApp({
      config: parseConfig({ ENGINE_MODE: 'sandbox', LOG_LEVEL: 'silent' }),
      db: {} as Db, // the sandbox endpoints used here read no database
      temporal: {} as Client,
      codec: new EncryptionCodec([{ id: 'k', key: Buffer.alloc(32, 1) }]),
      jwtSecret: 'test-secret-test-secret-test-secret-0123456789',
      logger: createLogger('silent'),
      sandbox: remote.sandbox,
    });
    await owner.adapters.sms.send({ idempotencyKey: `api-${basePort}`, to: '+46709999999', text: 'Via API' });
    const sms = await request(app).get('/v1/sandbox/sms').query({ to: '+46709999999' }).expect(200);
    expect(sms.body.items).toEqual([expect.objectContaining({ text: 'Via API' })]);
    await request(app).post('/v1/sandbox/payouts/no-such-payout/execute').expect(404);
    const person = await request(app)
      .post('/v1/sandbox/bureau/persons')
      .send({ personnummer: '19811228-9874', paymentRemarks: 0 })
      .expect(201);
    expect(person.body).toMatchObject({ paymentRemarks: 0 });
    expect((await owner.sandbox.bureau.getPerson(ANNA)).profile.paymentRemarks).toBe(0);
  });

  it('a process with another secret is refused instead of silently using foreign doubles', async () => {
    await expect(startOrConnectSandbox({ basePort, secret: 'another-secret-0123456789' })).rejects.toThrow(
      /another SANDBOX_SECRET/,
    );
  });
});

it('two processes starting at once end up with one owner and one remote', async () => {
  const basePort = await freeRange();
  const sets = await Promise.all([
    startOrConnectSandbox({ basePort, secret: 'race-secret-0123456789' }),
    startOrConnectSandbox({ basePort, secret: 'race-secret-0123456789' }),
  ]);
  try {
    expect(sets.map((s) => s.role).sort()).toEqual(['owner', 'remote']);
    await sets[1]!.sandbox.bureau.registerPerson(ANNA, { paymentRemarks: 1 });
    expect((await sets[0]!.sandbox.bureau.getPerson(ANNA)).profile.paymentRemarks).toBe(1);
  } finally {
    const [a, b] = sets[0]!.role === 'remote' ? sets : [sets[1]!, sets[0]!];
    await a!.stop();
    await b!.stop();
  }
});
