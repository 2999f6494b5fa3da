/**
 * Logging in to Mina sidor with BankID in a real browser: the animated QR code (a new code every
 * second, the HMAC of the order's secret), the sandbox test app approving the order, logout, idle
 * expiry, a form without its CSRF token refused, and someone else's application unreachable.
 */
import type { Server } from 'node:http';
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { qrCodeContent } from '../../adapters/bankid';
import { type ApiHarness, startApiHarness } from '../support/api';
import { newPerson, waitFor } from '../support/application';
import { approveInTestApp, expectAccessible, launchBrowser, listen, screenshot } from './browser';

let h: ApiHarness;
let browser: Browser;
let server: Server;
let baseUrl: string;

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

async function heading(page: Page, text: string) {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

/** The BankID order kept in the browser's (server-side) session. */
async function sessionOrder(): Promise<{ qrStartToken: string; qrStartSecret: string; startedAt: string }> {
  const rows = await sql<{
    data: { bankid?: { kind: string; qrStartToken: string; qrStartSecret: string; startedAt: string } };
  }>`
    select data from web_sessions where data->'bankid'->>'kind' = 'login' order by created_at desc limit 1`.execute(
    h.db,
  );
  return rows.rows[0]!.data.bankid!;
}

async function logIn(page: Page, personnummer: string) {
  await page.goto(`${baseUrl}/mina-sidor`);
  await heading(page, 'Logga in');
  await page.getByRole('button', { name: 'Logga in med BankID' }).click();
  await heading(page, 'Logga in med BankID');
  // The tester's "phone": the test BankID app in another tab approves this page's login order.
  await approveInTestApp(page, baseUrl, personnummer);
  await heading(page, 'Mina sidor');
}

it('logs in with the animated QR code, logs out, and ends an idle session', async () => {
  const person = newPerson();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'English' }).click();
  await heading(page, 'Personal loans – from application to the last öre');
  await page.getByRole('link', { name: 'Svenska' }).click();
  await heading(page, 'Privatlån – från ansökan till sista öret');

  // The public loan calculator (R-PROD-6): a wrong rate is named, a right one gives the plan.
  await page.getByRole('link', { name: 'Räkna på ett lån' }).click();
  await heading(page, 'Lånekalkyl');
  await page.getByLabel('Nominell ränta (%)').fill('99');
  await page.getByRole('button', { name: 'Räkna' }).click();
  await page.getByRole('alert').filter({ hasText: 'Kontrollera: Nominell ränta (%)' }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('Nominell ränta (%)').fill('9,95');
  await page.getByLabel('Återbetalningstid (månader)').fill('36');
  await page.getByRole('button', { name: 'Räkna' }).click();
  await page.locator('#quote-apr').waitFor();
  expect(await page.locator('#payment-plan tbody tr').count()).toBe(36);
  await expectAccessible(page);
  await screenshot(page, 'calculator');

  await page.goto(`${baseUrl}/logga-in`);
  await page.getByRole('button', { name: 'Logga in med BankID' }).click();
  await heading(page, 'Logga in med BankID');
  await expectAccessible(page);
  await screenshot(page, 'bankid-login');

  // A new QR code every second: the image is reloaded and the code is the HMAC of the secret.
  const qr = page.locator('#qr');
  const firstSrc = await qr.getAttribute('src');
  await waitFor(
    () => qr.getAttribute('src'),
    (src) => src !== firstSrc,
    'the QR image to change',
    3_000,
  );
  const order = await sessionOrder();
  const served = async () => (await page.request.get(`${baseUrl}/bankid/qr.svg`)).text();
  const first = await served();
  await new Promise((r) => setTimeout(r, 1_100));
  const second = await served();
  expect(second).not.toBe(first);
  const expectedAt = async (svg: string) => {
    const elapsed = Math.floor((Date.now() - Date.parse(order.startedAt)) / 1000);
    for (const s of [elapsed, elapsed - 1, elapsed - 2]) {
      const content = qrCodeContent(order.qrStartToken, order.qrStartSecret, s);
      if ((await QRCode.toString(content, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 })) === svg) return true;
    }
    return false;
  };
  expect(await expectedAt(second)).toBe(true);
  // The secret never reaches the browser.
  expect(await page.content()).not.toContain(order.qrStartSecret);

  // Cancel, then log in for real.
  await page.getByRole('button', { name: 'Avbryt' }).click();
  await heading(page, 'Logga in');
  await expectAccessible(page);
  await screenshot(page, 'login');
  await logIn(page, person.personnummer);
  await expectAccessible(page);
  await screenshot(page, 'my-pages-empty');

  // Logout ends the session on the server.
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByText('Du är utloggad.').waitFor();
  await expectAccessible(page);
  await page.goto(`${baseUrl}/mina-sidor`);
  await heading(page, 'Logga in');

  // Idle expiry: a session past its expiry is gone.
  await logIn(page, person.personnummer);
  await sql`update web_sessions set expires_at = now() - interval '1 second'`.execute(h.db);
  await page.goto(`${baseUrl}/mina-sidor`);
  await heading(page, 'Logga in');

  // A form whose CSRF token does not match is refused with a page of its own (403).
  await page.locator('form[action="/logga-in"] input[name="_csrf"]').evaluate((el) => {
    (el as unknown as { value: string }).value = 'forged';
  });
  const refused = page.waitForResponse((r) => r.url().endsWith('/logga-in') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Logga in med BankID' }).click();
  expect((await refused).status()).toBe(403);
  await page.locator('h1').waitFor();
  await expectAccessible(page);
  await screenshot(page, 'csrf-refused');

  await context.close();
});

