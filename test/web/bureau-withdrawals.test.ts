/**
 * R-PAY-1, R-SEC-1: a bureau withdrawal the bureau refused for good is shown to operators with
 * what to do — on the back-office's own page, counted on its start page, on the loan's page, and
 * in the operator API — and every one of those requests is in the operator audit. axe checks the
 * page in a real web.browser.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  markReportsForWithdrawal,
  markWithdrawalRefused,
  recordLatePaymentReport,
} from '../../db/bureau-report-repository';
import { listOperatorAudit } from '../../db/audit-repository';
import { registerPayment } from '../../db/loan-repository';
import { eventually } from '../support/api';
import { insertTestLoan } from '../support/loans';
import { expectAccessible, useWebApp } from './browser';

const web = useWebApp();

/** A loan whose report for invoice 1 a value-dated payment made withdrawable and the bureau refused. */
async function refusedLoan(code: string) {
  const customerId = `customer-${randomUUID()}`;
  const { loanId, contractNumber } = await insertTestLoan(web.h.db, { customer_id: customerId });
  const reportId = `report-${randomUUID()}`;
  const key = `loan-${loanId}:bureau-late:1:borrower-0`;
  await recordLatePaymentReport(web.h.db, {
    idempotencyKey: key,
    loanId,
    borrower: 0,
    reportId,
    dueDate: '2026-02-27',
    reportedOn: '2026-03-02',
  });
  const payment = await registerPayment(web.h.db, {
    id: randomUUID(),
    bankReference: `refused-${loanId}`,
    ocrReference: `${contractNumber}00`,
    amount: '2016.00',
    paymentDate: '2026-02-27',
    bookingDate: '2026-03-04',
  });
  expect(payment.loan_id).toBe(loanId);
  await markReportsForWithdrawal(web.h.db, loanId, '2026-02-27', payment.id);
  await markWithdrawalRefused(web.h.db, key, code);
  return { loanId, contractNumber, reportId, paymentId: payment.id, customerId };
}

const sessionOf = (res: request.Response): string =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('loan_session=') && !c.startsWith('loan_session=;'))!
    .split(';')[0]!;

/** The sandbox's local operator login (outside production the cookie is `loan_session`): the logged-in session. */
async function operatorSession(name: string): Promise<string> {
  const loginPage = await request(web.h.app).get('/operator/logga-in').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.text)![1]!;
  const loggedIn = await request(web.h.app)
    .post('/operator/logga-in')
    .set('cookie', sessionOf(loginPage))
    .type('form')
    .send({ _csrf: csrf, name })
    .expect(303);
  return sessionOf(loggedIn);
}

const auditRoutes = (operator: string, count: number) =>
  eventually(async () => {
    const { rows } = await listOperatorAudit(web.h.db, { operator }, { limit: 50 });
    return rows.length >= count ? rows.map((r) => [r.route, r.status]) : undefined;
  }, `${count} audit rows of ${operator}`);

