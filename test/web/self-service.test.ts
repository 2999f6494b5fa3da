/**
 * Mina sidor's self-service in a real browser at phone width (375 px): the collection cases
 * (R-COLL-2, seed 001 "Min side": overview of several cases with the claim itemised, the case page
 * with OCR and bankgiro, a payment showing at once R-COLL-9, an invoice copy by post, postponement
 * R-COLL-5, an installment plan refused with the smallest acceptable amount and then accepted
 * R-COLL-6, a dispute R-COLL-7), someone else's case unreachable, and the contact details. axe on
 * every page, no horizontal overflow.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { TEST_JWT_SECRET } from '../support/api';
import { newPerson } from '../support/application';
import { expectLedgerBalanced } from '../support/ledger';
import { checkedPage, logInWithTestApp } from './browser';
import { debtorWithCases, heading, phonePage, reloadUntil, useMinaSidor } from '../support/mina-sidor';

const t = useMinaSidor();

const today = () => stockholmDate(new Date());

it('R-COLL-2: the debtor’s cases on Mina sidor — pay, invoice copy, postponement, plan, dispute', async () => {
  const {
    cases: [first, second],
    context,
    page,
  } = await debtorWithCases(t, ['30000.00', '8000.00']);
  await checkedPage(page);

  // The overview: both cases, each claim itemised with its next due date.
  await page.getByRole('link', { name: 'Dina inkassoärenden' }).click();
  await heading(page, 'Inkassoärenden');
  expect(await page.locator('#cases > li').count()).toBe(2);
  expect(await page.locator(`#claim-total-${first.caseNumber}`).innerText()).toBe('30 180,00 kr');
  expect(await page.locator(`#claim-total-${second.caseNumber}`).innerText()).toBe('8 180,00 kr');
  await checkedPage(page, 'collection-cases');

  // The case page: OCR and bankgiro to pay, the demand on the timeline.
  await page.getByRole('link', { name: `Inkassoärende ${first.caseNumber}` }).click();
  await heading(page, `Inkassoärende ${first.caseNumber}`);
  const ocr = await page.locator('#case-ocr').innerText();
  expect(ocr).toMatch(/^\d{8}$/);
  expect(await page.locator('#pay-to').innerText()).toContain('5050-1055');
  await reloadUntil(page, 'Inkassokrav skickat');
  await checkedPage(page, 'collection-case');

  // R-COLL-9: a payment to the case's OCR shows at once, fees first.
  await request(t.h.app)
    .post('/v1/payments')
    .set('authorization', `Bearer ${t.h.token({ role: 'operator', sub: 'op-web' })}`)
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
  await checkedPage(page);

  // R-COLL-6: too small an amount is refused with the smallest acceptable one (29 000 + fee 170 over 24 months).
  await page.getByLabel('Belopp per månad (kr)').fill('100');
  await page.getByRole('button', { name: 'Föreslå avbetalningsplan' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: 'Det minsta belopp vi kan godta är 1 216,00 kr i månaden.' })
    .waitFor();
  await checkedPage(page, 'collection-plan-refused');
  await page.getByLabel('Belopp per månad (kr)').fill('2 000');
  await page.getByLabel('Betalningsdag i månaden (1–28)').fill('25');
  await page.getByRole('button', { name: 'Föreslå avbetalningsplan' }).click();
  await page.getByRole('status').filter({ hasText: 'Din avbetalningsplan är godkänd.' }).waitFor();
  expect(await page.locator('#case-plan tbody tr').count()).toBe(15);
  expect(await page.locator('#case-status').innerText()).toContain('Avbetalningsplan');
  await checkedPage(page, 'collection-plan');

  // R-COLL-7: the other case disputed (an empty reason is named first); collection pauses.
  await page.goto(`${t.baseUrl}/mina-sidor/inkasso/${second.caseNumber}`);
  await page.getByRole('button', { name: 'Bestrid kravet' }).click();
  await page.getByRole('alert').filter({ hasText: 'Varför anser du att kravet är fel?' }).waitFor();
  await page.getByLabel('Varför anser du att kravet är fel?').fill('Jag har redan betalat lånet.');
  await page.getByRole('button', { name: 'Bestrid kravet' }).click();
  await page.getByRole('status').filter({ hasText: 'Vi har tagit emot ditt bestridande.' }).waitFor();
  expect(await page.locator('#case-status').innerText()).toContain('Bestridd');
  await checkedPage(page);
  await expectLedgerBalanced(t.h.db);

  // Someone else's case does not exist for Bertil.
  const bertil = newPerson();
  const { context: other, page: bertilsPage } = await phonePage(t);
  await logInWithTestApp(bertilsPage, t.baseUrl, bertil.personnummer);
  expect(await bertilsPage.locator('#collection-link').count()).toBe(0);
  expect((await bertilsPage.goto(`${t.baseUrl}/mina-sidor/inkasso/${first.caseNumber}`))!.status()).toBe(404);
  await checkedPage(bertilsPage);
  await other.close();
  await context.close();
});

it('R-LOAN-11: contact details on Mina sidor are shown, a wrong number is named, a right one saved', async () => {
  const cecilia = newPerson();
  const { context, page: page } = await phonePage(t);
  await logInWithTestApp(page, t.baseUrl, cecilia.personnummer);
  await page.getByRole('link', { name: 'Kontaktuppgifter' }).click();
  await heading(page, 'Dina kontaktuppgifter');
  await checkedPage(page);
  await page.getByLabel('E-post').fill(cecilia.email);
  await page.getByLabel('Mobilnummer').fill('12345');
  await page.getByRole('button', { name: 'Spara kontaktuppgifter' }).click();
  await page.getByRole('alert').filter({ hasText: 'Ange ett svenskt mobilnummer' }).waitFor();
  await checkedPage(page);
  await page.getByLabel('Mobilnummer').fill('070-123 45 67');
  await page.getByRole('button', { name: 'Spara kontaktuppgifter' }).click();
  await page.getByRole('status').filter({ hasText: 'Dina kontaktuppgifter är sparade.' }).waitFor();
  expect(await page.locator('#contact-now').innerText()).toContain('+46701234567');
  expect(await page.locator('#contact-now').innerText()).toContain(cecilia.email);
  await checkedPage(page, 'contact-details');

  // The same through the API, for integrations: a bad e-mail is a 400 naming the field.
  const customerId = await customerIdForPersonnummer(t.h.db, TEST_JWT_SECRET, cecilia.personnummer);
  const auth = `Bearer ${t.h.token({ role: 'customer', sub: customerId })}`;
  const read = await request(t.h.app).get('/v1/me/contact-details').set('authorization', auth).expect(200);
  expect(read.body).toEqual({ email: cecilia.email, phone: '+46701234567' });
  const bad = await request(t.h.app)
    .put('/v1/me/contact-details')
    .set('authorization', auth)
    .send({ email: 'not-an-address' })
    .expect(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.email']);
  await context.close();
});
