/**
 * The applicant's journey in a real browser: the e-mailed link, identification with the sandbox
 * test BankID app, the KALP/KYC answers (errors first), the offer with APR and payment plan, the
 * BankID signature, the payout, and the loan with its plan and the mailbox on Mina sidor. Every
 * page is checked with axe (WCAG 2.1 AA).
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApiHarness } from '../support/api';
import { newPerson, type TestPerson, waitFor } from '../support/application';
import { expectAccessible, launchBrowser, listen, screenshot } from './browser';

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

const vendorAuth = () => `Bearer ${h.token({ role: 'vendor', sub: 'web-vendor-user', vendorId: 'web-vendor' })}`;

async function vendorApplication(p: TestPerson): Promise<{ id: string; link: string }> {
  await h.sandbox.sandbox.bureau.registerPerson(p.personnummer, { taxedAnnualIncome: '540000.00' });
  const created = await request(h.app)
    .post('/v1/applications')
    .set('authorization', vendorAuth())
    .send({
      amount: '50000',
      termMonths: 24,
      noticeChannel: 'e-invoice',
      applicants: [{ personnummer: p.personnummer, email: p.email, phone: p.phone }],
    })
    .expect(201);
  const id = created.body.id as string;
  const mails = await waitFor(
    () => h.sandbox.sandbox.email.listMessages({ to: p.email }),
    (items) => items.some((m) => m.text.includes(id)),
    'the invitation mail',
  );
  const link = /https?:\/\/\S+\/apply\/\S+/.exec(mails.find((m) => m.text.includes(id))!.text)![0];
  // The link as mailed, on the server under test.
  return { id, link: baseUrl + new URL(link).pathname + new URL(link).search };
}

/** Plays the person's BankID app: opens the autostart link and approves the highlighted order. */
async function approveOnThisDevice(page: Page, personnummer: string) {
  await page.getByRole('link', { name: 'Öppna BankID på den här enheten' }).click();
  await page.waitForURL(/\/sandbox\/bankid-app/);
  await screenshot(page, 'sandbox-bankid-app');
  await expectAccessible(page);
  const order = page.locator('section.order.highlight');
  await order.getByLabel('Personnummer (12 siffror)').fill(personnummer);
  await order.getByRole('button', { name: 'Godkänn' }).click();
}

async function heading(page: Page, text: string) {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function reloadUntil(page: Page, text: string) {
  await waitFor(
    async () => {
      await page.reload();
      return page.content();
    },
    (html) => html.includes(text),
    `"${text}" on ${page.url()}`,
    60_000,
  );
}

it('an applicant opens the e-mailed link, identifies, answers, signs, and finds the loan on Mina sidor', async () => {
  const anna = newPerson();
  const { id, link } = await vendorApplication(anna);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  // The link answers a page (and drops the invite code from the address).
  await page.goto(link);
  expect(page.url()).toBe(`${baseUrl}/apply/${id}`);
  await heading(page, 'Din låneansökan');
  await expectAccessible(page);
  await screenshot(page, 'apply-identify');

  await page.getByRole('button', { name: 'Identifiera dig med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await page.getByRole('status').filter({ hasText: 'Starta BankID-appen' }).waitFor();
  await expectAccessible(page);
  await screenshot(page, 'bankid-identify');
  await approveOnThisDevice(page, anna.personnummer);

  // Back in the browser: identified, the questions.
  await page.waitForURL(`${baseUrl}/apply/${id}`);
  await heading(page, 'Frågor om din ekonomi och kundkännedom');
  await expectAccessible(page);

  // Submitting nothing: the GOV.UK-style error summary, focused, linking to each field.
  await page.getByLabel('Medborgarskap (landskod, t.ex. SE)').fill('');
  await page.getByRole('button', { name: 'Skicka in ansökan' }).click();
  const summary = page.getByRole('alert');
  await summary.filter({ hasText: 'Det finns fel i formuläret' }).waitFor();
  expect(await summary.innerText()).toContain('Fyll i: Sysselsättning');
  expect(await summary.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  await expectAccessible(page);
  await screenshot(page, 'apply-errors');

  // A draft keeps what was typed.
  await page.getByLabel('Sysselsättning').selectOption('permanent');
  await page.getByLabel('Månadsinkomst före skatt (kr)').fill('45 000');
  await page.getByRole('button', { name: 'Spara utkast' }).click();
  await page.getByRole('status').filter({ hasText: 'Dina svar är sparade' }).waitFor();
  expect(await page.getByLabel('Månadsinkomst före skatt (kr)').inputValue()).toBe('45000');

  await page.getByLabel('Boende', { exact: true }).selectOption('rent');
  await page.getByLabel('Din boendekostnad per månad (kr)').fill('8000');
  await page.getByLabel('Antal vuxna i hushållet (inklusive dig)').fill('1');
  await page.getByLabel('Antal barn i hushållet').fill('0');
  await page.getByLabel('Medborgarskap (landskod, t.ex. SE)').fill('SE');
  await page.locator('#taxResidentOutsideSweden-no').check();
  await page.locator('#politicallyExposedPerson-no').check();
  await page.getByLabel('Vad ska du använda lånet till?').selectOption('consumption');
  await page.getByLabel('Clearingnummer').fill('6000');
  await page.getByLabel('Kontonummer').fill('123456789');
  await screenshot(page, 'apply-answers');
  await page.getByRole('button', { name: 'Skicka in ansökan' }).click();
  await page.getByRole('status').filter({ hasText: 'Tack! Dina svar är inskickade.' }).waitFor();

  // The decision: the offer with APR and the full payment plan (R-PROD-5/6).
  await reloadUntil(page, 'Ditt lånerbjudande');
  expect(await page.locator('#offer-apr').innerText()).toMatch(/^\d+,\d\d %$/);
  expect(await page.locator('#payment-plan tbody tr').count()).toBe(24);
  expect(await page.locator('#payment-plan tbody tr').first().innerText()).toMatch(/\d,\d\d kr/);
  await expectAccessible(page);
  await screenshot(page, 'apply-offer');

  await page.getByRole('button', { name: 'Godkänn och signera med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await heading(page, 'Signera med BankID');
  await approveOnThisDevice(page, anna.personnummer);
  await page.waitForURL(`${baseUrl}/apply/${id}`);

  // The payout runs; then the loan is on Mina sidor with its plan and the letters in the mailbox.
  await reloadUntil(page, 'Lånet är utbetalt');
  await expectAccessible(page);
  await screenshot(page, 'apply-paid-out');
  await page.getByRole('link', { name: 'Gå till Mina sidor' }).click();
  await heading(page, 'Mina sidor');
  await expectAccessible(page);
  await screenshot(page, 'my-pages');
  await page.locator('#loans a').first().click();
  await page.locator('#payment-plan tbody tr').first().waitFor();
  await expectAccessible(page);
  await screenshot(page, 'loan');
  await page.goto(`${baseUrl}/mina-sidor/brevlada`);
  expect(await page.locator('#mailbox li').count()).toBeGreaterThan(0);
  await expectAccessible(page);
  await page.locator('#mailbox a').first().click();
  await expectAccessible(page);
  await screenshot(page, 'letter');
  await context.close();
});