it('R-PAY-1: the back-office lists a refused bureau withdrawal with what to do, on its page, the start page and the loan; audited (R-SEC-1)', async () => {
  const refused = await refusedLoan('unknown_report');
  const name = `bureau-${randomUUID().slice(0, 8)}`;
  const session = await operatorSession(name);

  const list = await request(web.h.app).get('/operator/bureau-withdrawals').set('cookie', session).expect(200);
  expect(list.text).toContain('<h1>Refused bureau withdrawals</h1>');
  expect(list.text).toContain(refused.reportId);
  expect(list.text).toContain(`/operator/loans/${refused.loanId}`);
  expect(list.text).toContain('<code>unknown_report</code>');
  expect(list.text).toContain('What to do:');
  expect(list.text).toContain(`The bureau does not know report ${refused.reportId}`);
  expect(list.text).toContain('was paid on 2026-02-27, so the customer was not late');

  const home = await request(web.h.app).get('/operator').set('cookie', session).expect(200);
  expect(home.text).toMatch(/href="\/operator\/bureau-withdrawals">Refused bureau withdrawals<\/a>: [1-9]/);

  const loan = await request(web.h.app).get(`/operator/loans/${refused.loanId}`).set('cookie', session).expect(200);
  expect(loan.text).toContain(refused.reportId);
  expect(loan.text).toContain('What to do:');

  // Withdrawn meanwhile (by hand at the bureau, and recorded): it leaves the list.
  await web.h.db
    .updateTable('bureau_late_payment_reports')
    .set({ withdrawn_at: new Date() })
    .where('report_id', '=', refused.reportId)
    .execute();
  const after = await request(web.h.app).get('/operator/bureau-withdrawals').set('cookie', session).expect(200);
  expect(after.text).not.toContain(refused.reportId);

  expect(await auditRoutes(`sandbox:${name}`, 4)).toEqual([
    ['/operator/bureau-withdrawals', 200],
    ['/operator/loans/{loanId}', 200],
    ['/operator', 200],
    ['/operator/bureau-withdrawals', 200],
  ]);
});

it('R-PAY-1: the operator API lists them with the action; a customer is refused and a bad loan id names the field', async () => {
  const refused = await refusedLoan('already_withdrawn');
  const operator = `op-${randomUUID()}`;
  const asOperator = `Bearer ${web.h.token({ role: 'operator', sub: operator })}`;
  const res = await request(web.h.app)
    .get('/v1/operator/bureau-withdrawals/refused')
    .query({ loanId: refused.loanId })
    .set('authorization', asOperator)
    .expect(200);
  expect(res.body.items).toEqual([
    {
      reportId: refused.reportId,
      loanId: refused.loanId,
      contractNumber: refused.contractNumber,
      dueDate: '2026-02-27',
      reportedOn: '2026-03-02',
      refusal: 'already_withdrawn',
      paymentId: refused.paymentId,
      paidOn: '2026-02-27',
      action: expect.stringContaining(`report ${refused.reportId} was already withdrawn by another request`),
    },
  ]);
  // Without a filter the list holds it too (other tests' rows may be there as well).
  const all = await request(web.h.app)
    .get('/v1/operator/bureau-withdrawals/refused')
    .set('authorization', asOperator)
    .expect(200);
  expect(all.body.items.map((i: { reportId: string }) => i.reportId)).toContain(refused.reportId);

  await request(web.h.app)
    .get('/v1/operator/bureau-withdrawals/refused')
    .set('authorization', `Bearer ${web.h.token({ role: 'customer', sub: refused.customerId })}`)
    .expect(403);
  const bad = await request(web.h.app)
    .get('/v1/operator/bureau-withdrawals/refused')
    .query({ loanId: 'not-a-loan' })
    .set('authorization', asOperator)
    .expect(400);
  expect(bad.headers['content-type']).toContain('application/problem+json');
  expect(JSON.stringify(bad.body)).toContain('loanId');

  expect(await auditRoutes(operator, 3)).toEqual([
    ['/v1/operator/bureau-withdrawals/refused', 400],
    ['/v1/operator/bureau-withdrawals/refused', 200],
    ['/v1/operator/bureau-withdrawals/refused', 200],
  ]);
});

it('the refused withdrawals page is reachable from the navigation and passes axe', async () => {
  const refused = await refusedLoan('unknown_report');
  const page = await (await web.browser.newContext()).newPage();
  await page.goto(`${web.baseUrl}/operator/logga-in`);
  await page.getByLabel('Your name').fill(`axe-${randomUUID().slice(0, 8)}`);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Back-office', exact: true }).waitFor();
  await page.getByRole('navigation', { name: 'Back-office' }).getByRole('link', { name: 'Bureau' }).click();
  await page.getByRole('heading', { level: 1, name: 'Refused bureau withdrawals', exact: true }).waitFor();
  await page.getByRole('heading', { level: 2, name: new RegExp(`Report ${refused.reportId}`) }).waitFor();
  await expectAccessible(page);
});
