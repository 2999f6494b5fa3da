/**
 * Bank payout: the real client against the sandbox double over HTTP. The point of this adapter is
 * that a payout happens exactly once whatever is retried (R-APP-9): a repeat under the same key
 * returns the same payout and records nothing; the same key with another body is refused.
 */
import { AdapterError, IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { BankPayoutHttpClient, BankPayoutSandbox, type PayoutRequest } from '../../../adapters/bank-payout';
import { generateOcr } from '../../../domain/ocr';

const API_KEY = 'payout-test-key';
// Tuesday 23 December 2025, 10:00 in Stockholm: the next banking day is Monday 29 December.
let now = new Date('2025-12-23T09:00:00Z');

let sandbox: BankPayoutSandbox;
let client: BankPayoutHttpClient;

beforeAll(async () => {
  sandbox = await BankPayoutSandbox.start({ apiKey: API_KEY, clock: () => now });
  client = new BankPayoutHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox.close();
});

const toApplicant = (key: string, amount = '150000.00'): PayoutRequest => ({
  idempotencyKey: key,
  amount,
  toAccount: { kind: 'bankAccount', clearingNumber: '8327', accountNumber: '9912345678' },
  reference: 'Lån 2026-0042',
});

async function payoutsWithKey(key: string) {
  return (await sandbox.listPayouts()).filter((p) => p.idempotencyKey === key);
}

it('accepts a payout for the next banking day', async () => {
  const result = await client.payout(toApplicant('application-A1:payout:applicant'));
  expect(result).toEqual({
    payoutId: expect.any(String),
    status: 'accepted',
    executionDate: '2025-12-29',
    amount: '150000.00',
    replayed: false,
  });
  const [recorded] = await payoutsWithKey('application-A1:payout:applicant');
  expect(recorded).toMatchObject({
    payoutId: result.payoutId,
    toAccount: { kind: 'bankAccount', clearingNumber: '8327', accountNumber: '9912345678' },
    reference: 'Lån 2026-0042',
  });
});

it('never pays twice: a repeat with the same key returns the same payout and records exactly one', async () => {
  const key = 'application-A2:payout:applicant';
  const first = await client.payout(toApplicant(key));
  const second = await client.payout(toApplicant(key));
  // "150000" is the same amount as "150000.00".
  const third = await client.payout(toApplicant(key, '150000'));
  expect(second).toEqual({ ...first, replayed: true });
  expect(third).toEqual({ ...first, replayed: true });
  expect(await payoutsWithKey(key)).toHaveLength(1);
});

it('never pays twice under concurrent retries either', async () => {
  const key = 'application-A3:payout:applicant';
  const results = await Promise.all(Array.from({ length: 8 }, () => client.payout(toApplicant(key))));
  expect(new Set(results.map((r) => r.payoutId)).size).toBe(1);
  expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  expect(await payoutsWithKey(key)).toHaveLength(1);
});

it('refuses the same key with a different body, and pays nothing more', async () => {
  const key = 'application-A4:payout:applicant';
  const first = await client.payout(toApplicant(key));
  const err = await client.payout(toApplicant(key, '150000.01')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IdempotencyConflictError);
  expect(err).toMatchObject({ system: 'bank-payout', code: 'idempotency_conflict', httpStatus: 409, retryable: false });
  const otherAccount = await client
    .payout({ ...toApplicant(key), toAccount: { kind: 'bankAccount', clearingNumber: '8327', accountNumber: '1' } })
    .catch((e: unknown) => e);
  expect(otherAccount).toBeInstanceOf(IdempotencyConflictError);
  expect((otherAccount as Error).message).not.toContain('8327');
  expect((await payoutsWithKey(key)).map((p) => p.payoutId)).toEqual([first.payoutId]);
});

it('pays a creditor by bankgiro and OCR, and validates the OCR', async () => {
  const ocr = generateOcr('4455667');
  const result = await client.payout({
    idempotencyKey: 'application-A5:payout:creditor:0',
    amount: '42000.00',
    toAccount: { kind: 'bankgiro', bankgiro: '5050-1055'.replace('-', ''), ocr },
    reference: 'Lösen kreditkort',
  });
  expect(result.status).toBe('accepted');
  const [recorded] = await payoutsWithKey('application-A5:payout:creditor:0');
  expect(recorded!.toAccount).toEqual({ kind: 'bankgiro', bankgiro: '50501055', ocr });

  const badOcr = await client
    .payout({
      idempotencyKey: 'application-A5:payout:creditor:1',
      amount: '1000.00',
      toAccount: {
        kind: 'bankgiro',
        bankgiro: '50501055',
        ocr: `${ocr.slice(0, -1)}${(Number(ocr.slice(-1)) + 1) % 10}`,
      },
      reference: 'Lösen',
    })
    .catch((e: unknown) => e);
  expect(badOcr).toBeInstanceOf(RemoteServiceError);
  expect(badOcr).toMatchObject({ code: 'invalid_ocr', httpStatus: 422, retryable: false });
  expect(await payoutsWithKey('application-A5:payout:creditor:1')).toHaveLength(0);
});

it('validates amounts and accounts', async () => {
  const negative = await client.payout(toApplicant('application-A6:payout:x', '-5.00')).catch((e: unknown) => e);
  expect(negative).toBeInstanceOf(AdapterError);
  expect(negative).toMatchObject({ code: 'invalid_amount', retryable: false, httpStatus: undefined });
  const zero = await client.payout(toApplicant('application-A6:payout:y', '0.00')).catch((e: unknown) => e);
  expect(zero).toMatchObject({ code: 'invalid_amount', httpStatus: 422 });
  const account = await client
    .payout({
      ...toApplicant('application-A6:payout:z'),
      toAccount: { kind: 'bankAccount', clearingNumber: '83', accountNumber: '1' },
    })
    .catch((e: unknown) => e);
  expect(account).toMatchObject({ code: 'invalid_account', httpStatus: 422 });
  expect(await sandbox.listPayouts()).not.toContainEqual(
    expect.objectContaining({ idempotencyKey: 'application-A6:payout:z' }),
  );
});

it('honours a later requested execution date, and reports executed once the date has come', async () => {
  const result = await client.payout({
    ...toApplicant('application-A7:payout:applicant'),
    requestedExecutionDate: '2026-01-01',
  });
  expect(result.executionDate).toBe('2026-01-02'); // New Year's Day is no banking day
  expect((await client.getPayout(result.payoutId)).status).toBe('accepted');
  now = new Date('2026-01-02T07:00:00Z');
  expect(await client.getPayout(result.payoutId)).toEqual({
    payoutId: result.payoutId,
    status: 'executed',
    executionDate: '2026-01-02',
    amount: '150000.00',
  });
  // A repeat after execution still returns the same payout.
  expect(
    await client.payout({ ...toApplicant('application-A7:payout:applicant'), requestedExecutionDate: '2026-01-01' }),
  ).toMatchObject({
    payoutId: result.payoutId,
    status: 'executed',
    replayed: true,
  });
});

it('can be steered to executed, and answers 404 for an unknown payout', async () => {
  const result = await client.payout(toApplicant('application-A8:payout:applicant'));
  expect(result.status).toBe('accepted');
  await sandbox.executePayout(result.payoutId);
  expect((await client.getPayout(result.payoutId)).status).toBe('executed');
  const missing = await client.getPayout('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
  expect(missing).toMatchObject({ code: 'not_found', httpStatus: 404 });
  await expect(sandbox.executePayout('nope')).rejects.toMatchObject({ kind: 'not_found' });
});

it('with executeAfterMs the bank confirms a payout executed that long after accepting it', async () => {
  let clock = new Date('2026-03-02T09:00:00Z');
  const quick = await BankPayoutSandbox.start({ apiKey: API_KEY, clock: () => clock, executeAfterMs: 1_000 });
  try {
    const quickClient = new BankPayoutHttpClient({ baseUrl: quick.url, apiKey: API_KEY });
    const result = await quickClient.payout(toApplicant('application-A9:payout'));
    expect(result.status).toBe('accepted');
    clock = new Date(clock.getTime() + 999);
    expect((await quickClient.getPayout(result.payoutId)).status).toBe('accepted');
    clock = new Date(clock.getTime() + 1);
    expect((await quickClient.getPayout(result.payoutId)).status).toBe('executed');
    expect((await quick.listPayouts())[0]).toMatchObject({ payoutId: result.payoutId, status: 'executed' });
  } finally {
    await quick.close();
  }
});
