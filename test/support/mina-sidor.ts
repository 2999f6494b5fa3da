/**
 * What the Mina sidor browser tests share: the API harness served on a port with a browser for the
 * file, debtors with collection cases logged in at phone width (375 px), and waits for a page's
 * heading or text.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { logInWithTestApp, useWebApp, type WebApp } from '../web/browser';
import { TEST_JWT_SECRET } from './api';
import { newPerson, type TestPerson, waitFor } from './application';
import { openHandedOverCase, terminateCases } from './collection-case';

export interface MinaSidorHarness extends WebApp {
  /** The cases the file's tests opened: their workflows are ended before the harness stops. */
  caseNumbers: string[];
}

/** `useWebApp`, with the cases the tests open (`openCase`) ended while the app's worker still runs. */
export function useMinaSidor(): MinaSidorHarness {
  const caseNumbers: string[] = [];
  const started: { web?: WebApp } = {};
  // Declared before useWebApp's: jest runs a block's afterAll hooks in the order they were added.
  afterAll(async () => {
    if (started.web?.h) await terminateCases(started.web.h, caseNumbers);
  });
  started.web = useWebApp();
  return Object.assign(started.web, { caseNumbers });
}

export interface OpenedCase {
  caseNumber: string;
  loanId: string;
}

/** A loan of `amount` handed over to collection today (claim under the case, fee 180), with one original invoice. */
export async function openCase(t: MinaSidorHarness, customerId: string, amount: string): Promise<OpenedCase> {
  const { caseNumber, loanId } = await openHandedOverCase(t.h, { customerId, amount, originalInvoice: true });
  t.caseNumbers.push(caseNumber);
  return { caseNumber, loanId };
}

/** A fresh page in a browser context at phone width. */
export async function phonePage(t: MinaSidorHarness): Promise<{ context: BrowserContext; page: Page }> {
  const context = await t.browser.newContext({ viewport: { width: 375, height: 812 } });
  return { context, page: await context.newPage() };
}

/** A new person with a case for each of `amounts` (`openCase`), logged in to Mina sidor on a phone-width page. */
export async function debtorWithCases<const Amounts extends readonly string[]>(t: MinaSidorHarness, amounts: Amounts) {
  const person: TestPerson = newPerson();
  const customerId = await customerIdForPersonnummer(t.h.db, TEST_JWT_SECRET, person.personnummer);
  const cases: OpenedCase[] = [];
  for (const amount of amounts) cases.push(await openCase(t, customerId, amount));
  const { context, page } = await phonePage(t);
  await logInWithTestApp(page, t.baseUrl, person.personnummer);
  return { person, customerId, cases: cases as { [K in keyof Amounts]: OpenedCase }, context, page };
}

/** Waits for the page's level-1 heading `text`. */
export async function heading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

/** Reloads the page until it shows `text` (a workflow moves on in the background). */
export async function reloadUntil(page: Page, text: string): Promise<void> {
  await waitFor(
    async () => {
      await page.reload();
      return page.content();
    },
    (html) => html.includes(text),
    `"${text}" on ${page.url()}`,
  );
}
