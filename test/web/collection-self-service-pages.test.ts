/**
 * The collection self-service on Mina sidor, part 2, in a real browser at phone width (375 px):
 * the suggested solution over several cases (R-COLL-6: too low is refused, a suggestion per case,
 * accepted as a plan on each), a receipt of a payment made elsewhere being checked (R-COLL-2), and
 * the message thread with the collector's answer. axe on every page, no horizontal overflow.
 */
import request from 'supertest';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { TEST_JWT_SECRET } from '../support/api';
import { newPerson } from '../support/application';
import { approveInTestApp, checkedPage, logInWithTestApp } from './browser';
import { debtorWithCases, heading, openCase, phonePage, reloadUntil, useMinaSidor } from '../support/mina-sidor';

const t = useMinaSidor();

const today = () => stockholmDate(new Date());

it('R-COLL-6, R-COLL-2: suggested solution over two cases, a receipt being checked, the message thread', async () => {
  const {
    person: anna,
    cases: [first, second],
    context,
    page,
  } = await debtorWithCases(t, ['30000.00', '8000.00']);
  await page.getByRole('link', { name: 'Dina inkassoärenden' }).click();
  await heading(page, 'Inkassoärenden');

  // R-COLL-6: the suggested solution. Too low for both cases is refused; enough is shared per case.
  await page.getByRole('link', { name: 'Få ett förslag för alla dina ärenden' }).click();
  await heading(page, 'Förslag på lösning');
  await checkedPage(page);
  await page.getByLabel('Belopp per månad för alla ärenden (kr)').fill('100');
  const refused = page.waitForResponse((r) => r.url().endsWith('/forslag') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Visa förslag' }).click();
  expect((await refused).status()).toBe(409);
  await page.getByRole('alert').filter({ hasText: 'Beloppet räcker inte' }).waitFor();
  await checkedPage(page);
  await page.getByLabel('Belopp per månad för alla ärenden (kr)').fill('3 000');
  await page.getByRole('button', { name: 'Visa förslag' }).click();
  await page.locator('#suggestion').waitFor();
  const rows = page.locator('#suggestion tbody tr');
  expect(await rows.count()).toBe(2);
  const shown = await rows.allInnerTexts();
  expect(shown.some((r) => r.includes(first.caseNumber))).toBe(true);
  expect(shown.some((r) => r.includes(second.caseNumber))).toBe(true);
  await checkedPage(page, 'collection-suggestion');
  await page.getByRole('button', { name: 'Godkänn förslaget' }).click();
  await heading(page, 'Inkassoärenden');
  await page.getByRole('status').filter({ hasText: 'Förslaget är godkänt.' }).waitFor();
  for (const n of [first.caseNumber, second.caseNumber]) {
    await page.goto(`${t.baseUrl}/mina-sidor/inkasso/${n}`);
    expect(await page.locator('#case-status').innerText()).toContain('Avbetalningsplan');
    expect(await page.locator('#case-plan tbody tr').count()).toBeGreaterThan(0);
  }

  // R-PAY-3: autogiro for the plan, signed by the account holder in the test BankID app; then cancelled.
  await page.goto(`${t.baseUrl}/mina-sidor/inkasso/${first.caseNumber}`);
  await page.getByLabel('Clearingnummer (4–5 siffror)').fill('8327');
  await page.getByLabel('Kontonummer (utan clearingnummer)').fill('12345678');
  await page.getByLabel('Kontoinnehavarens personnummer (ÅÅÅÅMMDD-XXXX)').fill('12345');
  await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).click();
  await page.getByRole('alert').filter({ hasText: 'Kontoinnehavarens personnummer' }).waitFor();
  await page.getByLabel('Kontoinnehavarens personnummer (ÅÅÅÅMMDD-XXXX)').fill(anna.personnummer);
  await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await approveInTestApp(page, t.baseUrl);
  await heading(page, `Inkassoärende ${first.caseNumber}`);
  expect(await page.locator('#case-mandates').innerText()).toContain('Aktivt');
  await checkedPage(page);
  await page.getByRole('button', { name: 'Avsluta autogiro' }).click();
  await page.getByRole('status').filter({ hasText: 'Autogirot är avslutat.' }).waitFor();
  expect(await page.locator('#case-mandates').innerText()).toContain('Avslutat');

  // R-COLL-2: a receipt of a payment made elsewhere; a missing reference is named first.
  await page.goto(`${t.baseUrl}/mina-sidor/inkasso/${first.caseNumber}`);
  await page.getByLabel('Betalningsdag (ÅÅÅÅ-MM-DD)').fill(addDays(today(), -2));
  await page.getByLabel('Betalt belopp (kr)').fill('1 500,00');
  await page.getByRole('button', { name: 'Skicka kvitto' }).click();
  await page.getByRole('alert').filter({ hasText: 'Bankens referens för betalningen' }).waitFor();
  await checkedPage(page);
  await page.getByLabel('Bankens referens för betalningen').fill('SEB 2026-11-27 4711');
  await page.getByRole('button', { name: 'Skicka kvitto' }).click();
  await page.getByRole('status').filter({ hasText: 'Vi har tagit emot ditt kvitto' }).waitFor();
  expect(await page.locator('#case-receipts tbody').innerText()).toContain('Kontrolleras');
  expect(await page.locator('#case-receipts tbody').innerText()).toContain('1 500,00 kr');

  // The message thread: the customer writes, the collector answers, the answer shows on the page.
  await page.getByLabel('Ditt meddelande').fill('Jag betalade från mitt sparkonto, se kvittot.');
  await page.getByRole('button', { name: 'Skicka meddelande' }).click();
  await page.getByRole('status').filter({ hasText: 'Ditt meddelande är skickat.' }).waitFor();
  expect(await page.locator('#case-messages').innerText()).toContain('Jag betalade från mitt sparkonto');
  await request(t.h.app)
    .post(`/v1/operator/collection-cases/${first.caseNumber}/messages`)
    .set('authorization', `Bearer ${t.h.token({ role: 'operator', sub: 'op-web' })}`)
    .send({ body: 'Tack, vi kontrollerar kvittot inom två bankdagar.' })
    .expect(201);
  await reloadUntil(page, 'inom två bankdagar');
  expect(await page.locator('#case-messages li.message-operator').innerText()).toContain('Handläggare');
  await checkedPage(page, 'collection-case-receipt-messages');

  // Someone else cannot post to Anna's case: the page is a 404.
  const bertil = newPerson();
  const { context: other, page: bertilsPage } = await phonePage(t);
  await logInWithTestApp(bertilsPage, t.baseUrl, bertil.personnummer);
  expect((await bertilsPage.goto(`${t.baseUrl}/mina-sidor/inkasso/${first.caseNumber}`))!.status()).toBe(404);
  await other.close();
  await context.close();
});

