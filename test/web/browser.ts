/**
 * Browser tests' plumbing: Debian's chromium driven by playwright-core (no browser download), the
 * app under test listening on an ephemeral port, axe at WCAG 2.1 AA, screenshots in /tmp.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { Express } from 'express';
import { type ApiHarness, startApiHarness } from '../support/api';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

export async function listen(app: Express): Promise<{ server: Server; baseUrl: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** No axe violations at WCAG 2.0/2.1 A and AA on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect({ url: page.url(), violations: summary }).toEqual({ url: page.url(), violations: [] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/web-${name}.png`, fullPage: true });
}

/** Phone width: nothing wider than the viewport (wide tables scroll inside their own region). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect({ url: page.url(), scrollWidth: widths.scroll }).toEqual({ url: page.url(), scrollWidth: widths.client });
}

/**
 * The order the BankID page in `page` waits for, in the test BankID app opened in a new tab: found
 * by the page's own autostart token, never by its place in the list (another tab's order may be
 * pending at the same sandbox). The app is opened plainly, as a phone would scan, so approving
 * leaves it in the app rather than returning to the browser.
 */
export async function ownOrderInTestApp(page: Page, baseUrl: string): Promise<{ app: Page; order: Locator }> {
  const href = await page.locator('#autostart').getAttribute('href');
  const token = new URL(href ?? '', baseUrl).searchParams.get('autostarttoken');
  if (!token) throw new Error(`no autostart token on ${page.url()}`);
  const app = await page.context().newPage();
  await app.goto(`${baseUrl}/sandbox/bankid-app`);
  return { app, order: app.locator(`section.order[data-autostart-token="${token}"]`) };
}

/** Approves the order the BankID page in `page` waits for, as `personnummer`, and closes the app. */
export async function approveInTestApp(page: Page, baseUrl: string, personnummer?: string): Promise<void> {
  const { app, order } = await ownOrderInTestApp(page, baseUrl);
  if (personnummer !== undefined) await order.getByLabel('Personnummer (12 siffror)').fill(personnummer);
  await order.getByRole('button', { name: 'Godkänn' }).click();
  await app.waitForURL(/\/sandbox\/bankid-app$/);
  await app.close();
}

/** Logs in to Mina sidor with the sandbox test BankID app in a second tab, as `personnummer`. */
export async function logInWithTestApp(page: Page, baseUrl: string, personnummer: string): Promise<void> {
  await page.goto(`${baseUrl}/mina-sidor`);
  await page.getByRole('heading', { level: 1, name: 'Logga in', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Logga in med BankID' }).click();
  await page.getByRole('heading', { level: 1, name: 'Logga in med BankID', exact: true }).waitFor();
  await approveInTestApp(page, baseUrl, personnummer);
  await page.getByRole('heading', { level: 1, name: 'Mina sidor', exact: true }).waitFor();
}

/** What a browser test file works with: the API harness, listening, and a browser. */
export interface WebApp {
  h: ApiHarness;
  browser: Browser;
  baseUrl: string;
}

/** Starts the app and a browser before the file's tests and stops them after; read the fields inside tests. */
export function useWebApp(): WebApp {
  const app = {} as WebApp;
  let server: Server | undefined;
  beforeAll(async () => {
    app.h = await startApiHarness();
    ({ server, baseUrl: app.baseUrl } = await listen(app.h.app));
    app.browser = await launchBrowser();
  });
  afterAll(async () => {
    await app.browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await app.h?.stop();
  });
  return app;
}

/** axe at WCAG 2.1 AA, nothing wider than the phone, and a screenshot when named. */
export async function checkedPage(page: Page, name?: string): Promise<void> {
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  if (name) await screenshot(page, name);
}
