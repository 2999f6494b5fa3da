/**
 * Direct debit (autogiro, R-PAY-3): the real client against the sandbox double over HTTP. Nothing
 * is ever drawn twice (a repeat under the same key returns the same draw; another body under the
 * key is refused), and the double refuses draws as it is steered: insufficient funds for the next
 * draws, or a mandate the payer cancelled at their bank.
 */
import {
  DirectDebitHttpClient,
  DirectDebitSandbox,
  type DrawRequest,
  type MandateRegistration,
} from '../../../adapters/direct-debit';
import { AdapterError, IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';

const API_KEY = 'autogiro-test-key';
let sandbox: DirectDebitSandbox;
let client: DirectDebitHttpClient;

beforeAll(async () => {
  sandbox = await DirectDebitSandbox.start({ apiKey: API_KEY });
  client = new DirectDebitHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox.close();
});

const registration = (reference: string): MandateRegistration => ({
  idempotencyKey: `mandate-${reference}:register`,
  reference,
  payerPersonalNumber: '198112289874',
  account: { clearingNumber: '8327', accountNumber: '9912345678' },
});
const draw = (mandateId: string, key: string, amount = '1234.50'): DrawRequest => ({
  idempotencyKey: key,
  mandateId,
  amount,
  dueDate: '2027-01-28',
  reference: '1234567897',
});

it('R-PAY-3: registers a mandate once per key and draws an invoice once per key', async () => {
  const first = await client.registerMandate(registration('m-1'));
  expect(first).toEqual({ mandateId: expect.stringMatching(/^AG-/), status: 'active', replayed: false });
  expect(await client.registerMandate(registration('m-1'))).toEqual({ ...first, replayed: true });

  const paid = await client.requestDraw(draw(first.mandateId, 'loan-1:autogiro:1'));
  expect(paid).toEqual({
    drawId: expect.any(String),
    status: 'paid',
    amount: '1234.50',
    dueDate: '2027-01-28',
    replayed: false,
  });
  // "1234.5" is the same amount: a replay, not a second draw.
  expect(await client.requestDraw(draw(first.mandateId, 'loan-1:autogiro:1', '1234.5'))).toEqual({
    ...paid,
    replayed: true,
  });
  expect(await sandbox.listDraws({ mandate: 'm-1' })).toHaveLength(1);
  await expect(client.requestDraw(draw(first.mandateId, 'loan-1:autogiro:1', '99.00'))).rejects.toBeInstanceOf(
    IdempotencyConflictError,
  );
  expect(await client.getDraw(paid.drawId)).toEqual({
    drawId: paid.drawId,
    status: 'paid',
    amount: '1234.50',
    dueDate: '2027-01-28',
  });
});

it('R-PAY-3: steered refusals: insufficient funds for the next draw, then a mandate cancelled at the bank', async () => {
  const { mandateId } = await client.registerMandate(registration('m-2'));
  await sandbox.refuseDraws('m-2', 'insufficient_funds', 1);
  expect(await client.requestDraw(draw(mandateId, 'loan-2:autogiro:1'))).toMatchObject({
    status: 'refused',
    refusalReason: 'insufficient_funds',
  });
  expect(await client.requestDraw(draw(mandateId, 'loan-2:autogiro:2'))).toMatchObject({ status: 'paid' });

  await sandbox.refuseDraws(mandateId, 'mandate_cancelled');
  expect(await client.requestDraw(draw(mandateId, 'loan-2:autogiro:3'))).toMatchObject({
    status: 'refused',
    refusalReason: 'mandate_cancelled',
  });
  expect((await sandbox.listMandates()).find((m) => m.mandateId === mandateId)?.status).toBe('cancelled');
});

it('cancels a mandate (idempotently); unknown mandates and bad amounts are refused', async () => {
  const { mandateId } = await client.registerMandate(registration('m-3'));
  expect(await client.cancelMandate(mandateId)).toEqual({ mandateId, status: 'cancelled' });
  expect(await client.cancelMandate(mandateId)).toEqual({ mandateId, status: 'cancelled' });
  const unknown = await client.requestDraw(draw('AG-none', 'loan-3:autogiro:1')).catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(RemoteServiceError);
  expect((unknown as RemoteServiceError).code).toBe('unknown_mandate');
  expect((unknown as RemoteServiceError).retryable).toBe(false);
  const bad = await client.requestDraw(draw(mandateId, 'loan-3:autogiro:2', '-1.00')).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(AdapterError);
  expect((bad as AdapterError).code).toBe('invalid_amount');
  const wrongKey = new DirectDebitHttpClient({ baseUrl: sandbox.url, apiKey: 'wrong' });
  await expect(wrongKey.getDraw('x')).rejects.toMatchObject({ code: 'unauthorized' });
});
