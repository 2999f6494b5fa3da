/**
 * R-LOAN-11: the `reportLatePaymentToBureau` activity on real PostgreSQL with the real bureau client
 * against the sandbox double. The borrowers' personal identity numbers are resolved from the
 * application the loan came from (every applicant is reported), or from the loan customer's
 * identified applicant row; a loan without either is skipped, never guessed. A repeat is the
 * first report.
 */
import { randomUUID } from 'node:crypto';
import type { Adapters } from '../../adapters';
import { BureauHttpClient, BureauSandbox } from '../../adapters/bureau';
import { createBureauReportingActivities } from '../../activities/bureau-reporting';
import { projectApplication } from '../../db/application-repository';
import type { Db } from '../../db/database';
import { initialSnapshot, type ApplicationInput } from '../../domain/application-state';
import { openTestDb } from '../support/db';
import { insertTestLoan } from '../support/loans';

const API_KEY = 'bureau-activity-key';
const MAIN = '198506151235';
const CO = '197001010011';

let db: Db;
let sandbox: BureauSandbox;
let activities: ReturnType<typeof createBureauReportingActivities>;

beforeAll(async () => {
  db = await openTestDb('INTEGRATION');
  sandbox = await BureauSandbox.start({ apiKey: API_KEY, clock: () => new Date('2026-04-01T07:00:00Z') });
  const bureau = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
  activities = createBureauReportingActivities(db, { bureau } as unknown as Adapters);
});

afterAll(async () => {
  await sandbox?.close();
  await db?.destroy();
});

const newLoan = (customerId: string) => insertTestLoan(db, { customer_id: customerId });

async function application(
  applicants: { personnummer: string; customerId: string | null }[],
  contractNumber: string | null,
  identified = false,
): Promise<void> {
  const input: ApplicationInput = {
    applicationId: randomUUID(),
    reference: `R${randomUUID().slice(0, 8).toUpperCase()}`,
    createdBy: 'customer',
    vendorId: null,
    creatorCustomerId: applicants[0]!.customerId,
    amount: '100000.00',
    termMonths: 60,
    noticeChannel: 'e-invoice',
    applicants: applicants.map((a, i) => ({
      personnummer: a.personnummer,
      birthDate: '1985-06-15',
      email: `a${i}@example.com`,
      phone: '+46701234567',
      customerId: a.customerId,
      inviteCode: null,
    })),
    consolidation: [],
    linkBaseUrl: 'http://localhost/apply',
  };
  const now = new Date().toISOString();
  const snapshot = initialSnapshot(input, now, now);
  await projectApplication(db, {
    ...snapshot,
    contractNumber,
    applicants: snapshot.applicants.map((a) => ({ ...a, identifiedAt: identified ? now : null })),
  });
}

const reportInput = (loanId: string, key: string) => ({
  idempotencyKey: key,
  loanId,
  amountOverdue: '2016',
  dueDate: '2026-03-31',
  reportedOn: '2026-04-01',
});

it('R-LOAN-11: reports every applicant of the loan’s application, once per key', async () => {
  const customer = `customer-${randomUUID()}`;
  const { loanId, contractNumber } = await newLoan(customer);
  await application(
    [
      { personnummer: MAIN, customerId: customer },
      { personnummer: CO, customerId: `customer-${randomUUID()}` },
    ],
    contractNumber,
  );
  const key = `loan-${loanId}:bureau-late:3`;

  const result = await activities.reportLatePaymentToBureau(reportInput(loanId, key));
  expect(result).toEqual({
    status: 'REPORTED',
    reports: [
      { borrower: 0, idempotencyKey: `${key}:borrower-0`, reportId: expect.any(String), replayed: false },
      { borrower: 1, idempotencyKey: `${key}:borrower-1`, reportId: expect.any(String), replayed: false },
    ],
  });
  // Nothing in the result names a person (it goes into the loan workflow's history).
  expect(JSON.stringify(result)).not.toContain(MAIN);
  expect(JSON.stringify(result)).not.toContain(CO);

  const again = await activities.reportLatePaymentToBureau(reportInput(loanId, key));
  expect(again.reports.map((r) => [r.reportId, r.replayed])).toEqual(result.reports.map((r) => [r.reportId, true]));

  const atBureau = (await sandbox.listLatePaymentReports()).filter((r) => r.creditReference === contractNumber);
  expect(atBureau).toEqual([
    expect.objectContaining({ personalNumber: MAIN, amountOverdue: '2016.00', dueDate: '2026-03-31' }),
    expect.objectContaining({ personalNumber: CO, amountOverdue: '2016.00', reportedOn: '2026-04-01' }),
  ]);
});

it('R-LOAN-11: without an application, the loan customer’s identified applicant row gives the identity', async () => {
  const customer = `customer-${randomUUID()}`;
  const { loanId, contractNumber } = await newLoan(customer);
  await application([{ personnummer: CO, customerId: customer }], null, true); // another, earlier application
  const result = await activities.reportLatePaymentToBureau(reportInput(loanId, `loan-${loanId}:bureau-late:1`));
  expect(result.status).toBe('REPORTED');
  expect(result.reports).toHaveLength(1);
  const atBureau = (await sandbox.listLatePaymentReports()).filter((r) => r.creditReference === contractNumber);
  expect(atBureau.map((r) => r.personalNumber)).toEqual([CO]);
});

it('R-LOAN-11: a loan with no known identity is skipped, not guessed; bad input and unknown loans fail for good', async () => {
  const { loanId, contractNumber } = await newLoan(`customer-${randomUUID()}`);
  expect(await activities.reportLatePaymentToBureau(reportInput(loanId, `loan-${loanId}:bureau-late:1`))).toEqual({
    status: 'SKIPPED',
    reason: 'no-borrower-identity',
    reports: [],
  });
  expect((await sandbox.listLatePaymentReports()).filter((r) => r.creditReference === contractNumber)).toEqual([]);

  await expect(activities.reportLatePaymentToBureau(reportInput(randomUUID(), 'k-unknown'))).rejects.toMatchObject({
    type: 'LoanNotFound',
    nonRetryable: true,
  });
  await expect(
    activities.reportLatePaymentToBureau({ ...reportInput(loanId, 'k-zero'), amountOverdue: '0.00' }),
  ).rejects.toMatchObject({ type: 'InvalidLatePaymentReport', nonRetryable: true });
  await expect(
    activities.reportLatePaymentToBureau({ ...reportInput(loanId, 'k-early'), reportedOn: '2026-03-30' }),
  ).rejects.toMatchObject({ type: 'InvalidLatePaymentReport', nonRetryable: true });
});
