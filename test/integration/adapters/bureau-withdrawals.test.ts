/**
 * R-PAY-1, R-LOAN-11: withdrawing a late-payment report, the real client against the sandbox
 * double over HTTP. A withdrawal is recorded once per idempotency key (a repeat answers with the
 * first receipt); a report is withdrawn at most once; an unknown report is a typed,
 * non-retryable refusal.
 */
import { RemoteServiceError } from '../../../adapters/shared/errors';
import { BureauHttpClient, BureauSandbox } from '../../../adapters/bureau';

const API_KEY = 'bureau-withdraw-key';

let sandbox: BureauSandbox;
let client: BureauHttpClient;

beforeAll(async () => {
  sandbox = await BureauSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-04-20T07:00:00Z') });
  client = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox.close();
});

async function report(key: string) {
  return client.reportLatePayment({
    idempotencyKey: key,
    personalNumber: '198506151235',
    creditReference: '10000017',
    amountOverdue: '2412.50',
    dueDate: '2026-03-31',
    reportedOn: '2026-04-01',
  });
}

it('R-PAY-1: withdraws a report once; a repeat under the same key is the first receipt', async () => {
  const { reportId } = await report('loan-W1:bureau-late:3:borrower-0');
  const first = await client.withdrawReport(reportId, 'loan-W1:bureau-late:3:borrower-0:withdrawal');
  expect(first).toEqual({ reportId, withdrawnAt: '2026-04-20T07:00:00.000Z', replayed: false });
  const again = await client.withdrawReport(reportId, 'loan-W1:bureau-late:3:borrower-0:withdrawal');
  expect(again).toEqual({ ...first, replayed: true });
  expect((await sandbox.listReportWithdrawals()).filter((w) => w.reportId === reportId)).toEqual([
    {
      reportId,
      idempotencyKey: 'loan-W1:bureau-late:3:borrower-0:withdrawal',
      reason: 'paid-by-value-date',
      withdrawnAt: '2026-04-20T07:00:00.000Z',
    },
  ]);
});

it('R-PAY-1: a report already withdrawn under another key, or unknown, is refused (not retryable)', async () => {
  const { reportId } = await report('loan-W2:bureau-late:1:borrower-0');
  await client.withdrawReport(reportId, 'loan-W2:withdrawal-a');
  const twice = client.withdrawReport(reportId, 'loan-W2:withdrawal-b');
  await expect(twice).rejects.toBeInstanceOf(RemoteServiceError);
  await expect(twice).rejects.toMatchObject({ code: 'already_withdrawn', retryable: false });
  await expect(client.withdrawReport('no-such-report', 'loan-W2:withdrawal-c')).rejects.toMatchObject({
    code: 'unknown_report',
    retryable: false,
  });
  expect((await sandbox.listReportWithdrawals()).filter((w) => w.reportId === reportId)).toHaveLength(1);
});

it('R-PAY-1: a missing idempotency key is refused before any call', async () => {
  await expect(client.withdrawReport('r-1', '')).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
});
