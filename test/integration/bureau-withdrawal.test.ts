/**
 * R-PAY-1, R-LOAN-11: a late payment reported to the credit bureau with the reminder, then a
 * payment dated on the due date arrives late (value date before the report): the report is
 * withdrawn at the (sandbox) bureau, exactly once, from the payment activity that books the other
 * reversals. A withdrawal the bureau refuses for good is recorded for an operator. Every path that
 * receives money itself (an autogiro draw, the simulator's payments) withdraws the same way.
 */
import { randomUUID } from 'node:crypto';
import type { Adapters } from '../../adapters';
import { BureauHttpClient, BureauSandbox } from '../../adapters/bureau';
import { createBureauReportingActivities } from '../../activities/bureau-reporting';
import { unavailableAdapters } from '../../activities/application';
import { createDirectDebitActivities } from '../../activities/direct-debit';
import { createLoanActivities } from '../../activities/loan';
import { createSimulationActivities } from '../../activities/simulation';
import { DirectDebitHttpClient, DirectDebitSandbox } from '../../adapters/direct-debit';
import { activateMandate, insertMandate } from '../../db/direct-debit-repository';
import { projectApplication } from '../../db/application-repository';
import { recordLatePaymentReport, reportsOfLoan } from '../../db/bureau-report-repository';
import type { Db } from '../../db/database';
import { findInvoice } from '../../db/loan-repository';
import { initialSnapshot } from '../../domain/application-state';
import { invoiceIssueDate, lateFeeDate } from '../../domain/invoicing';
import { useTestDb } from '../support/db';
import { issueInstallment, openLoanDirectly, registerLoanPayment, remindOfInstallment } from '../support/loan-steps';

const API_KEY = 'bureau-withdrawal-key';
const BORROWER = '198506151235';

let db: Db;
let sandbox: BureauSandbox;
let bureau: BureauHttpClient;
let directDebitSandbox: DirectDebitSandbox;
let directDebit: DirectDebitHttpClient;

useTestDb('INTEGRATION', (opened) => (db = opened));

beforeAll(async () => {
  sandbox = await BureauSandbox.start({ apiKey: API_KEY, clock: () => new Date('2027-03-01T07:00:00Z') });
  bureau = new BureauHttpClient({ baseUrl: sandbox.url, apiKey: API_KEY });
  directDebitSandbox = await DirectDebitSandbox.start({ apiKey: API_KEY });
  directDebit = new DirectDebitHttpClient({ baseUrl: directDebitSandbox.url, apiKey: API_KEY });
});

afterAll(async () => {
  await sandbox?.close();
  await directDebitSandbox?.close();
});

/** A loan of a known borrower; invoice 1 missed, late fee, reminder and bureau report made; invoice 2 issued. */
async function reportedLoan() {
  const activities = createLoanActivities(db, undefined, bureau);
  const terms = await openLoanDirectly(activities, { payoutDate: '2027-01-04' });
  const { loanId } = terms;
  // The application the loan came from names the borrower (activities/bureau-reporting.ts).
  const now = new Date().toISOString();
  const snapshot = initialSnapshot(
    {
      applicationId: randomUUID(),
      reference: `R${randomUUID().slice(0, 8).toUpperCase()}`,
      createdBy: 'customer',
      vendorId: null,
      creatorCustomerId: terms.customerId,
      amount: terms.amount,
      termMonths: terms.termMonths,
      noticeChannel: 'e-invoice',
      applicants: [
        {
          personnummer: BORROWER,
          birthDate: '1985-06-15',
          email: 'a@example.com',
          phone: '+46701234567',
          customerId: terms.customerId,
          inviteCode: null,
        },
      ],
      consolidation: [],
      linkBaseUrl: 'http://localhost/apply',
    },
    now,
    now,
  );
  await projectApplication(db, { ...snapshot, contractNumber: terms.contractNumber });

  const due1 = await issueInstallment(activities, terms, 1);
  const invoice1Total = (await findInvoice(db, loanId, 1))!.total;
  await activities.chargeLateFee({ loanId, invoiceNumber: 1, date: lateFeeDate(due1) });
  const reminded = await remindOfInstallment(activities, loanId, 1, due1);
  // As the loan workflow does with the reminder (R-LOAN-11).
  const reporting = createBureauReportingActivities(db, { bureau } as unknown as Adapters);
  const reported = await reporting.reportLatePaymentToBureau({
    idempotencyKey: `loan-${loanId}:bureau-late:1`,
    loanId,
    amountOverdue: invoice1Total,
    dueDate: due1,
    reportedOn: reminded,
  });
  expect(reported.status).toBe('REPORTED');
  const due2 = await issueInstallment(activities, terms, 2);
  return {
    loanId,
    customerId: terms.customerId,
    activities,
    due1,
    invoice1Total,
    issued2: invoiceIssueDate(due2),
    reportId: reported.reports[0]!.reportId,
  };
}

async function registerLatePayment(loanId: string, amount: string, valueDate: string, bookingDate: string) {
  return registerLoanPayment(db, {
    loanId,
    bankReference: `late-file-${randomUUID()}`,
    amount,
    paymentDate: valueDate,
    bookingDate,
  });
}

const withdrawalsOf = async (reportId: string) =>
  (await sandbox.listReportWithdrawals()).filter((w) => w.reportId === reportId);

