/** SMS gateway: the real client against the recording double over HTTP, with de-duplication. */
import { IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { SmsHttpClient, SmsSandbox } from '../../../adapters/sms';

const API_KEY = 'sms-test-key';

let sandbox: SmsSandbox;
let client: SmsHttpClient;

beforeAll(async () => {
  sandbox = await SmsSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-03-02T11:00:00Z') });
  client = new SmsHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY, from: 'LoanEngine' });
});

afterAll(async () => {
  await sandbox.close();
});

it('records a sent message', async () => {
  const sent = await client.send({
    idempotencyKey: 'application-A1:sms:link',
    to: '+46701234567',
    text: 'Hej! Din ansökan väntar: https://loans.example.com/a/A1',
  });
  expect(sent.replayed).toBe(false);
  expect(await sandbox.listMessages({ to: '+46701234567' })).toEqual([
    {
      messageId: sent.messageId,
      idempotencyKey: 'application-A1:sms:link',
      to: '+46701234567',
      from: 'LoanEngine',
      text: 'Hej! Din ansökan väntar: https://loans.example.com/a/A1',
      receivedAt: '2026-03-02T11:00:00.000Z',
    },
  ]);
});

it('de-duplicates by idempotency key', async () => {
  const message = { idempotencyKey: 'application-A2:sms:link', to: '+46709876543', text: 'Påminnelse' };
  const first = await client.send(message);
  const retry = await client.send(message);
  expect(retry).toEqual({ messageId: first.messageId, replayed: true });
  expect(await sandbox.listMessages({ to: '+46709876543' })).toHaveLength(1);

  const changed = await client.send({ ...message, text: 'Annan text' }).catch((e: unknown) => e);
  expect(changed).toBeInstanceOf(IdempotencyConflictError);
  expect(await sandbox.listMessages({ to: '+46709876543' })).toHaveLength(1);

  await client.send({ ...message, idempotencyKey: 'application-A2:sms:reminder:1' });
  expect(await sandbox.listMessages({ to: '+46709876543' })).toHaveLength(2);
});

it('refuses a recipient that is not E.164, without echoing it', async () => {
  const err = await client
    .send({ idempotencyKey: 'application-A3:sms:link', to: '070-123 45 67', text: 'x' })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteServiceError);
  expect(err).toMatchObject({ code: 'invalid_recipient', httpStatus: 422, retryable: false });
  expect((err as Error).message).not.toContain('070');
  const empty = await client
    .send({ idempotencyKey: 'application-A3:sms:x', to: '+46701234567', text: '' })
    .catch((e: unknown) => e);
  expect(empty).toMatchObject({ code: 'invalid_text' });
});
