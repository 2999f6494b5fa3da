/**
 * Credit bureau: the real client against the sandbox double over HTTP. A registered person's
 * profile comes back; anyone else gets the deterministic default; a lookup under a used key
 * returns the first report and takes no new one.
 */
import { SandboxSteeringError } from '../../../adapters';
import { IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { BureauHttpClient, BureauSandbox, DEFAULT_BUREAU_PROFILE } from '../../../adapters/bureau';

const CARL = '198506151235';
const DORA = '197001010011';
const API_KEY = 'bureau-test-key';

let sandbox: BureauSandbox;
let client: BureauHttpClient;

beforeAll(async () => {
  sandbox = await BureauSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-03-02T09:00:00Z') });
  client = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox.close();
});

it('returns the registered profile of a registered person', async () => {
  await sandbox.registerPerson('850615-1235', {
    taxedAnnualIncome: '312000.5',
    paymentRemarks: 2,
    enforcementDebt: '15400',
    registeredInSweden: false,
  });
  const report = await client.lookup(CARL, 'application-A1:bureau:main');
  expect(report).toEqual({
    reportId: expect.any(String),
    registeredInSweden: false,
    taxedAnnualIncome: '312000.50',
    paymentRemarks: 2,
    enforcementDebt: '15400.00',
    createdAt: '2026-03-02T09:00:00.000Z',
    replayed: false,
  });
});

it('returns the deterministic default for an unknown person', async () => {
  const report = await client.lookup(DORA, 'application-A2:bureau:main');
  expect(report).toMatchObject({
    registeredInSweden: true,
    taxedAnnualIncome: '400000.00',
    paymentRemarks: 0,
    enforcementDebt: '0.00',
    replayed: false,
  });
  expect(DEFAULT_BUREAU_PROFILE.taxedAnnualIncome).toBe('400000.00');
  expect(await sandbox.getPerson(DORA)).toEqual({ registered: false, profile: { ...DEFAULT_BUREAU_PROFILE } });
});

it('answers a repeat under the same key with the first report and records one inquiry', async () => {
  const first = await client.lookup(DORA, 'application-A3:bureau:main');
  // Even when the registry changes in between, the repeat is the first answer.
  await sandbox.registerPerson(DORA, { paymentRemarks: 1 });
  const again = await client.lookup(DORA, 'application-A3:bureau:main');
  expect(again).toEqual({ ...first, replayed: true });
  const inquiries = (await sandbox.listInquiries()).filter((i) => i.idempotencyKey === 'application-A3:bureau:main');
  expect(inquiries).toHaveLength(1);
  // A new key sees the new registry.
  expect((await client.lookup(DORA, 'application-A4:bureau:main')).paymentRemarks).toBe(1);
});

it('refuses the same key for another person', async () => {
  await client.lookup(CARL, 'application-A5:bureau:main');
  const err = await client.lookup(DORA, 'application-A5:bureau:main').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IdempotencyConflictError);
  expect(err).toMatchObject({ system: 'bureau', httpStatus: 409, retryable: false });
});

it('reports an invalid personnummer and a wrong API key as typed, non-retryable errors', async () => {
  const invalid = await client.lookup('198506151236', 'application-A6:bureau:main').catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(RemoteServiceError);
  expect(invalid).toMatchObject({ code: 'invalid_personal_number', httpStatus: 422, retryable: false });
  expect((invalid as Error).message).not.toContain('198506151236');

  const local = await client.lookup('8506151235', 'application-A6:bureau:main').catch((e: unknown) => e);
  expect(local).toMatchObject({ code: 'invalid_request', retryable: false });
  expect((local as Error).message).not.toContain('8506151235');

  const noKey = await client.lookup(CARL, '').catch((e: unknown) => e);
  expect(noKey).toMatchObject({ code: 'invalid_request' });

  const intruder = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: 'wrong' });
  const unauthorized = await intruder.lookup(CARL, 'application-A7:bureau:main').catch((e: unknown) => e);
  expect(unauthorized).toMatchObject({ code: 'unauthorized', httpStatus: 401, retryable: false });
});

it('validates steering input', async () => {
  await expect(sandbox.registerPerson('not a number')).rejects.toBeInstanceOf(SandboxSteeringError);
  await expect(sandbox.registerPerson(CARL, { taxedAnnualIncome: '-1.00' })).rejects.toMatchObject({ kind: 'invalid' });
  await expect(sandbox.registerPerson(CARL, { paymentRemarks: 1.5 })).rejects.toMatchObject({ kind: 'invalid' });
});
