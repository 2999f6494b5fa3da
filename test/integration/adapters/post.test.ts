/**
 * Print-and-post (R-LOAN-3 reminders by post, R-LOAN-11 notices by post): the real client against
 * the recording double over HTTP, with de-duplication by idempotency key.
 */
import { AdapterError, IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { PostHttpClient, PostSandbox } from '../../../adapters/post';

const API_KEY = 'post-test-key';
const ADDRESS = { name: 'Anna Andersson', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm' };

let sandbox: PostSandbox;
let client: PostHttpClient;

beforeAll(async () => {
  sandbox = await PostSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-12-01T09:00:00Z') });
  client = new PostHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY, sender: 'Loan Engine' });
});

afterAll(async () => {
  await sandbox.close();
});

it('R-LOAN-3: records a letter to a postal address, and one addressed by customer id', async () => {
  const sent = await client.sendLetter({
    idempotencyKey: 'loan-1:reminder:3:letter',
    recipient: { kind: 'address', address: ADDRESS },
    subject: 'Påminnelse',
    body: 'Er faktura 3 är obetald.',
  });
  expect(sent).toMatchObject({ status: 'posted', replayed: false });
  const byId = await client.sendLetter({
    idempotencyKey: 'loan-2:reminder:1:letter',
    recipient: { kind: 'customer', customerId: 'customer-2' },
    subject: 'Påminnelse',
    body: 'Er faktura 1 är obetald.',
  });
  expect(await client.getLetter(byId.letterId)).toEqual({ letterId: byId.letterId, status: 'posted' });
  expect(await sandbox.listLetters({ customerId: 'customer-2' })).toEqual([
    {
      letterId: byId.letterId,
      idempotencyKey: 'loan-2:reminder:1:letter',
      recipient: { kind: 'customer', customerId: 'customer-2' },
      subject: 'Påminnelse',
      body: 'Er faktura 1 är obetald.',
      sender: 'Loan Engine',
      receivedAt: '2026-12-01T09:00:00.000Z',
    },
  ]);
  expect((await sandbox.listLetters()).map((l) => l.letterId)).toEqual([sent.letterId, byId.letterId]);
});

it('posts once per idempotency key; a different letter under the same key is a conflict', async () => {
  const letter = {
    idempotencyKey: 'mailbox:m-1:letter',
    recipient: { kind: 'customer' as const, customerId: 'customer-3' },
    subject: 'Ändrad ränta',
    body: 'Räntan ändras.',
  };
  const first = await client.sendLetter(letter);
  const retry = await client.sendLetter(letter);
  expect(retry).toEqual({ letterId: first.letterId, status: 'posted', replayed: true });
  const changed = await client.sendLetter({ ...letter, body: 'Annan text' }).catch((e: unknown) => e);
  expect(changed).toBeInstanceOf(IdempotencyConflictError);
  expect(await sandbox.listLetters({ customerId: 'customer-3' })).toHaveLength(1);
});

it('refuses an incomplete address without echoing it, and a missing key before any request', async () => {
  const err = await client
    .sendLetter({
      idempotencyKey: 'loan-4:letter',
      recipient: { kind: 'address', address: { ...ADDRESS, postalCode: '1' } },
      subject: 'S',
      body: 'B',
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteServiceError);
  expect(err).toMatchObject({ system: 'post', code: 'invalid_address', httpStatus: 422, retryable: false });
  expect((err as Error).message).not.toContain('Storgatan');
  const noKey = await client
    .sendLetter({ idempotencyKey: '', recipient: { kind: 'customer', customerId: 'c' }, subject: 'S', body: 'B' })
    .catch((e: unknown) => e);
  expect(noKey).toBeInstanceOf(AdapterError);
  expect(noKey).toMatchObject({ code: 'invalid_request', retryable: false });
});

it('requires the bearer token', async () => {
  const anonymous = new PostHttpClient({ baseUrl: sandbox.url });
  const err = await anonymous
    .sendLetter({ idempotencyKey: 'k', recipient: { kind: 'customer', customerId: 'c' }, subject: 'S', body: 'B' })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ system: 'post', httpStatus: 401 });
});
