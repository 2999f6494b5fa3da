/**
 * The factory: `createSandboxAdapters` starts every double and returns the real clients pointed
 * at them (with generated credentials) and the steering API, and `stop()` stops them all.
 */
import net from 'node:net';
import {
  connectToSandbox,
  createAdapters,
  createProductionAdapters,
  createSandboxAdapters,
  type SandboxAdapterSet,
} from '../../../adapters';
import { AdapterTransportError } from '../../../adapters/shared/errors';

const ANNA = '198112289874';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('createSandboxAdapters', () => {
  let set: SandboxAdapterSet;
  let now = new Date('2026-03-02T08:00:00Z');

  beforeAll(async () => {
    set = await createSandboxAdapters({ clock: () => now, bankIdOrderTtlMs: 60_000 });
  });

  afterAll(async () => {
    await set.stop();
  });

  it('listens on 127.0.0.1 ephemeral ports', () => {
    for (const url of [
      set.endpoints.bankIdBaseUrl,
      set.endpoints.bureauBaseUrl,
      set.endpoints.openBankingBaseUrl,
      set.endpoints.bankPayoutBaseUrl,
      set.endpoints.smsBaseUrl,
      set.endpoints.postBaseUrl,
    ]) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(set.endpoints.smtp.host).toBe('127.0.0.1');
    expect(set.endpoints.smtp.port).toBeGreaterThan(0);
  });

  it('wires every client to its double, steered through the sandbox API', async () => {
    const { adapters, sandbox } = set;

    const order = await adapters.bankId.auth({ endUserIp: '192.0.2.1', requirement: { personalNumber: ANNA } });
    await sandbox.bankId.completeOrder(order.orderRef);
    expect(await adapters.bankId.collect(order.orderRef)).toMatchObject({ status: 'complete' });

    await sandbox.bureau.registerPerson(ANNA, { paymentRemarks: 3 });
    expect((await adapters.bureau.lookup(ANNA, 'app-1:bureau')).paymentRemarks).toBe(3);

    const verification = await adapters.openBanking.startVerification({
      applicationId: 'app-1',
      personalNumber: ANNA,
      idempotencyKey: 'app-1:income',
    });
    await sandbox.openBanking.completeVerification(verification.verificationId, '28000.00');
    expect(await adapters.openBanking.getVerification(verification.verificationId)).toMatchObject({
      status: 'completed',
      verifiedMonthlyIncome: '28000.00',
    });

    const payout = await adapters.bankPayout.payout({
      idempotencyKey: 'app-1:payout',
      amount: '50000.00',
      toAccount: { kind: 'bankAccount', clearingNumber: '6000', accountNumber: '123456789' },
      reference: 'Lån app-1',
    });
    await adapters.bankPayout.payout({
      idempotencyKey: 'app-1:payout',
      amount: '50000.00',
      toAccount: { kind: 'bankAccount', clearingNumber: '6000', accountNumber: '123456789' },
      reference: 'Lån app-1',
    });
    expect((await sandbox.bankPayout.listPayouts()).map((p) => p.payoutId)).toEqual([payout.payoutId]);

    await adapters.email.send({ idempotencyKey: 'app-1:email', to: 'anna@example.com', subject: 'Hej', text: 'Länk' });
    expect(await sandbox.email.listMessages()).toEqual([
      expect.objectContaining({ to: ['anna@example.com'], subject: 'Hej', text: 'Länk' }),
    ]);

    await adapters.sms.send({ idempotencyKey: 'app-1:sms', to: '+46701234567', text: 'Länk' });
    expect(await sandbox.sms.listMessages()).toEqual([expect.objectContaining({ to: '+46701234567', text: 'Länk' })]);

    await adapters.post.sendLetter({
      idempotencyKey: 'app-1:letter',
      recipient: { kind: 'customer', customerId: 'customer-1' },
      subject: 'Brev',
      body: 'Text',
    });
    expect(await sandbox.post.listLetters()).toEqual([
      expect.objectContaining({ recipient: { kind: 'customer', customerId: 'customer-1' }, subject: 'Brev' }),
    ]);
  });

  it('passes the clock and the BankID TTL to the doubles', async () => {
    const order = await set.adapters.bankId.auth({ endUserIp: '192.0.2.2' });
    now = new Date(now.getTime() + 60_000);
    expect(await set.adapters.bankId.collect(order.orderRef)).toMatchObject({
      status: 'failed',
      hintCode: 'expiredTransaction',
    });
  });
});

it('lets another client set connect with the endpoints and credentials', async () => {
  const owner = await createSandboxAdapters();
  const other = connectToSandbox(owner.endpoints, owner.credentials);
  try {
    await other.adapters.sms.send({ idempotencyKey: 'k-1', to: '+46701234567', text: 'Från en annan process' });
    await other.adapters.email.send({ idempotencyKey: 'k-1', to: 'x@example.com', subject: 'S', text: 'T' });
    expect(await owner.sandbox.sms.listMessages()).toHaveLength(1);
    expect(await owner.sandbox.email.listMessages()).toHaveLength(1);
  } finally {
    await other.stop();
    await owner.stop();
  }
});

it('leaves nothing running when one double cannot start', async () => {
  const first = await createSandboxAdapters();
  try {
    // The SMS port is taken: the whole start fails, and the doubles that did start are stopped.
    const port = Number(new URL(first.endpoints.smsBaseUrl).port);
    const bureauPort = await freePort();
    await expect(createSandboxAdapters({ ports: { sms: port, bureau: bureauPort } })).rejects.toThrow(/EADDRINUSE/);
    await expect(fetch(`http://127.0.0.1:${bureauPort}/v1/credit-reports`, { method: 'POST' })).rejects.toThrow();
  } finally {
    await first.stop();
  }
});

it('stop() shuts every double down', async () => {
  const set = await createSandboxAdapters();
  const { bureau } = set.adapters;
  await set.stop();
  await expect(bureau.lookup(ANNA, 'after-stop')).rejects.toBeInstanceOf(AdapterTransportError);
});

it('createAdapters starts the doubles in sandbox mode only', async () => {
  const sandboxSet = await createAdapters({ ENGINE_MODE: 'sandbox' });
  try {
    expect(sandboxSet.sandbox).toBeDefined();
  } finally {
    await sandboxSet.stop();
  }
  await expect(createAdapters({ ENGINE_MODE: 'production' })).rejects.toThrow(/production mode needs adapter settings/);

  const production = await createAdapters(
    { ENGINE_MODE: 'production' },
    {
      production: {
        bankId: { baseUrl: 'https://appapi2.test.bankid.com' },
        bureau: { baseUrl: 'https://bureau.invalid', apiKey: 'k' },
        openBanking: { baseUrl: 'https://open-banking.invalid', apiKey: 'k' },
        bankPayout: { baseUrl: 'https://bank.invalid', apiKey: 'k' },
        email: { host: 'smtp.invalid', port: 587, requireTLS: true, from: 'no-reply@example.com' },
        sms: { baseUrl: 'https://sms.invalid', apiKey: 'k' },
        post: { baseUrl: 'https://post.invalid', apiKey: 'k' },
        directDebit: { baseUrl: 'https://autogiro.invalid', apiKey: 'k' },
      },
    },
  );
  expect(production.sandbox).toBeUndefined();
  expect(Object.keys(production.adapters).sort()).toEqual([
    'bankId',
    'bankPayout',
    'bureau',
    'directDebit',
    'email',
    'openBanking',
    'post',
    'sms',
  ]);
  await production.stop();
  expect(typeof createProductionAdapters).toBe('function');
});
