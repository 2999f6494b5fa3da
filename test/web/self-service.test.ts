/**
 * Mina sidor's self-service in a real browser at phone width (375 px): the collection cases
 * (R-COLL-2, seed 001 "Min side": overview of several cases with the claim itemised, the case page
 * with OCR and bankgiro, a payment showing at once R-COLL-9, an invoice copy by post, postponement
 * R-COLL-5, an installment plan refused with the smallest acceptable amount and then accepted
 * R-COLL-6, a dispute R-COLL-7), someone else's case unreachable, and the contact details. axe on
 * every page, no horizontal overflow.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createCollectionActivities } from '../../activities/collection';
import { insertCollectionCase } from '../../db/collection-case-repository';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { postToLedger } from '../../db/ledger-repository';
import { insertInvoice, insertLoan } from '../../db/loan-repository';
import { collectionCaseWorkflowId } from '../../domain/collection-case';
import { caseChargePosting } from '../../domain/collection-ledger';
import { addDays, stockholmDate } from '../../domain/dates';
import { disbursementPosting } from '../../domain/ledger';
import { Decimal } from '../../domain/money';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from '../support/api';
import { newPerson, waitFor } from '../support/application';
import { expectLedgerBalanced } from '../support/ledger';
import {
  expectAccessible,
  expectNoHorizontalOverflow,
  launchBrowser,
  listen,
  logInWithTestApp,
  screenshot,
} from './browser';

let h: ApiHarness;
let browser: Browser;
let server: Server;
let baseUrl: string;
const caseNumbers: string[] = [];

beforeAll(async () => {
  h = await startApiHarness();
  ({ server, baseUrl } = await listen(h.app));
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const n of caseNumbers) {
    const handle = h?.client.workflow.getHandle(collectionCaseWorkflowId(n));
    if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('test done');
  }
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await h?.stop();
});

const today = () => stockholmDate(new Date());

/** A loan of `amount` handed over to collection today (claim under the case, fee 180), with one original invoice. */
async function openCase(customerId: string, amount: string): Promise<{ caseNumber: string; loanId: string }> {
  const loanId = randomUUID();
  const contractNumber = String(100_000_000 + Math.floor(Math.random() * 800_000_000));
  await insertLoan(h.db, {
    id: loanId,
    contract_number: contractNumber,
    customer_id: customerId,
    status: 'IN_COLLECTION',
    amount,
    term_months: 36,
    nominal_rate_percent: '9.95',
    notice_channel: 'e-invoice',
    payout_date: '2026-01-10',
    monthly_payment: '967.00',
    ocr_reference: `${contractNumber}00`,
  });
  await insertInvoice(h.db, {
    loan_id: loanId,
    number: 1,
    issue_date: '2026-01-27',
    due_date: '2026-02-27',
    ocr_reference: `${contractNumber}00`,
    status: 'OPEN',
    paid_date: null,
    late_fee_charged_on: null,
    reminder_sent_on: null,
    reminder_due_date: null,
    lines: JSON.stringify([
      { kind: 'principal', amount: '718.25' },
      { kind: 'interest', amount: '248.75' },
    ]),
    total: '967.00',
  });
  await postToLedger(h.db, disbursementPosting(loanId, '2026-01-10', new Decimal(amount)));
  const caseId = `collection-${loanId}`;
  await insertCollectionCase(h.db, {
    id: caseId,
    loan_id: loanId,
    opened_on: today(),
    principal: amount,
    interest: '0.00',
    fees: '0.00',
    default_interest: '0.00',
    collection_fee: '180.00',
    total: new Decimal(amount).plus(180).toFixed(2),
    status: 'OPEN',
  });
  const opened = await createCollectionActivities(h.db).openCollectionCase({ loanId, date: today() });
  await postToLedger(
    h.db,
    caseChargePosting({
      loanId,
      caseId,
      date: today(),
      kind: 'collection-fee',
      amount: new Decimal('180.00'),
      idempotencyKey: `${caseId}:collection-fee`,
    }),
  );
  caseNumbers.push(opened.caseNumber);
  await h.client.workflow.start('collectionCaseWorkflow', {
    taskQueue: h.config.TEMPORAL_TASK_QUEUE,
    workflowId: collectionCaseWorkflowId(opened.caseNumber),
    args: [opened],
  });
  return { caseNumber: opened.caseNumber, loanId };
}

