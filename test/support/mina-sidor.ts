/**
 * What the Mina sidor browser tests share: the API harness served on a port with a browser for the
 * file, debtors with collection cases logged in at phone width (375 px), and the checks every page
 * gets (its heading, axe, no horizontal overflow).
 */
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import {
  expectAccessible,
  expectNoHorizontalOverflow,
  launchBrowser,
  listen,
  logInWithTestApp,
  screenshot,
} from '../web/browser';
import { type ApiHarness, startApiHarness, TEST_JWT_SECRET } from './api';
import { newPerson, type TestPerson, waitFor } from './application';
import { openHandedOverCase, terminateCases } from './collection-case';

export interface MinaSidorHarness {
  h: ApiHarness;
  browser: Browser;
  baseUrl: string;
  /** The cases the file's tests opened: their workflows are ended before the harness stops. */
  caseNumbers: string[];
}

/**
 * The API harness listening on an ephemeral port and a browser, for the calling file (or describe
 * block): its fields are filled before the tests run and stopped after them.
 */
export function useMinaSidor(): MinaSidorHarness {
  const t = { caseNumbers: [] as string[] } as MinaSidorHarness;
  let server: Server | undefined;
  beforeAll(async () => {
    t.h = await startApiHarness();
    const listening = await listen(t.h.app);
    server = listening.server;
    t.baseUrl = listening.baseUrl;
    t.browser = await launchBrowser();
  });
  afterAll(async () => {
    await terminateCases(t.h, t.caseNumbers);
    await t.browser?.close();
    await new Promise((r) => server?.close(r));
    await t.h?.stop();
  });
  return t;
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

/** The page as it is now has no axe violations and no horizontal overflow; with `name`, a screenshot. */
export async function checked(page: Page, name?: string): Promise<void> {
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  if (name) await screenshot(page, name);
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
