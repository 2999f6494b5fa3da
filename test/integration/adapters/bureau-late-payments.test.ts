/**
 * R-LOAN-11: late-payment reports to the credit bureau, the real client against the sandbox double
 * over HTTP. A report is recorded once per idempotency key (a repeat answers with the first
 * receipt), the same key with another report is a conflict, and bad input is a typed,
 * non-retryable error that never echoes the personal identity number.
 */
import { IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { BureauHttpClient, BureauSandbox, type LatePaymentReportRequest } from '../../../adapters/bureau';

const CARL = '198506151235';
const API_KEY = 'bureau-late-key';

let sandbox: BureauSandbox;
let client: BureauHttpClient;

beforeAll(async () => {
  sandbox = await BureauSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-04-01T07:00:00Z') });
  client = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox.close();
});

const report = (overrides: Partial<LatePaymentReportRequest> = {}): LatePaymentReportRequest => ({
  idempotencyKey: 'loan-L1:bureau-late:3:borrower-0',
  personalNumber: CARL,
  creditReference: '10000017',
  amountOverdue: '2412.5',
  dueDate: '2026-03-31',
  reportedOn: '2026-04-01',
  ...overrides,
});

it('R-LOAN-11: records a late payment and answers a repeat under the same key with the first receipt', async () => {
  const first = await client.reportLatePayment(report());
  expect(first).toEqual({ reportId: expect.any(String), receivedAt: '2026-04-01T07:00:00.000Z', replayed: false });

  const again = await client.reportLatePayment(report());
  expect(again).toEqual({ ...first, replayed: true });

  const recorded = (await sandbox.listLatePaymentReports()).filter(
    (r) => r.idempotencyKey === 'loan-L1:bureau-late:3:borrower-0',
  );
  expect(recorded).toEqual([
    {
      reportId: first.reportId,
      idempotencyKey: 'loan-L1:bureau-late:3:borrower-0',
      personalNumber: CARL,
      creditReference: '10000017',
      amountOverdue: '2412.50',
      dueDate: '2026-03-31',
      reportedOn: '2026-04-01',
      receivedAt: '2026-04-01T07:00:00.000Z',
    },
  ]);
});

it('R-LOAN-11: another key is another report; the same key with another amount is a conflict', async () => {
  const a = await client.reportLatePayment(report({ idempotencyKey: 'loan-L2:bureau-late:1:borrower-0' }));
  const b = await client.reportLatePayment(report({ idempotencyKey: 'loan-L2:bureau-late:2:borrower-0' }));
  expect(b.reportId).not.toBe(a.reportId);

  const err = await client
    .reportLatePayment(report({ idempotencyKey: 'loan-L2:bureau-late:1:borrower-0', amountOverdue: '1.00' }))
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IdempotencyConflictError);
  expect(err).toMatchObject({ system: 'bureau', httpStatus: 409, retryable: false });
  const keys = (await sandbox.listLatePaymentReports()).map((r) => r.idempotencyKey);
  expect(keys.filter((k) => k.startsWith('loan-L2:'))).toEqual([
    'loan-L2:bureau-late:1:borrower-0',
    'loan-L2:bureau-late:2:borrower-0',
  ]);
});

it('refuses bad reports with typed, non-retryable errors that never contain the personnummer', async () => {
  const badPnr = await client
    .reportLatePayment(report({ idempotencyKey: 'k-bad-1', personalNumber: '198506151236' }))
    .catch((e: unknown) => e);
  expect(badPnr).toBeInstanceOf(RemoteServiceError);
  expect(badPnr).toMatchObject({ code: 'invalid_personal_number', httpStatus: 422, retryable: false });
  expect((badPnr as Error).message).not.toContain('198506151236');

  // Reported before the due date: nothing is late yet (the double checks it; the client does not).
  const early = await client
    .reportLatePayment(report({ idempotencyKey: 'k-bad-2', reportedOn: '2026-03-30' }))
    .catch((e: unknown) => e);
  expect(early).toMatchObject({ code: 'invalid_request', httpStatus: 400, retryable: false });

  // Caught by the client before any request.
  for (const bad of [
    report({ personalNumber: '8506151235' }),
    report({ amountOverdue: '0.00' }),
    report({ amountOverdue: '-5.00' }),
    report({ dueDate: '2026-02-30' }),
    report({ creditReference: '' }),
    report({ idempotencyKey: '' }),
  ]) {
    const local = await client.reportLatePayment(bad).catch((e: unknown) => e);
    expect(local).toMatchObject({ code: 'invalid_request', retryable: false });
    expect((local as Error).message).not.toContain(CARL);
  }

  const intruder = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: 'wrong' });
  const unauthorized = await intruder.reportLatePayment(report({ idempotencyKey: 'k-bad-3' })).catch((e: unknown) => e);
  expect(unauthorized).toMatchObject({ code: 'unauthorized', httpStatus: 401, retryable: false });

  const keys = (await sandbox.listLatePaymentReports()).map((r) => r.idempotencyKey);
  expect(keys.filter((k) => k.startsWith('k-bad-'))).toEqual([]);
});
