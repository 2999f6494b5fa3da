/**
 * Email: nodemailer (the real client) sends over real SMTP to the local smtp-server recorder,
 * which parses what it receives. A retry under the same idempotency key carries the same
 * Message-ID and is not recorded twice. Connections are pooled: messages sent at once share them.
 */
import net from 'node:net';
import { AdapterError } from '../../../adapters/shared/errors';
import { SmtpEmailClient, SmtpSandbox, messageIdFor } from '../../../adapters/email';

const AUTH = { user: 'sandbox', pass: 'secret-password' };
const FROM = '"Lånemotorn" <no-reply@loans.example.com>';

let sandbox: SmtpSandbox;
let client: SmtpEmailClient;

beforeAll(async () => {
  sandbox = await SmtpSandbox.start({ auth: AUTH, clock: () => new Date('2026-03-02T12:00:00Z') });
  client = new SmtpEmailClient({ host: sandbox.host, port: sandbox.port, auth: AUTH, from: FROM });
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

it('delivers subject and text, including Swedish characters and long lines', async () => {
  const text = [
    'Hej Anna,',
    '',
    'Din butik har påbörjat en ansökan om kortkredit åt dig. Öppna länken och legitimera dig med BankID för att svara på frågorna – länken gäller i 7 dagar: https://loans.example.com/applications/A42?token=abcdefghijklmnopqrstuvwxyz0123456789',
    '',
    'Vänliga hälsningar',
  ].join('\n');
  const sent = await client.send({
    idempotencyKey: 'application-A42:email:link',
    to: 'anna@example.com',
    subject: 'Din ansökan väntar på dig – slutför den inom 7 dagar',
    text,
  });
  expect(sent.messageId).toBe(messageIdFor('application-A42:email:link', 'loans.example.com'));

  const [mail, ...rest] = await sandbox.listMessages({ to: 'anna@example.com' });
  expect(rest).toHaveLength(0);
  expect(mail).toEqual({
    messageId: sent.messageId,
    from: 'no-reply@loans.example.com',
    to: ['anna@example.com'],
    subject: 'Din ansökan väntar på dig – slutför den inom 7 dagar',
    text,
    receivedAt: '2026-03-02T12:00:00.000Z',
    deliveries: 1,
  });
});

it('does not record a retry with the same key twice', async () => {
  const message = {
    idempotencyKey: 'application-A43:email:submitted',
    to: 'vendor@example.com',
    subject: 'Ansökan A43 är inskickad',
    text: 'Kunden har skickat in sin ansökan. Avtalsnummer: 2026-0043.',
  };
  const first = await client.send(message);
  const retry = await client.send(message);
  expect(retry.messageId).toBe(first.messageId);
  const received = await sandbox.listMessages({ to: 'vendor@example.com' });
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ messageId: first.messageId, deliveries: 2 });

  await client.send({
    ...message,
    idempotencyKey: 'application-A44:email:submitted',
    subject: 'Ansökan A44 är inskickad',
  });
  expect((await sandbox.listMessages({ to: 'vendor@example.com' })).map((m) => m.subject)).toEqual([
    'Ansökan A43 är inskickad',
    'Ansökan A44 är inskickad',
  ]);
});

it('sends many messages at once over the pooled connections, each delivered once', async () => {
  const keys = Array.from({ length: 12 }, (_, i) => `application-A5${i}:email:offer`);
  const sent = await Promise.all(
    keys.map((idempotencyKey, i) =>
      client.send({ idempotencyKey, to: 'pool@example.com', subject: `Erbjudande ${i}`, text: `Erbjudande ${i}` }),
    ),
  );
  const received = await sandbox.listMessages({ to: 'pool@example.com' });
  expect(received.map((m) => m.messageId).sort()).toEqual(sent.map((m) => m.messageId).sort());
  expect(received.every((m) => m.deliveries === 1)).toBe(true);
});

it('records the text and html parts of a multipart message', async () => {
  await client.send({
    idempotencyKey: 'application-A45:email:offer',
    to: 'berit@example.com',
    subject: 'Ditt erbjudande',
    text: 'Effektiv ränta 9,87 %.',
    html: '<p>Effektiv ränta <b>9,87 %</b>.</p>',
  });
  const [mail] = await sandbox.listMessages({ to: 'berit@example.com' });
  expect(mail).toMatchObject({ text: 'Effektiv ränta 9,87 %.', html: '<p>Effektiv ränta <b>9,87 %</b>.</p>' });
});

it('reports wrong credentials as a non-retryable auth error that names no address', async () => {
  const intruder = new SmtpEmailClient({
    host: sandbox.host,
    port: sandbox.port,
    auth: { user: 'sandbox', pass: 'wrong' },
    from: FROM,
  });
  try {
    const err = await intruder
      .send({ idempotencyKey: 'k-auth', to: 'carl@example.com', subject: 'x', text: 'y' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ system: 'email', code: 'auth', retryable: false });
    expect((err as Error).message).not.toContain('carl@example.com');
  } finally {
    await intruder.close();
  }
  expect(await sandbox.listMessages({ to: 'carl@example.com' })).toHaveLength(0);
});

it('reports an unreachable server as a retryable connection error', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const offline = new SmtpEmailClient({ host: '127.0.0.1', port, from: FROM, connectionTimeoutMs: 2_000 });
  try {
    const err = await offline
      .send({ idempotencyKey: 'k-offline', to: 'dora@example.com', subject: 'x', text: 'y' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ system: 'email', retryable: true });
  } finally {
    await offline.close();
  }
});