async function heading(page: Page, text: string) {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function checked(page: Page, name?: string) {
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  if (name) await screenshot(page, name);
}

async function reloadUntil(page: Page, text: string) {
  await waitFor(
    async () => {
      await page.reload();
      return page.content();
    },
    (html) => html.includes(text),
    `"${text}" on ${page.url()}`,
  );
}

it('R-COLL-2: the debtor’s cases on Mina sidor — pay, invoice copy, postponement, plan, dispute', async () => {
  const anna = newPerson();
  const annaId = await customerIdForPersonnummer(h.db, TEST_JWT_SECRET, anna.personnummer);
  const first = await openCase(annaId, '30000.00');
  const second = await openCase(annaId, '8000.00');
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await logInWithTestApp(page, baseUrl, anna.personnummer);
  await checked(page);

  // The overview: both cases, each claim itemised with its next due date.
  await page.getByRole('link', { name: 'Dina inkassoärenden' }).click();
  await heading(page, 'Inkassoärenden');
  expect(await page.locator('#cases > li').count()).toBe(2);
  expect(await page.locator(`#claim-total-${first.caseNumber}`).innerText()).toBe('30 180,00 kr');
  expect(await page.locator(`#claim-total-${second.caseNumber}`).innerText()).toBe('8 180,00 kr');
  await checked(page, 'collection-cases');

  // The case page: OCR and bankgiro to pay, the demand on the timeline.
  await page.getByRole('link', { name: `Inkassoärende ${first.caseNumber}` }).click();
  await heading(page, `Inkassoärende ${first.caseNumber}`);
  const ocr = await page.locator('#case-ocr').innerText();
  expect(ocr).toMatch(/^\d{8}$/);
  expect(await page.locator('#pay-to').innerText()).toContain('5050-1055');
  await reloadUntil(page, 'Inkassokrav skickat');
  await checked(page, 'collection-case');

  // R-COLL-9: a payment to the case's OCR shows at once, fees first.
  await request(h.app)
    .post('/v1/payments')
    .set('authorization', `Bearer ${h.token({ role: 'operator', sub: 'op-web' })}`)
    .send({ bankReference: `bank-${randomUUID()}`, ocrReference: ocr, amount: '1180.00', paymentDate: today() })
    .expect(201);
  await reloadUntil(page, '29 000,00 kr');
  expect(await page.locator(`#claim-total-${first.caseNumber}`).innerText()).toBe('29 000,00 kr');

  // The original invoice: a copy by post.
  await page.getByRole('button', { name: 'Beställ kopia av faktura 1 med post' }).click();
  await page.getByRole('status').filter({ hasText: 'Vi skickar en kopia av faktura 1 med post' }).waitFor();

  // R-COLL-5: one postponement, up to 30 days ahead; a second is refused with the reason.
  const newDue = addDays(today(), 20);
  await page.getByLabel('Ny förfallodag (ÅÅÅÅ-MM-DD)').fill(newDue);
  await page.getByRole('button', { name: 'Begär uppskov' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Uppskov beviljat. Ny förfallodag: ${newDue}.` })
    .waitFor();
  expect(await page.locator('#case-next-due').innerText()).toBe(newDue);
  await page.getByLabel('Ny förfallodag (ÅÅÅÅ-MM-DD)').fill(addDays(today(), 25));
  const refusedPostponement = page.waitForResponse((r) => r.url().endsWith('/uppskov'));
  await page.getByRole('button', { name: 'Begär uppskov' }).click();
  expect((await refusedPostponement).status()).toBe(409);
  await page.getByRole('alert').filter({ hasText: 'Uppskov gick inte att bevilja' }).waitFor();
  await checked(page);

  // R-COLL-6: too small an amount is refused with the smallest acceptable one (29 000 + fee 170 over 24 months).
  await page.getByLabel('Belopp per månad (kr)').fill('100');
  await page.getByRole('button', { name: 'Föreslå avbetalningsplan' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: 'Det minsta belopp vi kan godta är 1 216,00 kr i månaden.' })
    .waitFor();
  await checked(page, 'collection-plan-refused');
  await page.getByLabel('Belopp per månad (kr)').fill('2 000');
  await page.getByLabel('Betalningsdag i månaden (1–28)').fill('25');
  await page.getByRole('button', { name: 'Föreslå avbetalningsplan' }).click();
  await page.getByRole('status').filter({ hasText: 'Din avbetalningsplan är godkänd.' }).waitFor();
  expect(await page.locator('#case-plan tbody tr').count()).toBe(15);
  expect(await page.locator('#case-status').innerText()).toContain('Avbetalningsplan');
  await checked(page, 'collection-plan');

  // R-COLL-7: the other case disputed (an empty reason is named first); collection pauses.
  await page.goto(`${baseUrl}/mina-sidor/inkasso/${second.caseNumber}`);
  await page.getByRole('button', { name: 'Bestrid kravet' }).click();
  await page.getByRole('alert').filter({ hasText: 'Varför anser du att kravet är fel?' }).waitFor();
  await page.getByLabel('Varför anser du att kravet är fel?').fill('Jag har redan betalat lånet.');
  await page.getByRole('button', { name: 'Bestrid kravet' }).click();
  await page.getByRole('status').filter({ hasText: 'Vi har tagit emot ditt bestridande.' }).waitFor();
  expect(await page.locator('#case-status').innerText()).toContain('Bestridd');
  await checked(page);
  await expectLedgerBalanced(h.db);

  // Someone else's case does not exist for Bertil.
  const bertil = newPerson();
  const other = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const bertilsPage = await other.newPage();
  await logInWithTestApp(bertilsPage, baseUrl, bertil.personnummer);
  expect(await bertilsPage.locator('#collection-link').count()).toBe(0);
  expect((await bertilsPage.goto(`${baseUrl}/mina-sidor/inkasso/${first.caseNumber}`))!.status()).toBe(404);
  await checked(bertilsPage);
  await other.close();
  await context.close();
});

it('R-LOAN-11: contact details on Mina sidor are shown, a wrong number is named, a right one saved', async () => {
  const cecilia = newPerson();
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await logInWithTestApp(page, baseUrl, cecilia.personnummer);
  await page.getByRole('link', { name: 'Kontaktuppgifter' }).click();
  await heading(page, 'Dina kontaktuppgifter');
  await checked(page);
  await page.getByLabel('E-post').fill(cecilia.email);
  await page.getByLabel('Mobilnummer').fill('12345');
  await page.getByRole('button', { name: 'Spara kontaktuppgifter' }).click();
  await page.getByRole('alert').filter({ hasText: 'Ange ett svenskt mobilnummer' }).waitFor();
  await checked(page);
  await page.getByLabel('Mobilnummer').fill('070-123 45 67');
  await page.getByRole('button', { name: 'Spara kontaktuppgifter' }).click();
  await page.getByRole('status').filter({ hasText: 'Dina kontaktuppgifter är sparade.' }).waitFor();
  expect(await page.locator('#contact-now').innerText()).toContain('+46701234567');
  expect(await page.locator('#contact-now').innerText()).toContain(cecilia.email);
  await checked(page, 'contact-details');

  // The same through the API, for integrations: a bad e-mail is a 400 naming the field.
  const customerId = await customerIdForPersonnummer(h.db, TEST_JWT_SECRET, cecilia.personnummer);
  const auth = `Bearer ${h.token({ role: 'customer', sub: customerId })}`;
  const read = await request(h.app).get('/v1/me/contact-details').set('authorization', auth).expect(200);
  expect(read.body).toEqual({ email: cecilia.email, phone: '+46701234567' });
  const bad = await request(h.app)
    .put('/v1/me/contact-details')
    .set('authorization', auth)
    .send({ email: 'not-an-address' })
    .expect(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.email']);
  await context.close();
});
