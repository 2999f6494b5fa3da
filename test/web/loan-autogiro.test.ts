/**
 * A loan's autogiro on Mina sidor (R-PAY-3) in a real browser at phone width (375 px): the loan's
 * page shows that it is not paid by direct debit, a wrong account is named on its field, a mandate
 * is signed by the account holder on the BankID page (animated QR and "open on this device"),
 * shows as active, and is ended by the customer. axe on every page, no horizontal overflow.
 */
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { postToLedger } from '../../db/ledger-repository';
import { disbursementPosting } from '../../domain/ledger';
import { Decimal } from '../../domain/money';
import { TEST_JWT_SECRET } from '../support/api';
import { newPerson } from '../support/application';
import { insertTestLoan } from '../support/loans';
import { approveInTestApp, checkedPage, logInWithTestApp, useWebApp } from './browser';

const web = useWebApp();

it('R-PAY-3: a loan’s autogiro given with BankID from the loan page, shown active, then ended', async () => {
  const hanna = newPerson();
  const hannaId = await customerIdForPersonnummer(web.h.db, TEST_JWT_SECRET, hanna.personnummer);
  const { loanId, contractNumber } = await insertTestLoan(web.h.db, { customer_id: hannaId });
  await postToLedger(web.h.db, disbursementPosting(loanId, '2026-01-10', new Decimal('100000.00')));
  const context = await web.browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await logInWithTestApp(page, web.baseUrl, hanna.personnummer);
  await page.goto(`${web.baseUrl}/mina-sidor/lan/${loanId}`);
  await page.getByRole('heading', { level: 1, name: `Avtal ${contractNumber}`, exact: true }).waitFor();
  expect(await page.locator('#autogiro-status').innerText()).toBe('Lånet betalas inte med autogiro.');
  await checkedPage(page, 'loan-autogiro-none');

  // A clearing number of three digits is named on its field; the typed values stay.
  await page.getByLabel('Clearingnummer (4–5 siffror)').fill('832');
  await page.getByLabel('Kontonummer (utan clearingnummer)').fill('9912345678');
  await page.getByLabel('Kontoinnehavarens personnummer (ÅÅÅÅMMDD-XXXX)').fill(hanna.personnummer);
  await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).click();
  await page.getByRole('alert').filter({ hasText: 'Clearingnummer (4–5 siffror)' }).waitFor();
  expect(await page.getByLabel('Kontonummer (utan clearingnummer)').inputValue()).toBe('9912345678');
  await checkedPage(page);

  // Signed by the account holder on the BankID page: the QR code and the link to open BankID here.
  await page.getByLabel('Clearingnummer (4–5 siffror)').fill('8327');
  await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).click();
  await page.waitForURL(/\/bankid$/);
  await page.locator('#qr').waitFor();
  await page.locator('#autostart').waitFor();
  await checkedPage(page, 'loan-autogiro-bankid');
  await approveInTestApp(page, web.baseUrl);
  await page.waitForURL(new RegExp(`/mina-sidor/lan/${loanId}$`));
  expect(await page.locator('#autogiro-status').innerText()).toBe(
    'Fakturorna dras med autogiro från konto 8327-******5678.',
  );
  expect(await page.locator('#loan-mandates tbody').innerText()).toContain('Aktivt');
  expect(await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).count()).toBe(0);
  await checkedPage(page, 'loan-autogiro-active');
  const mandates = await web.h.db
    .selectFrom('direct_debit_mandates')
    .select(['status', 'case_id'])
    .where('loan_id', '=', loanId)
    .execute();
  expect(mandates).toEqual([{ status: 'ACTIVE', case_id: null }]);

  // Someone else neither sees the loan nor can end its autogiro.
  const ivar = newPerson();
  const other = await web.browser.newContext({ viewport: { width: 375, height: 812 } });
  const ivarsPage = await other.newPage();
  await logInWithTestApp(ivarsPage, web.baseUrl, ivar.personnummer);
  expect((await ivarsPage.goto(`${web.baseUrl}/mina-sidor/lan/${loanId}`))!.status()).toBe(404);
  await other.close();

  // Ended by Hanna: nothing more is drawn, and a new mandate can be given.
  await page.getByRole('button', { name: 'Avsluta autogiro' }).click();
  await page.getByRole('status').filter({ hasText: 'Autogirot är avslutat.' }).waitFor();
  expect(await page.locator('#autogiro-status').innerText()).toBe('Lånet betalas inte med autogiro.');
  expect(await page.locator('#loan-mandates tbody').innerText()).toContain('Avslutat');
  await page.getByRole('button', { name: 'Signera autogiromedgivande med BankID' }).waitFor();
  await checkedPage(page, 'loan-autogiro-ended');
  await context.close();
});
