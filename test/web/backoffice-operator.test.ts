/**
 * The operators' back-office pages in a real browser, beyond suspense and complaints
 * (test/web/backoffice.test.ts): a rate change for one loan (from the loan's page) and for many,
 * the refusals shown with their reason (R-LOAN-5/10); an application, a loan and a collection case
 * each with its timeline and the link to its run in the Temporal UI; the audit log's filters by
 * operator, route template and dates (R-SEC-1); an operator creates a shop user, who then logs in.
 * axe checks every page.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createCollectionActivities } from '../../activities/collection';
import { listApplicationEvents } from '../../db/application-repository';
import { insertCollectionCase, recordCaseEvent } from '../../db/collection-case-repository';
import { postToLedger } from '../../db/ledger-repository';
import { findLoan } from '../../db/loan-repository';
import { applicationWorkflowId } from '../../domain/application-state';
import { collectionCaseWorkflowId } from '../../domain/collection-case';
import { caseChargePosting } from '../../domain/collection-ledger';
import { addDays, stockholmDate } from '../../domain/dates';
import { disbursementPosting } from '../../domain/ledger';
import type { LoanTerms } from '../../domain/loan-terms';
import { Decimal } from '../../domain/money';
import { earliestChangeEffectiveDate } from '../../domain/rate-change';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { type ApiHarness, createApplication, eventually, startApiHarness } from '../support/api';
import { newPerson } from '../support/application';
import { insertTestLoan } from '../support/loans';
import { expectAccessible, launchBrowser, listen, screenshot } from './browser';

let h: ApiHarness;
let browser: Browser;
let server: Server;
let baseUrl: string;
const started: string[] = [];

const today = () => stockholmDate(new Date());

beforeAll(async () => {
  h = await startApiHarness();
  ({ server, baseUrl } = await listen(h.app));
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const id of started) {
    await h?.client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  }
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await h?.stop();
});

/** A loan with its running workflow, paid out today (nothing invoiced yet). */
async function openLoan(): Promise<LoanTerms> {
  const loanId = randomUUID();
  const terms: LoanTerms = {
    loanId,
    contractNumber: String(300_000_000 + Math.floor(Math.random() * 699_999_999)),
    customerId: `customer-${loanId}`,
    amount: '50000.00',
    termMonths: 36,
    nominalRatePercent: '9.95',
    noticeChannel: 'autogiro',
    payoutDate: today(),
  };
  await h.client.workflow.start(loanWorkflow, {
    taskQueue: h.config.TEMPORAL_TASK_QUEUE,
    workflowId: loanWorkflowId(loanId),
    args: [{ terms }],
  });
  started.push(loanWorkflowId(loanId));
  await eventually(async () => ((await findLoan(h.db, loanId)) ? true : undefined), `loan ${loanId} to open`);
  return terms;
}

