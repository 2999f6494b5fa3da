/**
 * The applicant's journey in a real browser: the e-mailed link, identification with the sandbox
 * test BankID app, the KALP/KYC answers (errors first), the offer with APR and payment plan, the
 * BankID signature, the payout, and the loan with its plan and the mailbox on Mina sidor. Every
 * page is checked with axe (WCAG 2.1 AA).
 */
import type { Server } from 'node:http';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import request from 'supertest';
import { qrCodeContent } from '../../adapters/bankid';
import { findApplication } from '../../db/application-repository';
import { findBankIdQrSecret } from '../../db/bankid-qr-repository';
import { type ApiHarness, startApiHarness } from '../support/api';
import { newPerson, type TestPerson, waitFor } from '../support/application';
import { expectAccessible, expectNoHorizontalOverflow, launchBrowser, listen, screenshot } from './browser';

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

async function vendorApplication(
  people: TestPerson[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; links: string[] }> {
  for (const p of people)
    await h.sandbox.sandbox.bureau.registerPerson(p.personnummer, { taxedAnnualIncome: '540000.00' });
  const created = await request(h.app)
    .post('/v1/applications')
    .set('authorization', vendorAuth())
    .send({
      amount: '50000',
      termMonths: 24,
      noticeChannel: 'e-invoice',
      applicants: people.map((p) => ({ personnummer: p.personnummer, email: p.email, phone: p.phone })),
      ...extra,
    })
    .expect(201);
  const id = created.body.id as string;
  const links: string[] = [];
  for (const p of people) {
    const mails = await waitFor(
      () => h.sandbox.sandbox.email.listMessages({ to: p.email }),
      (items) => items.some((m) => m.text.includes(id)),
      'the invitation mail',
    );
    const link = new URL(/https?:\/\/\S+\/apply\/\S+/.exec(mails.find((m) => m.text.includes(id))!.text)![0]);
    // The link as mailed, on the server under test.
    links.push(baseUrl + link.pathname + link.search);
  }
  return { id, links };
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

/** Every KALP/KYC answer of a salaried person with no other debts. */
async function fillAnswers(page: Page, main: boolean) {
  await page.getByLabel('Sysselsättning').selectOption('permanent');
  await page.getByLabel('Månadsinkomst före skatt (kr)').fill('45 000');
  await page.getByLabel('Boende', { exact: true }).selectOption('rent');
  await page.getByLabel('Din boendekostnad per månad (kr)').fill('8000');
  await page.getByLabel('Antal vuxna i hushållet (inklusive dig)').fill('1');
  await page.getByLabel('Antal barn i hushållet').fill('0');
  await page.getByLabel('Medborgarskap (landskod, t.ex. SE)').fill('SE');
  await page.locator('#taxResidentOutsideSweden-no').check();
  await page.locator('#politicallyExposedPerson-no').check();
  await page.getByLabel('Vad ska du använda lånet till?').selectOption('consumption');
  if (main) {
    await page.getByLabel('Clearingnummer').fill('6000');
    await page.getByLabel('Kontonummer').fill('123456789');
  }
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
  const {
    id,
    links: [link],
  } = await vendorApplication([anna]);
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();

  // The link answers a page (and drops the invite code from the address).
  await page.goto(link!);
  expect(page.url()).toBe(`${baseUrl}/apply/${id}`);
  await heading(page, 'Din låneansökan');
  await expectAccessible(page);
  await screenshot(page, 'apply-identify');

  await page.getByRole('button', { name: 'Identifiera dig med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await page.getByRole('status').filter({ hasText: 'Starta BankID-appen' }).waitFor();
  await expectAccessible(page);
  await screenshot(page, 'bankid-identify');
  // The workflow's identification order has the animated QR code too: the HMAC of its secret,
  // which the start-order activity kept in PostgreSQL (never in workflow history).
  await page.locator('#qr').waitFor();
  const sessionRows = await sql<{ data: { bankid: { orderRef: string } } }>`
    select data from web_sessions where data->'bankid'->>'kind' = 'identify'
    and data->'bankid'->>'applicationId' = ${id}`.execute(h.db);
  const stored = (await findBankIdQrSecret(h.db, sessionRows.rows[0]!.data.bankid.orderRef))!;
  const svg = await (await page.request.get(`${baseUrl}/bankid/qr.svg`)).text();
  const elapsed = Math.floor((Date.now() - stored.startedAt.getTime()) / 1000);
  const candidates = await Promise.all(
    [elapsed, elapsed - 1, elapsed - 2].map((sec) =>
      QRCode.toString(qrCodeContent(stored.qrStartToken, stored.qrStartSecret, sec), {
        type: 'svg',
        errorCorrectionLevel: 'L',
        margin: 2,
      }),
    ),
  );
  expect(candidates).toContain(svg);
  const workflowId = (await findApplication(h.db, id))!.workflow_id;
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  expect(JSON.stringify(history)).not.toContain(stored.qrStartSecret);
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

  await fillAnswers(page, true);
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
  // Phone width: the 24-row payment plan scrolls inside its own region, the page does not.
  await expectNoHorizontalOverflow(page);
  await screenshot(page, 'loan');

  // R-LOAN-7 partial: an extra amount quoted, the term shortened and the monthly payment kept.
  await page.getByLabel('Belopp att betala extra (kr)').fill('tusen');
  await page.getByRole('button', { name: 'Räkna på extra inbetalning' }).click();
  await page.getByRole('alert').filter({ hasText: 'Ange ett belopp i kronor' }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('Belopp att betala extra (kr)').fill('10 000');
  await page.getByRole('button', { name: 'Räkna på extra inbetalning' }).click();
  await heading(page, 'Betala av en del av lånet');
  expect(Number(await page.locator('#partial-remaining').innerText())).toBeLessThan(24);
  expect(await page.locator('#early-repayment-quote').innerText()).toContain('10 000,00 kr');
  await expectAccessible(page);
  await screenshot(page, 'partial-repayment');
  await page.getByRole('link', { name: 'Tillbaka' }).click();
  await page.locator('#payment-plan tbody tr').first().waitFor();

  // R-LOAN-9: a complaint, with a receipt naming the answer's due date.
  await page.getByRole('link', { name: 'Lämna ett klagomål om lånet' }).click();
  await heading(page, 'Lämna ett klagomål');
  await page.getByRole('button', { name: 'Skicka klagomålet' }).click();
  await page.getByRole('alert').filter({ hasText: 'Fyll i: Vad gäller klagomålet?' }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('Vad gäller klagomålet?').fill('Fel belopp på avin');
  await page.getByLabel('Beskriv vad som hänt').fill('Avin visar ett annat belopp än betalplanen.');
  await page.getByRole('button', { name: 'Skicka klagomålet' }).click();
  await page.locator('#complaint-receipt').waitFor();
  expect(await page.locator('#complaint-receipt').innerText()).toMatch(/senast \d{4}-\d\d-\d\d/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Tillbaka' }).click();

  // R-LOAN-7: the whole loan repaid early, quoted without a fee and confirmed.
  await page.getByRole('button', { name: 'Lös hela lånet i förtid' }).click();
  await heading(page, 'Lös lånet i förtid');
  expect(await page.locator('#early-repayment-quote').innerText()).toContain('0,00 kr');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Bekräfta förtidslösen' }).click();
  await page.locator('#early-repayment-order').waitFor();
  expect(await page.locator('#early-repayment-order').innerText()).toMatch(/\d,\d\d kr/);
  await expectAccessible(page);
  await screenshot(page, 'early-repayment');
  await page.goto(`${baseUrl}/mina-sidor/brevlada`);
  expect(await page.locator('#mailbox li').count()).toBeGreaterThan(0);
  await expectAccessible(page);
  await page.locator('#mailbox a').first().click();
  await expectAccessible(page);
  await screenshot(page, 'letter');
  await context.close();
}, 300_000);

it('main and co-applicant each use their own link; both sign; the loans to redeem are shown', async () => {
  const [anna, bertil] = [newPerson(), newPerson()];
  const { id, links } = await vendorApplication([anna, bertil], {
    amount: '60000',
    consolidation: [{ creditor: 'Kortbolaget AB', amount: '20000', bankgiro: '56781234', ocr: '1234567897' }],
  });
  const people = [anna, bertil];
  const pages: Page[] = [];
  for (const [i, person] of people.entries()) {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    await page.goto(links[i]!);
    await page.getByText(i === 0 ? 'Du är huvudsökande.' : 'Du är medsökande.').waitFor();
    await page.getByRole('button', { name: 'Identifiera dig med BankID' }).click();
    await approveOnThisDevice(page, person.personnummer);
    await heading(page, 'Frågor om din ekonomi och kundkännedom');
    // Only the main applicant gives the payout account.
    expect(await page.getByLabel('Clearingnummer').count()).toBe(i === 0 ? 1 : 0);
    await fillAnswers(page, i === 0);
    await page.getByRole('button', { name: 'Skicka in ansökan' }).click();
    await page.getByRole('status').filter({ hasText: 'Tack! Dina svar är inskickade.' }).waitFor();
  }
  expect(await pages[0]!.content()).toContain('Vi väntar på att den andra sökande');
  for (const [i, page] of pages.entries()) {
    await reloadUntil(page, 'Ditt lånerbjudande');
    expect(await page.locator('#consolidation').innerText()).toContain('Kortbolaget AB: 20 000,00 kr');
    await page.getByRole('button', { name: 'Godkänn och signera med BankID' }).click();
    await approveOnThisDevice(page, people[i]!.personnummer);
    await page.waitForURL(`${baseUrl}/apply/${id}`);
    // The worker collects the BankID order on its own interval: the page shows the signature once
    // the workflow has recorded it.
    if (i === 0) await reloadUntil(page, 'Du har signerat. Vi väntar på den andra sökandes signatur.');
  }
  await reloadUntil(pages[1]!, 'Lånet är utbetalt');
  expect(await pages[1]!.locator('#payouts li').count()).toBe(2);
  await expectAccessible(pages[1]!);

  // The co-applicant is jointly liable: the loan is on their Mina sidor and in GET /v1/loans.
  await pages[1]!.getByRole('link', { name: 'Gå till Mina sidor' }).click();
  await heading(pages[1]!, 'Mina sidor');
  expect(await pages[1]!.locator('#loans li').count()).toBe(1);
  await pages[1]!.locator('#loans a').first().click();
  await pages[1]!.locator('#payment-plan tbody tr').first().waitFor();
  await expectAccessible(pages[1]!);
  const bertilId = (
    await h.db
      .selectFrom('applicants')
      .select('customer_id')
      .where('application_id', '=', id)
      .where('idx', '=', 1)
      .executeTakeFirstOrThrow()
  ).customer_id!;
  const listed = await request(h.app)
    .get('/v1/loans')
    .set('authorization', `Bearer ${h.token({ role: 'customer', sub: bertilId })}`)
    .expect(200);
  expect(listed.body.loans).toHaveLength(1);
  await request(h.app)
    .get(`/v1/loans/${listed.body.loans[0].loanId}/payment-plan`)
    .set('authorization', `Bearer ${h.token({ role: 'customer', sub: bertilId })}`)
    .expect(200);

  // The main applicant: the first installment cannot be payment-free (R-LOAN-6, refused in words),
  // and the loan can be withdrawn from within 14 days (R-LOAN-8).
  const main = pages[0]!;
  await main.goto(`${baseUrl}/mina-sidor`);
  await main.locator('#loans a').first().click();
  await main.getByRole('link', { name: 'Ansök om en betalningsfri månad' }).click();
  await main.getByRole('button', { name: 'Hoppa över nästa betalning' }).click();
  await main.getByText('Det gick inte att göra just nu.').waitFor();
  await expectAccessible(main);
  await main.goBack();
  await main.goBack();
  await main.getByRole('link', { name: 'Ångra lånet (inom 14 dagar)' }).click();
  await heading(main, 'Ångra lånet');
  await expectAccessible(main);
  await main.getByRole('button', { name: 'Ångra lånet' }).click();
  await main.locator('#loan-action-result').waitFor();
  expect(await main.locator('#loan-action-result').innerText()).toMatch(/\d,\d\d kr/);
  await expectAccessible(main);
  for (const page of pages) await page.context().close();
});

it('R-APP-7: income verification is asked for, done at the (test) bank, and the offer follows', async () => {
  const cecilia = newPerson();
  const {
    id,
    links: [link],
  } = await vendorApplication([cecilia], { amount: '150000', termMonths: 60 });
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await page.goto(link!);
  await page.getByRole('button', { name: 'Identifiera dig med BankID' }).click();
  await approveOnThisDevice(page, cecilia.personnummer);
  await heading(page, 'Frågor om din ekonomi och kundkännedom');
  await fillAnswers(page, true);
  await page.getByRole('button', { name: 'Skicka in ansökan' }).click();
  await page.getByRole('status').filter({ hasText: 'Tack! Dina svar är inskickade.' }).waitFor();

  // Above the amount limit: the page says why and by when, and leads to the bank.
  await reloadUntil(page, 'Verifiera din inkomst');
  expect(await page.locator('#income-verification').innerText()).toContain('Du söker ett större lån');
  expect(await page.locator('#income-verification').innerText()).toMatch(/senast \d{4}-\d\d-\d\d/);
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  await screenshot(page, 'apply-income-verification');
  await page.getByRole('link', { name: 'Fortsätt till din bank' }).click();
  await heading(page, 'Testbanken (sandlåda)');
  await expectAccessible(page);
  await page.getByLabel('Nettoinkomst per månad som banken hittar (kr)').fill('38 000');
  await page.getByRole('button', { name: 'Godkänn delning' }).click();

  // Back from the bank: the application checks at once (no 12-hour poll) and makes its offer.
  await page.waitForURL(`${baseUrl}/apply/${id}`);
  await page.getByRole('status').filter({ hasText: 'Vi kontrollerar svaret från din bank' }).waitFor();
  await reloadUntil(page, 'Ditt lånerbjudande');
  expect(await page.locator('#payment-plan tbody tr').count()).toBe(60);
  await expectNoHorizontalOverflow(page);
  await context.close();
});