it('R-PAY-1: the bureau report a value-dated payment prevented is withdrawn once at the bureau', async () => {
  const { loanId, activities, due1, invoice1Total, issued2, reportId } = await reportedLoan();
  const [stored] = await reportsOfLoan(db, loanId);
  expect(stored).toMatchObject({ report_id: reportId, due_date: due1, withdrawal_key: null, withdrawn_at: null });
  expect(await withdrawalsOf(reportId)).toEqual([]);

  const payment = await registerLatePayment(loanId, invoice1Total, due1, issued2);
  const outcome = await activities.applyPayment({ paymentId: payment.id });
  expect(outcome.settledInvoices).toEqual([1]);

  const key = `loan-${loanId}:bureau-late:1:borrower-0:withdrawal`;
  expect(await withdrawalsOf(reportId)).toEqual([
    { reportId, idempotencyKey: key, reason: 'paid-by-value-date', withdrawnAt: '2027-03-01T07:00:00.000Z' },
  ]);
  const [after] = await reportsOfLoan(db, loanId);
  expect(after).toMatchObject({
    withdrawal_key: key,
    withdrawal_payment_id: payment.id,
    withdrawn_at: new Date('2027-03-01T07:00:00.000Z'),
    withdrawal_refused: null,
  });
  // Still listed with the payment's allocation.
  const row = await db
    .selectFrom('payments')
    .select('allocation')
    .where('id', '=', payment.id)
    .executeTakeFirstOrThrow();
  expect(JSON.stringify(row.allocation)).toContain('bureau-report');

  // A retried activity (same payment) withdraws nothing again.
  expect(await activities.applyPayment({ paymentId: payment.id })).toEqual(outcome);
  expect(await withdrawalsOf(reportId)).toHaveLength(1);
});

it('R-PAY-1: a payment after the report date withdraws nothing', async () => {
  const { loanId, activities, invoice1Total, issued2, reportId } = await reportedLoan();
  const payment = await registerLatePayment(loanId, invoice1Total, issued2, issued2);
  await activities.applyPayment({ paymentId: payment.id });
  expect(await withdrawalsOf(reportId)).toEqual([]);
  expect((await reportsOfLoan(db, loanId))[0]).toMatchObject({ withdrawal_key: null, withdrawn_at: null });
});

it('R-PAY-1: a withdrawal the bureau refuses for good is recorded for an operator', async () => {
  const { loanId, activities, due1, invoice1Total, issued2 } = await reportedLoan();
  // A second report of the loan the bureau does not know (e.g. made under another agreement).
  await recordLatePaymentReport(db, {
    idempotencyKey: `loan-${loanId}:bureau-late:1:borrower-9`,
    loanId,
    borrower: 9,
    reportId: `unknown-${loanId}`,
    dueDate: due1,
    reportedOn: due1,
  });
  const payment = await registerLatePayment(loanId, invoice1Total, due1, issued2);
  await activities.applyPayment({ paymentId: payment.id });
  const rows = await reportsOfLoan(db, loanId);
  expect(rows.map((r) => [r.borrower, r.withdrawn_at !== null, r.withdrawal_refused])).toEqual([
    [0, true, null],
    [9, false, 'unknown_report'],
  ]);
});

it('R-PAY-1, R-PAY-3: an autogiro draw that pays the reported invoice as of its due date withdraws the report at once', async () => {
  const { loanId, customerId, due1, reportId } = await reportedLoan();
  // An active mandate, registered at the direct-debit service as the mandate workflow does.
  const mandateId = randomUUID();
  await insertMandate(db, {
    id: mandateId,
    customerId,
    loanId,
    caseId: null,
    clearingNumber: '8327',
    accountNumber: '9912345678',
    payerPersonnummer: BORROWER,
  });
  const registered = await directDebit.registerMandate({
    idempotencyKey: `mandate-${mandateId}:register`,
    reference: mandateId,
    payerPersonalNumber: BORROWER,
    account: { clearingNumber: '8327', accountNumber: '9912345678' },
  });
  await activateMandate(db, mandateId, { providerMandateId: registered.mandateId, signature: 'test-signature' });

  // The draw of invoice 1 under its due date (a draw carried out late: after the reminder and the report).
  const draws = createDirectDebitActivities(db, { ...unavailableAdapters(), bureau, directDebit } as Adapters);
  const drawn = await draws.drawLoanInvoice({
    loanId,
    invoiceNumber: 1,
    idempotencyKey: `loan-${loanId}:autogiro:1`,
    date: due1,
  });
  expect(drawn.outcome).toBe('paid');
  expect(await withdrawalsOf(reportId)).toEqual([expect.objectContaining({ reportId, reason: 'paid-by-value-date' })]);
  expect((await reportsOfLoan(db, loanId))[0]!.withdrawn_at).not.toBeNull();
});

it('R-PAY-1: the simulated borrower: a value-dated payment withdraws the report at once, as the payment workflow does', async () => {
  const { loanId, due1, invoice1Total, issued2, reportId } = await reportedLoan();
  const simulation = createSimulationActivities(db, bureau);
  const paid = await simulation.registerSimulatedPayment({
    loanId,
    amount: invoice1Total,
    paymentDate: due1,
    bookingDate: issued2,
    reference: `late-${loanId}`,
  });
  expect(paid.paymentId).not.toBeNull();
  expect(await withdrawalsOf(reportId)).toEqual([expect.objectContaining({ reportId, reason: 'paid-by-value-date' })]);
  // A retried activity registers and withdraws nothing again.
  expect(
    (
      await simulation.registerSimulatedPayment({
        loanId,
        amount: invoice1Total,
        paymentDate: due1,
        bookingDate: issued2,
        reference: `late-${loanId}`,
      })
    ).paymentId,
  ).toBe(paid.paymentId);
  expect(await withdrawalsOf(reportId)).toHaveLength(1);
});