async function heading(page: Page, text: string) {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function operatorPage(name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseUrl}/operator/logga-in`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Log in' }).click();
  await heading(page, 'Back-office');
  return page;
}

/** The start page's search (application id, loan id or case number). */
async function search(page: Page, q: string) {
  await page.goto(`${baseUrl}/operator`);
  await page.getByLabel('Application id, loan id or collection case number').fill(q);
  await page.getByRole('button', { name: 'Open' }).click();
}

/** The run link's address: the Temporal UI's page of that workflow id in the configured namespace. */
async function expectRunLink(page: Page, workflowId: string) {
  const href = await page.getByRole('link', { name: 'Open in the Temporal UI' }).getAttribute('href');
  expect(href).toMatch(/^https?:\/\/[^/]+\/namespaces\/[^/]+\/workflows\/[^/]+$/);
  expect(
    href!.endsWith(
      `/namespaces/${encodeURIComponent(h.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`,
    ),
  ).toBe(true);
}

const resultRow = (page: Page, loanId: string) => page.locator('#rate-results tbody tr').filter({ hasText: loanId });

it('changes the rate of one loan from its page and of many at once, the refusals shown with their reason (R-LOAN-5, R-LOAN-10)', async () => {
  const [a, b, c] = await Promise.all([openLoan(), openLoan(), openLoan()]);
  const earliest = earliestChangeEffectiveDate(today());
  const page = await operatorPage('rate-karin');

  // One loan: from the loan's page, the form prefilled with its id; too soon is refused.
  await page.goto(`${baseUrl}/operator/loans/${a.loanId}`);
  await heading(page, `Loan ${a.contractNumber}`);
  await page.getByRole('link', { name: "Change this loan's rate" }).click();
  await heading(page, 'Rate change');
  await expect(page.getByLabel('Loan ids (one per line)').inputValue()).resolves.toBe(a.loanId);
  await page.getByLabel('New nominal rate (%)').fill('10,45');
  await page.getByLabel('Effective from (YYYY-MM-DD)').fill(addDays(earliest, -1));
  await page.getByRole('button', { name: 'Announce' }).click();
  await page.getByRole('heading', { name: 'Result: 0 accepted, 1 refused' }).waitFor();
  await expect(resultRow(page, a.loanId).locator('td').nth(1).textContent()).resolves.toBe('refused');
  await expect(resultRow(page, a.loanId).locator('td').nth(2).textContent()).resolves.toMatch(/\S+: \S+/);
  await expectAccessible(page);

  await page.getByLabel('Effective from (YYYY-MM-DD)').fill(earliest);
  await page.getByRole('button', { name: 'Announce' }).click();
  await page.getByRole('heading', { name: 'Result: 1 accepted, 0 refused' }).waitFor();
  await expect(resultRow(page, a.loanId).locator('td').nth(2).textContent()).resolves.toMatch(
    new RegExp(`^new monthly payment [\\d  ]+,\\d{2} kr from ${earliest}$`),
  );

  // Many loans: two running, one unknown; the unknown is refused, the others accepted.
  const unknown = randomUUID();
  await page.getByLabel('Loan ids (one per line)').fill([b.loanId, unknown, c.loanId].join('\n'));
  await page.getByLabel('New nominal rate (%)').fill('8.95');
  await page.getByLabel('Effective from (YYYY-MM-DD)').fill(earliest);
  const changeId = await page.locator('input[name="changeId"]').inputValue();
  const csrf = await page.locator('form[action="/operator/rate-changes"] input[name="_csrf"]').inputValue();
  await page.getByRole('button', { name: 'Announce' }).click();
  await page.getByRole('heading', { name: 'Result: 2 accepted, 1 refused' }).waitFor();
  const outcomes = await page.locator('#rate-results tbody tr td:nth-child(2)').allTextContents();
  expect(outcomes).toEqual(['accepted', 'refused', 'accepted']);
  await expect(resultRow(page, unknown).locator('td').nth(2).textContent()).resolves.toMatch(/^not-found: /);
  await expectAccessible(page);
  await screenshot(page, 'operator-rate-change');

  // The form sent its change id: the same submission again (a reload, a double click) is the same
  // change, not a second announcement; the form is ready for a next change with a fresh id.
  const changesOf = (loanId: string) =>
    h.db.selectFrom('rate_changes').select('change_id').where('loan_id', '=', loanId).execute();
  await expect(changesOf(b.loanId)).resolves.toEqual([{ change_id: changeId }]);
  const again = await page.request.post(`${baseUrl}/operator/rate-changes`, {
    form: {
      _csrf: csrf,
      changeId,
      loanIds: [b.loanId, unknown, c.loanId].join('\n'),
      newNominalRatePercent: '8.95',
      effectiveFrom: earliest,
    },
  });
  expect(again.status()).toBe(200);
  expect(await again.text()).toContain('Result: 2 accepted, 1 refused');
  await expect(changesOf(b.loanId)).resolves.toEqual([{ change_id: changeId }]);
  await expect(changesOf(c.loanId)).resolves.toEqual([{ change_id: changeId }]);
  expect(await page.locator('input[name="changeId"]').inputValue()).not.toBe(changeId);

  // Bad input names the field.
  await page.getByLabel('New nominal rate (%)').fill('lots');
  await page.getByRole('button', { name: 'Announce' }).click();
  await page.getByRole('alert').filter({ hasText: 'newNominalRatePercent' }).waitFor();
  await expectAccessible(page);
});

it('shows an application, a loan and a collection case with their timelines and runs in the Temporal UI', async () => {
  // An application filed by a shop: its timeline has the projection's events.
  const vendor = `Bearer ${h.token({ role: 'vendor', sub: 'seller-1', vendorId: `shop-${randomUUID().slice(0, 8)}` })}`;
  const created = await createApplication(h, vendor, newPerson());
  const applicationId: string = created.body.id;
  const reference: string = created.body.reference ?? applicationId;
  started.push(applicationWorkflowId(reference));
  await eventually(
    async () => ((await listApplicationEvents(h.db, applicationId)).length > 0 ? true : undefined),
    'the application’s first event',
  );
  const page = await operatorPage('views-karin');
  await search(page, applicationId);
  await heading(page, `Application ${reference}`);
  expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(0);
  await expectRunLink(page, applicationWorkflowId(reference));
  await expectAccessible(page);

  // A loan with a complaint on its timeline, handed over to collection.
  const customer = `customer-${randomUUID()}`;
  const loanId = randomUUID();
  const { contractNumber } = await insertTestLoan(h.db, {
    id: loanId,
    customer_id: customer,
    status: 'IN_COLLECTION',
    amount: '30000.00',
  });
  await postToLedger(h.db, disbursementPosting(loanId, '2026-01-10', new Decimal('30000.00')));
  await request(h.app)
    .post(`/v1/loans/${loanId}/complaints`)
    .set('authorization', `Bearer ${h.token({ role: 'customer', sub: customer })}`)
    .send({ subject: 'Dubbel avgift', text: 'Avgiften drogs två gånger.' })
    .expect(201);
  const caseId = `collection-${loanId}`;
  await insertCollectionCase(h.db, {
    id: caseId,
    loan_id: loanId,
    opened_on: today(),
    principal: '30000.00',
    interest: '0.00',
    fees: '0.00',
    default_interest: '0.00',
    collection_fee: '180.00',
    total: '30180.00',
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

  await recordCaseEvent(h.db, {
    caseId,
    idempotencyKey: `${caseId}:test-postponement`,
    date: today(),
    kind: 'postponement-granted',
    detail: { newDueDate: addDays(today(), 30) },
  });

  await search(page, loanId);
  await heading(page, `Loan ${contractNumber}`);
  await page.locator('#timeline li').filter({ hasText: 'Complaint “Dubbel avgift”' }).waitFor();
  await expectRunLink(page, loanWorkflowId(loanId));
  await expectAccessible(page);

  await page.getByRole('link', { name: opened.caseNumber, exact: true }).click();
  await heading(page, `Collection case ${opened.caseNumber}`);
  await page.locator('#timeline li').filter({ hasText: 'postponement-granted' }).waitFor();
  await expectRunLink(page, collectionCaseWorkflowId(opened.caseNumber));
  await expectAccessible(page);
  await screenshot(page, 'operator-collection-case');

  // Searching a case number leads to the case; an unknown one is a 404 page.
  await search(page, opened.caseNumber);
  await heading(page, `Collection case ${opened.caseNumber}`);
  expect((await page.goto(`${baseUrl}/operator/collection-cases/NO-SUCH-CASE`))!.status()).toBe(404);
  expect((await page.goto(`${baseUrl}/operator/applications/${randomUUID()}`))!.status()).toBe(404);
  expect((await page.goto(`${baseUrl}/operator/loans/${randomUUID()}`))!.status()).toBe(404);
});

it('filters the audit log by operator, route template and dates (R-SEC-1)', async () => {
  const name = `audit-${randomUUID().slice(0, 8)}`;
  const page = await operatorPage(name);
  await page.getByRole('link', { name: 'Suspense', exact: true }).click();
  await heading(page, 'Payments in suspense');
  await page.getByRole('link', { name: 'Rate change', exact: true }).click();
  await heading(page, 'Rate change');
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await heading(page, 'Audit log');
  await expectAccessible(page);

  const routes = () => page.locator('#audit tbody tr td:nth-child(4)').allTextContents();
  const operators = () => page.locator('#audit tbody tr td:nth-child(2)').allTextContents();

  await page.getByLabel('Operator').fill(`sandbox:${name}`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/operator=sandbox/);
  expect(new Set(await operators())).toEqual(new Set([`sandbox:${name}`]));
  expect(await routes()).toEqual(
    expect.arrayContaining(['/operator', '/operator/payments', '/operator/rate-changes', '/operator/audit']),
  );

  await page.getByLabel('Route template').fill('/operator/payments');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/route=/);
  await expect(routes()).resolves.toEqual(['/operator/payments']);
  await expectAccessible(page);

  await page.getByLabel('From (YYYY-MM-DD)').fill(today());
  await page.getByLabel('To (YYYY-MM-DD)').fill(today());
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/from=/);
  await expect(routes()).resolves.toEqual(['/operator/payments']);

  await page.getByLabel('From (YYYY-MM-DD)').fill(addDays(today(), 1));
  await page.getByLabel('To (YYYY-MM-DD)').fill(addDays(today(), 1));
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(new RegExp(`from=${addDays(today(), 1)}`));
  await expect(routes()).resolves.toEqual([]);
  await expectAccessible(page);
  await screenshot(page, 'operator-audit-filtered');

  // A date that is not a date is named, not silently dropped.
  await page.getByLabel('From (YYYY-MM-DD)').fill('igår');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('alert').filter({ hasText: 'From: a date as YYYY-MM-DD' }).waitFor();
  await expect(page.getByLabel('From (YYYY-MM-DD)').inputValue()).resolves.toBe('igår');
  await expectAccessible(page);
});

it('creates a shop user, who then logs in to "Förmedlade avtal"', async () => {
  const page = await operatorPage('users-karin');
  await page.getByRole('link', { name: 'Shop users', exact: true }).click();
  await heading(page, 'Shop users');
  await expectAccessible(page);

  const vendorId = `shop-${randomUUID().slice(0, 8)}`;
  const email = `${vendorId}@users.example.com`;
  // A new vendor needs its shop name; a short password is refused.
  await page.getByLabel('Vendor id').fill(vendorId);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Initial password').fill('kort');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: 'Password: at least' }).waitFor();
  await expectAccessible(page);

  await page.getByLabel('Initial password').fill('ett-langt-losenord-2026');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: 'Shop name: required for a new vendor' }).waitFor();
  await page.getByLabel('Shop name (for a new vendor)').fill('Lampbutiken');
  await page.getByLabel('Initial password').fill('ett-langt-losenord-2026');
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `User ${email} created for ${vendorId}.` })
    .waitFor();
  await page
    .getByRole('listitem')
    .filter({ hasText: `${email} · ${vendorId}` })
    .waitFor();
  await expectAccessible(page);

  // The same address again is refused.
  await page.getByLabel('Vendor id').fill(vendorId);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Initial password').fill('ett-langt-losenord-2026');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: 'E-mail: a user has it already' }).waitFor();

  const shop = await (await browser.newContext()).newPage();
  await shop.goto(`${baseUrl}/butik/logga-in`);
  await shop.getByLabel('E-postadress').fill(email);
  await shop.getByLabel('Lösenord').fill('ett-langt-losenord-2026');
  await shop.getByRole('button', { name: 'Logga in' }).click();
  await heading(shop, 'Förmedlade avtal');
  // The user belongs to the new vendor: its settings carry the shop name the operator gave.
  await shop.getByRole('link', { name: 'Inställningar' }).click();
  await expect(shop.locator('input#name').inputValue()).resolves.toBe('Lampbutiken');
  await expectAccessible(shop);
});
