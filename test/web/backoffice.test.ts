/**
 * The back-office in a real browser: a shop's user logs in, creates an application and
 * follows it in "Förmedlade avtal" as NOT_STARTED → STARTED → SUBMITTED without a reload while the
 * applicant acts through the API (R-APP-4), sends a reminder to a changed e-mail (a fresh link,
 * R-APP-3), deletes another application; repeated wrong passwords lock the account; another
 * shop's application is a 404 (R-SEC-1); an operator assigns a suspense payment and answers a
 * complaint (R-LOAN-9), both recorded in the operator audit (R-SEC-1). axe checks every page.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { upsertVendor } from '../../db/application-repository';
import { listOperatorAudit } from '../../db/audit-repository';
import { findPayment } from '../../db/loan-repository';
import { insertVendorUser } from '../../db/vendor-user-repository';
import { MAX_FAILED_LOGINS } from '../../domain/vendor-login';
import { hashPassword } from '../../web/vendor';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { goodAnswers, newPerson, type TestPerson, waitFor } from '../support/application';
import { insertTestLoan } from '../support/loans';
import { expectAccessible, launchBrowser, listen, screenshot } from './browser';

let h: ApiHarness;
let browser: Browser;
let server: Server;
let baseUrl: string;

const PASSWORD = 'korrekt-hast-batteri';

beforeAll(async () => {
  h = await startApiHarness();
  ({ server, baseUrl } = await listen(h.app));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await h?.stop();
});

async function newShopUser(shopName: string) {
  const vendorId = `shop-${randomUUID().slice(0, 8)}`;
  await upsertVendor(h.db, { id: vendorId, name: shopName, email: `${vendorId}@shop.example.com` });
  const email = `${vendorId}@users.example.com`;
  await insertVendorUser(h.db, {
    id: randomUUID(),
    vendorId,
    email,
    passwordHash: await hashPassword(PASSWORD),
    createdBy: 'test',
  });
  return { vendorId, email };
}

async function heading(page: Page, text: string) {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(`${baseUrl}/butik/logga-in`);
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}

async function createApplication(page: Page, p: TestPerson, amount = '50000') {
  await page.getByRole('link', { name: 'Ny ansökan' }).first().click();
  await heading(page, 'Ny ansökan');
  await page.getByLabel('Belopp (kr)').fill(amount);
  await page.getByLabel('Återbetalningstid (månader)').fill('36');
  const main = page.getByRole('group', { name: 'Sökande', exact: true });
  await main.getByLabel('Personnummer').fill(p.personnummer);
  await main.getByLabel('E-postadress').fill(p.email);
  await main.getByLabel('Mobilnummer').fill(p.phone);
  await page.getByRole('button', { name: 'Skapa och skicka länk' }).click();
  await page.getByRole('status').filter({ hasText: 'är skapad' }).waitFor();
  return /\/butik\/ansokan\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
}

async function inviteCodeFor(email: string, applicationId: string): Promise<string> {
  const mails = await waitFor(
    async () => (await request(h.app).get('/v1/sandbox/emails').query({ to: email }).expect(200)).body.items,
    (items: { text: string }[]) => items.some((m) => m.text.includes(applicationId)),
    'the invitation mail',
  );
  const text = (mails as { text: string }[]).filter((m) => m.text.includes(applicationId)).at(-1)!.text;
  return decodeURIComponent(/invite=([\w%-]+)/.exec(text)![1]!);
}

const statusCell = (page: Page, id: string) => page.locator(`#pending tr[data-id="${id}"] .status-cell`);

it('a shop follows its application NOT_STARTED → STARTED → SUBMITTED live, reminds to a new e-mail and deletes another (R-APP-3/4/5)', async () => {
  const shop = await newShopUser('Cykelbutiken');
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseUrl}/butik`);
  await heading(page, 'Logga in som butik');
  await expectAccessible(page);
  await logIn(page, shop.email);
  await heading(page, 'Förmedlade avtal');

  // A wrong field is named on the form.
  await page.getByRole('link', { name: 'Ny ansökan' }).first().click();
  await page.getByLabel('Belopp (kr)').fill('tio');
  await page.getByRole('button', { name: 'Skapa och skicka länk' }).click();
  await page.getByRole('alert').filter({ hasText: 'Belopp (kr)' }).waitFor();
  await expectAccessible(page);

  const anna = newPerson();
  await request(h.app)
    .post('/v1/sandbox/bureau/persons')
    .send({ personnummer: anna.personnummer, taxedAnnualIncome: '540000.00' })
    .expect(201);
  const id = await createApplication(page, anna);
  await expectAccessible(page);

  // The invitation names the shop and the amount.
  const invitation = await waitFor(
    async () => (await request(h.app).get('/v1/sandbox/emails').query({ to: anna.email }).expect(200)).body.items,
    (items: { text: string }[]) => items.length > 0,
    'the invitation',
  );
  expect((invitation as { text: string }[])[0]!.text).toContain(
    'Cykelbutiken har skapat en låneansökan på 50 000,00 kr',
  );

  await page.getByRole('link', { name: 'Förmedlade avtal' }).first().click();
  await heading(page, 'Förmedlade avtal');
  await expect(statusCell(page, id).textContent()).resolves.toBe('Ej påbörjad');
  await expect(page.locator(`#pending tr[data-id="${id}"] td`).nth(4).textContent()).resolves.toBe('7');
  await expectAccessible(page);
  await screenshot(page, 'vendor-lists');

  // The applicant acts through the API; the list follows without a reload.
  const url = page.url();
  const code = await inviteCodeFor(anna.email, id);
  const customer = `Bearer ${h.token({ role: 'customer', sub: `c-${randomUUID()}` })}`;
  const order = await request(h.app)
    .post(`/v1/applications/${id}/identification`)
    .set('authorization', customer)
    .send({ inviteCode: code })
    .expect(202);
  await request(h.app).post(`/v1/sandbox/bankid/orders/${order.body.orderRef}/complete`).send({}).expect(200);
  await eventually(async () => {
    const res = await request(h.app).get(`/v1/applications/${id}`).set('authorization', customer);
    return res.status === 200 && res.body.applicants[0].identified ? true : undefined;
  }, 'identification');
  await request(h.app)
    .put(`/v1/applications/${id}/answers`)
    .set('authorization', customer)
    .send({ employment: 'permanent' })
    .expect(200);
  await statusCell(page, id).getByText('Påbörjad', { exact: true }).waitFor({ timeout: 30_000 });
  // The name BankID gave is shown to the shop that created the application.
  await expect(page.locator(`#pending tr[data-id="${id}"] td`).nth(1).textContent()).resolves.toBe('Test Testsson');

  await request(h.app)
    .post(`/v1/applications/${id}/submission`)
    .set('authorization', customer)
    .send(goodAnswers())
    .expect(200);
  await page.locator(`#submitted tr[data-id="${id}"]`).waitFor({ timeout: 60_000 });
  expect(await page.locator(`#pending tr[data-id="${id}"]`).count()).toBe(0);
  await expect(page.locator(`#submitted tr[data-id="${id}"] td`).nth(3).textContent()).resolves.toMatch(/^\d{8,9}$/);
  expect(page.url()).toBe(url); // no reload, no navigation
  await screenshot(page, 'vendor-lists-submitted');

  // A reminder to a changed e-mail: a fresh link to the new address; the old link no longer identifies.
  const bo = newPerson();
  const second = await createApplication(page, bo, '40000');
  const oldCode = await inviteCodeFor(bo.email, second);
  const newEmail = `ny-${randomUUID().slice(0, 8)}@example.com`;
  const main = page.getByRole('region', { name: /^Sökande/ });
  await main.getByLabel('E-postadress').fill(newEmail);
  await main.getByRole('button', { name: 'Skicka påminnelse' }).click();
  await page.getByRole('status').filter({ hasText: 'Påminnelsen är skickad.' }).waitFor();
  const newCode = await inviteCodeFor(newEmail, second);
  expect(newCode).not.toBe(oldCode);
  await expectAccessible(page);
  await screenshot(page, 'vendor-detail');

  // Delete: the application leaves the pending list.
  await page.getByRole('button', { name: 'Radera ansökan' }).click();
  await page.getByRole('status').filter({ hasText: 'är raderad' }).waitFor();
  await heading(page, 'Förmedlade avtal');
  expect(await page.locator(`#pending tr[data-id="${second}"]`).count()).toBe(0);

  // Settings: the address for "submitted" mail.
  await page.getByRole('link', { name: 'Inställningar' }).click();
  await page.getByLabel('E-postadress för inskickade ansökningar').fill('order@cykelbutiken.example.com');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByRole('status').filter({ hasText: 'Inställningarna är sparade.' }).waitFor();
  await expectAccessible(page);
});

it('locks a shop user out after repeated wrong passwords, resets by e-mailed link, and a shop never reaches another shop’s application (R-SEC-1)', async () => {
  const shop = await newShopUser('Möbelhuset');
  const other = await newShopUser('Elbutiken');
  const page = await (await browser.newContext()).newPage();
  for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) {
    await logIn(page, shop.email, 'fel-losenord-123');
    await page.getByText('Fel e-postadress eller lösenord.').waitFor();
  }
  await logIn(page, shop.email, 'fel-losenord-123');
  await page.getByText('Kontot är spärrat').waitFor();
  await expectAccessible(page);
  // Locked: even the right password does not open it now.
  await logIn(page, shop.email);
  await page.getByText('Kontot är spärrat').waitFor();

  // A reset link by e-mail sets a new password and lifts the lock.
  await page.getByRole('link', { name: 'Glömt lösenordet?' }).click();
  await heading(page, 'Byt lösenord');
  await page.getByLabel('E-postadress').fill(shop.email);
  await page.getByRole('button', { name: 'Skicka länk' }).click();
  await page.getByRole('status').filter({ hasText: 'har vi skickat en länk' }).waitFor();
  const mail = await waitFor(
    async () => (await request(h.app).get('/v1/sandbox/emails').query({ to: shop.email }).expect(200)).body.items,
    (items: { text: string }[]) => items.length > 0,
    'the reset mail',
  );
  const link = /https?:\/\/\S+\/butik\/nytt-losenord\?token=[\w-]+/.exec((mail as { text: string }[])[0]!.text)![0];
  await page.goto(`${baseUrl}${new URL(link).pathname}${new URL(link).search}`);
  await page.getByLabel(/Nytt lösenord/).fill('ett-helt-nytt-losenord');
  await page.getByRole('button', { name: 'Spara lösenord' }).click();
  await page.getByRole('status').filter({ hasText: 'Lösenordet är bytt.' }).waitFor();
  await logIn(page, shop.email, 'ett-helt-nytt-losenord');
  await heading(page, 'Förmedlade avtal');
  // The link works once.
  expect((await page.goto(`${baseUrl}${new URL(link).pathname}${new URL(link).search}`))!.status()).toBe(404);

  // The other shop's application is a 404 to this one.
  const otherPage = await (await browser.newContext()).newPage();
  await logIn(otherPage, other.email);
  await heading(otherPage, 'Förmedlade avtal');
  const theirs = await createApplication(otherPage, newPerson());
  const third = await newShopUser('Skobutiken');
  const intruder = await (await browser.newContext()).newPage();
  await logIn(intruder, third.email);
  await heading(intruder, 'Förmedlade avtal');
  const res = await intruder.goto(`${baseUrl}/butik/ansokan/${theirs}`);
  expect(res!.status()).toBe(404);
  // Even with its own session's CSRF token, deleting another shop's application finds nothing.
  await intruder.goto(`${baseUrl}/butik`);
  const csrf = await intruder.locator('input[name="_csrf"]').first().inputValue();
  const del = await intruder.request.post(`${baseUrl}/butik/ansokan/${theirs}/radera`, { form: { _csrf: csrf } });
  expect(del.status()).toBe(404);
  expect(await intruder.locator(`tr[data-id="${theirs}"]`).count()).toBe(0);
});

it('an operator assigns a suspense payment and answers a complaint; both are audited (R-LOAN-9, R-SEC-1)', async () => {
  const loanId = randomUUID();
  const customerId = `customer-${randomUUID()}`;
  await insertTestLoan(h.db, { id: loanId, customer_id: customerId });
  const operatorToken = `Bearer ${h.token({ role: 'operator', sub: 'op-api' })}`;
  const payment = await request(h.app)
    .post('/v1/payments')
    .set('authorization', operatorToken)
    .send({
      bankReference: `bank-${randomUUID()}`,
      ocrReference: '99999999999999',
      amount: '123.45',
      paymentDate: '2026-11-20',
    })
    .expect(201);
  const complaint = await request(h.app)
    .post(`/v1/loans/${loanId}/complaints`)
    .set('authorization', `Bearer ${h.token({ role: 'customer', sub: customerId })}`)
    .send({ subject: 'Fel avgift', text: 'Jag fick en avgift som inte stämmer.' })
    .expect(201);

  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseUrl}/operator`);
  await heading(page, 'Operator login');
  await expectAccessible(page);
  await page.getByLabel('Your name').fill('karin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await heading(page, 'Back-office');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Suspense', exact: true }).click();
  await heading(page, 'Payments in suspense');
  const section = page.getByRole('region', { name: /123,45 kr/ });
  await section.getByLabel('Loan id').fill(loanId);
  await section.getByRole('button', { name: 'Assign' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Payment assigned to loan ${loanId}.` })
    .waitFor();
  expect((await findPayment(h.db, payment.body.paymentId))?.loan_id).toBe(loanId);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Complaints', exact: true }).click();
  await heading(page, 'Complaints');
  await expectAccessible(page);
  // Other test files file complaints with the same subject into the same database: pick this one.
  await page.locator(`a[href="/operator/complaints/${complaint.body.id}"]`).click();
  await page.getByLabel('Written answer to the customer').fill('Avgiften är borttagen.');
  await page.getByRole('button', { name: 'Send the answer' }).click();
  await page.getByRole('status').filter({ hasText: 'The answer is sent' }).waitFor();
  await eventually(
    async () =>
      (await request(h.app).get(`/v1/operator/complaints/${complaint.body.id}`).set('authorization', operatorToken))
        .body.status === 'ANSWERED'
        ? true
        : undefined,
    'the complaint to be answered',
  );

  await page.goto(`${baseUrl}/operator/loans/${loanId}`);
  await page.getByRole('link', { name: 'Open in the Temporal UI' }).waitFor();
  await expectAccessible(page);
  await page.goto(`${baseUrl}/operator/audit?operator=sandbox:karin`);
  await heading(page, 'Audit log');
  await expectAccessible(page);
  await screenshot(page, 'operator-audit');
  const { rows } = await listOperatorAudit(h.db, { operator: 'sandbox:karin' }, { limit: 100 });
  expect(rows.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual(
    expect.arrayContaining([
      'POST /operator/payments/{paymentId}/assign 303',
      'POST /operator/complaints/{id}/answer 303',
    ]),
  );
});
