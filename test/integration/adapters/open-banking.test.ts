/**
 * Open-banking income verification: the real client against the sandbox double over HTTP:
 * started verifications are pending until steered to completed (with an income) or failed.
 */
import { IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { OpenBankingHttpClient, OpenBankingSandbox } from '../../../adapters/open-banking';

const CARL = '198506151235';
const API_KEY = 'open-banking-test-key';

let sandbox: OpenBankingSandbox;
let client: OpenBankingHttpClient;

beforeAll(async () => {
  sandbox = await OpenBankingSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-03-02T10:00:00Z') });
  client = new OpenBankingHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox.close();
});

it('starts a pending verification with a consent page, and completes it with the verified income', async () => {
  const started = await client.startVerification({
    applicationId: 'A100',
    personalNumber: CARL,
    idempotencyKey: 'application-A100:income:main',
    returnUrl: 'https://loans.example.com/applications/A100',
  });
  expect(started.replayed).toBe(false);
  expect(started.redirectUrl).toBe(`${sandbox.url}/consent/${started.verificationId}`);
  expect(await client.getVerification(started.verificationId)).toEqual({
    verificationId: started.verificationId,
    status: 'pending',
  });

  // The consent page is for the applicant's browser: no API key needed.
  const page = await fetch(started.redirectUrl);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);

  await sandbox.completeVerification(started.verificationId, '32500.5');
  expect(await client.getVerification(started.verificationId)).toEqual({
    verificationId: started.verificationId,
    status: 'completed',
    verifiedMonthlyIncome: '32500.50',
    finishedAt: '2026-03-02T10:00:00.000Z',
  });
  await expect(sandbox.completeVerification(started.verificationId, '1.00')).rejects.toMatchObject({
    kind: 'conflict',
  });
  expect(await sandbox.getVerification(started.verificationId)).toMatchObject({
    applicationId: 'A100',
    personalNumber: CARL,
    status: 'completed',
  });
});

it('fails a verification with a reason', async () => {
  const started = await client.startVerification({
    applicationId: 'A101',
    personalNumber: CARL,
    idempotencyKey: 'application-A101:income:main',
  });
  await sandbox.failVerification(started.verificationId);
  expect(await client.getVerification(started.verificationId)).toMatchObject({
    status: 'failed',
    failureReason: 'consent_declined',
  });

  const other = await client.startVerification({
    applicationId: 'A101',
    personalNumber: CARL,
    idempotencyKey: 'application-A101:income:main:2',
  });
  await sandbox.failVerification(other.verificationId, 'no_income_found');
  expect(await client.getVerification(other.verificationId)).toMatchObject({ failureReason: 'no_income_found' });
  await expect(sandbox.failVerification(other.verificationId)).rejects.toMatchObject({ kind: 'conflict' });
  await expect(sandbox.completeVerification('nope', '1.00')).rejects.toMatchObject({ kind: 'not_found' });
});

it('returns the same verification for a repeated start and refuses a changed one', async () => {
  const request = { applicationId: 'A102', personalNumber: CARL, idempotencyKey: 'application-A102:income:main' };
  const first = await client.startVerification(request);
  const again = await client.startVerification(request);
  expect(again).toEqual({ ...first, replayed: true });
  expect((await sandbox.listVerifications()).filter((v) => v.applicationId === 'A102')).toHaveLength(1);

  const changed = await client.startVerification({ ...request, applicationId: 'A103' }).catch((e: unknown) => e);
  expect(changed).toBeInstanceOf(IdempotencyConflictError);
});

it('answers 404 for an unknown verification', async () => {
  const err = await client.getVerification('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteServiceError);
  expect(err).toMatchObject({ system: 'open-banking', code: 'not_found', httpStatus: 404, retryable: false });
});