it('refuses a form without its CSRF token, and keeps other people’s applications unreachable', async () => {
  const anna = newPerson();
  const bertil = newPerson();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/logga-in`);
  const refused = await page.request.post(`${baseUrl}/logga-in`, { form: { returnTo: '/mina-sidor' } });
  expect(refused.status()).toBe(403);
  const forged = await page.request.post(`${baseUrl}/logga-in`, { form: { _csrf: 'forged', returnTo: '/' } });
  expect(forged.status()).toBe(403);

  // Bertil's application, created by a vendor.
  await h.sandbox.sandbox.bureau.registerPerson(bertil.personnummer, { taxedAnnualIncome: '540000.00' });
  const created = await request(h.app)
    .post('/v1/applications')
    .set('authorization', `Bearer ${h.token({ role: 'vendor', sub: 'u', vendorId: 'web-vendor-2' })}`)
    .send({
      amount: '40000',
      termMonths: 36,
      noticeChannel: 'e-invoice',
      applicants: [{ personnummer: bertil.personnummer, email: bertil.email, phone: bertil.phone }],
    })
    .expect(201);
  const id = created.body.id as string;

  // Anna, logged in, cannot open it without the link's code; a made-up code is a page, not JSON.
  await logIn(page, anna.personnummer);
  const response = await page.goto(`${baseUrl}/apply/${id}`);
  expect(response!.status()).toBe(404);
  await heading(page, 'Ansökan hittades inte');
  await expectAccessible(page);
  expect((await page.goto(`${baseUrl}/apply/${id}?invite=made-up`))!.status()).toBe(404);

  // With Bertil's link in hand, only Bertil's BankID identifies: Anna's is refused by the app.
  const mails = await waitFor(
    () => h.sandbox.sandbox.email.listMessages({ to: bertil.email }),
    (items) => items.some((m) => m.text.includes(id)),
    'the invitation mail',
  );
  const link = new URL(/https?:\/\/\S+\/apply\/\S+/.exec(mails.find((m) => m.text.includes(id))!.text)![0]);
  await page.goto(baseUrl + link.pathname + link.search);
  await page.getByRole('button', { name: 'Identifiera dig med BankID' }).click();
  await page.getByRole('link', { name: 'Öppna BankID på den här enheten' }).click();
  const order = page.locator('section.order.highlight');
  await order.getByLabel('Personnummer (12 siffror)').fill(anna.personnummer);
  await order.getByRole('button', { name: 'Godkänn' }).click();
  await page.getByRole('status').filter({ hasText: 'the order requires another person' }).waitFor();
  expect(page.url()).toContain('/sandbox/bankid-app?autostarttoken=');
  await expectAccessible(page);
  const bertilsApplicants = await sql<{ customer_id: string | null }>`
    select customer_id from applicants where application_id = ${id}`.execute(h.db);
  expect(bertilsApplicants.rows.map((r) => r.customer_id)).toEqual([null]);
  await context.close();
});