it('R-COLL-8: a power of attorney signed with BankID; the helper sees the case and writes as themself; revoked', async () => {
  const dora = newPerson();
  const erik = newPerson();
  const doraId = await customerIdForPersonnummer(t.h.db, TEST_JWT_SECRET, dora.personnummer);
  const erikId = await customerIdForPersonnummer(t.h.db, TEST_JWT_SECRET, erik.personnummer);
  const { caseNumber } = await openCase(t, doraId, '12000.00');
  const { context, page: page } = await phonePage(t);
  await logInWithTestApp(page, t.baseUrl, dora.personnummer);
  await page.getByRole('link', { name: 'Dina inkassoärenden' }).click();
  await page.getByRole('link', { name: 'Fullmakter' }).click();
  await heading(page, 'Fullmakter');
  await checkedPage(page);

  // To oneself is refused, naming the field.
  const validUntil = addDays(today(), 90);
  await page.getByLabel('Personnummer för den du ger fullmakt (ÅÅÅÅMMDD-XXXX)').fill(dora.personnummer);
  await page.getByLabel('Gäller till och med (ÅÅÅÅ-MM-DD)').fill(validUntil);
  await page.getByRole('button', { name: 'Signera fullmakten med BankID' }).click();
  await page.getByRole('alert').filter({ hasText: 'Du kan inte ge fullmakt till dig själv.' }).waitFor();
  await checkedPage(page);

  // Signed by Dora in the test BankID app: in force.
  await page.getByLabel('Personnummer för den du ger fullmakt (ÅÅÅÅMMDD-XXXX)').fill(erik.personnummer);
  await page.getByRole('button', { name: 'Signera fullmakten med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await checkedPage(page);
  await approveInTestApp(page, t.baseUrl, dora.personnummer);
  await heading(page, 'Fullmakter');
  expect(await page.locator('#given tbody').innerText()).toContain('Gäller');
  await checkedPage(page, 'powers-of-attorney');

  // Erik, logged in as himself: "Cases I help with", the case page, a message recorded as his act.
  const { context: other, page: eriksPage } = await phonePage(t);
  await logInWithTestApp(eriksPage, t.baseUrl, erik.personnummer);
  await eriksPage.goto(`${t.baseUrl}/mina-sidor/fullmakter`);
  await eriksPage.getByRole('link', { name: `Inkassoärende ${caseNumber}` }).click();
  await heading(eriksPage, `Inkassoärende ${caseNumber}`);
  await eriksPage.getByLabel('Ditt meddelande').fill('Jag hjälper min mamma med ärendet.');
  await eriksPage.getByRole('button', { name: 'Skicka meddelande' }).click();
  await eriksPage.getByRole('status').filter({ hasText: 'Ditt meddelande är skickat.' }).waitFor();
  await checkedPage(eriksPage);
  const acts = await t.h.db
    .selectFrom('collection_helper_acts')
    .select(['helper_customer_id', 'action', 'status'])
    .where('helper_customer_id', '=', erikId)
    .execute();
  expect(acts).toEqual([
    { helper_customer_id: erikId, action: 'POST /mina-sidor/inkasso/{caseNumber}/meddelanden', status: 201 },
  ]);

  // Revoked by Dora: Erik's case page is gone.
  await page.getByRole('button', { name: `Återkalla fullmakten till person född ${erik.birthDate}` }).click();
  await page.getByRole('status').filter({ hasText: 'Fullmakten är återkallad.' }).waitFor();
  expect(await page.locator('#given tbody').innerText()).toContain('Återkallad');
  expect((await eriksPage.goto(`${t.baseUrl}/mina-sidor/inkasso/${caseNumber}`))!.status()).toBe(404);
  await other.close();
  await context.close();
});

it('R-COLL-2: the receipt form attaches the file; too big or not a PDF/JPEG/PNG is the file field’s error', async () => {
  const {
    customerId: gretaId,
    cases: [{ caseNumber }],
    context,
    page,
  } = await debtorWithCases(t, ['9000.00']);
  await page.goto(`${t.baseUrl}/mina-sidor/inkasso/${caseNumber}`);
  const fileLabel = 'Kvittot som fil (valfritt): PDF, JPEG eller PNG, högst 5 MB';
  const fillReceipt = async () => {
    await page.getByLabel('Bankens referens för betalningen').fill('Nordea 4712');
    await page.getByLabel('Betalningsdag (ÅÅÅÅ-MM-DD)').fill(addDays(today(), -1));
    await page.getByLabel('Betalt belopp (kr)').fill('2 000');
  };
  const send = async (expectedStatus: number) => {
    const posted = page.waitForResponse((r) => r.url().endsWith('/kvitto') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Skicka kvitto' }).click();
    expect((await posted).status()).toBe(expectedStatus);
  };

  // A text file is refused by its type; a "PDF" whose first bytes are not a PDF's, by its content.
  await fillReceipt();
  await page
    .getByLabel(fileLabel)
    .setInputFiles({ name: 'kvitto.txt', mimeType: 'text/plain', buffer: Buffer.from('hej') });
  await send(400);
  await page.getByRole('alert').filter({ hasText: 'Filen måste vara en PDF, JPEG eller PNG.' }).waitFor();
  expect(await page.getByLabel(fileLabel).getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('Bankens referens för betalningen').inputValue()).toBe('Nordea 4712');
  await checkedPage(page, 'collection-receipt-file-type');
  await page.getByLabel(fileLabel).setInputFiles({
    name: 'kvitto.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('MZ\x90\x00 not a pdf'),
  });
  await send(400);
  await page.getByRole('alert').filter({ hasText: 'Filen måste vara en PDF, JPEG eller PNG.' }).waitFor();

  // Over 5 MB: named as too big, never a server error.
  const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)]);
  await page.getByLabel(fileLabel).setInputFiles({ name: 'stor.pdf', mimeType: 'application/pdf', buffer: big });
  await send(400);
  await page.getByRole('alert').filter({ hasText: 'Filen är större än 5 MB.' }).waitFor();
  await checkedPage(page, 'collection-receipt-file-too-big');

  // The CSRF token is still checked on the multipart form.
  const forged = await page.request.post(`${t.baseUrl}/mina-sidor/inkasso/${caseNumber}/kvitto`, {
    multipart: { _csrf: 'forged', bankReference: 'x', paidOn: today(), receiptAmount: '1' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);

  // A PNG scan: stored on the case and named by the receipt being checked.
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
  await page.getByLabel(fileLabel).setInputFiles({ name: 'kvitto.png', mimeType: 'image/png', buffer: png });
  await send(303);
  await page.getByRole('status').filter({ hasText: 'Vi har tagit emot ditt kvitto' }).waitFor();
  expect(await page.locator('#case-receipts tbody').innerText()).toContain('Kontrolleras (med fil)');
  await checkedPage(page, 'collection-receipt-file-sent');
  const stored = await t.h.db
    .selectFrom('collection_receipt_files as f')
    .innerJoin('collection_receipts as r', 'r.file_id', 'f.id')
    .innerJoin('collection_cases as c', 'c.id', 'f.case_id')
    .select(['f.content_type', 'f.size', 'f.uploaded_by', 'r.bank_reference'])
    .where('c.case_number', '=', caseNumber)
    .execute();
  expect(stored).toEqual([
    { content_type: 'image/png', size: png.length, uploaded_by: gretaId, bank_reference: 'Nordea 4712' },
  ]);
  await context.close();
});
