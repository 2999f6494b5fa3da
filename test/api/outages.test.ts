/**
 * Outages, as real as a test can make them: the engine's PostgreSQL connections are dropped with
 * pg_terminate_backend (and the database closed to new ones for a while), and the test's own
 * Temporal dev server is stopped and started again on the same port and data. The API keeps
 * running, readiness reports the outage meanwhile, every workflow-backed endpoint answers a quick
 * 503 problem+json with Retry-After, and requests succeed again after it; an application waiting
 * for the bank's confirmation resumes within seconds of Temporal's return.
 * (Over 400 lines: the three drills share the helpers that start, stop and restart real servers.)
 */
import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import request from 'supertest';
import { insertComplaint } from '../../db/complaint-repository';
import { insertLoan } from '../../db/loan-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { earliestChangeEffectiveDate } from '../../domain/rate-change';
import { PROJECT_ROOT } from '../../platform/config';
import { createScratchDatabase, type ScratchDatabase } from '../../platform/scratch-database';
import { startDevServer } from '../../platform/temporal-servers';
import { applicationWorkflowId } from '../../domain/application-state';
import { type ApiHarness, createApplication, startApiHarness } from '../support/api';
import { goodAnswers, newPerson } from '../support/application';

const today = () => stockholmDate(new Date());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function loanRow(h: ApiHarness, customerId: string): Promise<string> {
  const id = randomUUID();
  const contractNumber = String(600_000_000 + randomInt(99_999_999));
  await insertLoan(h.db, {
    id,
    contract_number: contractNumber,
    customer_id: customerId,
    status: 'ACTIVE',
    amount: '60000.00',
    term_months: 36,
    nominal_rate_percent: '9.95',
    notice_channel: 'e-invoice',
    payout_date: '2026-01-10',
    monthly_payment: '1934.00',
    ocr_reference: `${contractNumber}00`,
    closed_on: null,
  });
  return id;
}

describe('a PostgreSQL outage: connections dropped, the API survives and recovers', () => {
  let database: ScratchDatabase;
  let admin: pg.Client;
  let h: ApiHarness;
  let name: string;
  const operator = () => `Bearer ${h.token({ role: 'operator', sub: 'op-1' })}`;

  const terminateEngineConnections = async () =>
    admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    );

  beforeAll(async () => {
    database = await createScratchDatabase('outage', process.env.TEST_DATABASE_URL);
    name = new URL(database.url).pathname.slice(1);
    const adminUrl = new URL(database.url);
    adminUrl.pathname = '/postgres';
    admin = new pg.Client({ connectionString: adminUrl.toString() });
    admin.on('error', () => undefined);
    await admin.connect();
    h = await startApiHarness({}, { databaseUrl: database.url });
  });
  afterAll(async () => {
    await admin?.query(`alter database "${name}" allow_connections true`).catch(() => undefined);
    await h?.stop();
    await admin?.end();
    await database?.drop();
  });

  it('a connection dropped inside a transaction fails that transaction only; the process lives on', async () => {
    // In a process of its own: jest would catch the unhandled 'error' event that ends `npm start`.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/support/dropped-connection-process.ts')],
      { env: { ...process.env, DATABASE_URL: database.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, out: out.split('\n').slice(0, 2) }).toEqual({ code: 0, out: ['transaction failed', 'alive'] });
    await request(h.app).get('/v1/operator/audit').set('authorization', operator()).expect(200);
  });

  it('connections dropped under load: requests succeed again at once', async () => {
    const load = Array.from({ length: 20 }, () =>
      request(h.app).get('/v1/operator/audit').set('authorization', operator()),
    );
    await terminateEngineConnections();
    const answered = await Promise.all(load);
    for (const res of answered) expect([200, 500]).toContain(res.status);
    for (let i = 0; i < 5; i++)
      await request(h.app).get('/v1/operator/audit').set('authorization', operator()).expect(200);
    await request(h.app).get('/readyz').expect(200);
  });

  it('while the database refuses connections, readiness says so and requests are a 503; after it, the API answers again', async () => {
    await admin.query(`alter database "${name}" allow_connections false`);
    await terminateEngineConnections();
    const during = await request(h.app).get('/readyz').expect(503);
    expect(during.body).toMatchObject({ status: 'not-ready', checks: { postgres: { status: 'failing' } } });
    const refused = await request(h.app).get('/v1/operator/audit').set('authorization', operator());
    expect({ status: refused.status, type: refused.body.type, retryAfter: refused.headers['retry-after'] }).toEqual({
      status: 503,
      type: '/problems/database-unavailable',
      retryAfter: expect.stringMatching(/^\d+$/),
    });
    await admin.query(`alter database "${name}" allow_connections true`);
    await eventually(async () => ((await request(h.app).get('/readyz')).status === 200 ? true : undefined), 'ready');
    await request(h.app).get('/v1/operator/audit').set('authorization', operator()).expect(200);
  });
});

describe('a Temporal outage: the dev server stops, every workflow-backed endpoint answers 503 quickly', () => {
  let server: TestWorkflowEnvironment | undefined;
  let dataDir: string;
  let port: number;
  let h: ApiHarness;
  const customer = `customer-${randomUUID()}`;
  const vendorId = `vendor-${randomUUID().slice(0, 8)}`;
  const bearer = (principal: Parameters<ApiHarness['token']>[0]) => `Bearer ${h.token(principal)}`;
  const asOperator = () => bearer({ role: 'operator', sub: 'op-1' });
  const asCustomer = () => bearer({ role: 'customer', sub: customer });
  const asVendor = () => bearer({ role: 'vendor', sub: 'seller', vendorId });

  const start = async () => {
    server = await startDevServer({ dataDir, port });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'loan-engine-outage-'));
    port = await freePort();
    await start();
    h = await startApiHarness({}, { temporalAddress: `127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await h?.stop().catch(() => undefined); // the worker may have given up during the outage
    await server?.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('503 problem+json with Retry-After within seconds; readiness says so; all answer again after the outage', async () => {
    const apply = async () => {
      const person = newPerson();
      const res = await createApplication(h, asVendor(), person);
      const mail = await eventually(async () => {
        const items = (await request(h.app).get('/v1/sandbox/emails').query({ to: person.email })).body.items as {
          text: string;
        }[];
        return items.find((m) => m.text.includes(res.body.id));
      }, 'the invitation mail');
      return {
        id: res.body.id as string,
        reference: res.body.reference as string,
        inviteCode: decodeURIComponent(/invite=([\w%-]+)/.exec(mail.text)![1]!),
      };
    };
    // One application its applicant has identified for (answers), one not yet (identification).
    const identified = await apply();
    const order = await request(h.app)
      .post(`/v1/applications/${identified.id}/identification`)
      .set('authorization', asCustomer())
      .send({ inviteCode: identified.inviteCode })
      .expect(202);
    await request(h.app).post(`/v1/sandbox/bankid/orders/${order.body.orderRef}/complete`).send({}).expect(200);
    await eventually(async () => {
      const res = await request(h.app).get(`/v1/applications/${identified.id}`).set('authorization', asCustomer());
      return res.status === 200 && res.body.applicants[0].identified ? true : undefined;
    }, 'identification');
    const invited = await apply();
    const loanId = await loanRow(h, customer);
    const complaint = await insertComplaint(h.db, {
      id: randomUUID(),
      loanId,
      customerId: customer,
      workflowId: `complaint-${randomUUID()}`,
      receivedOn: today(),
      escalateOn: addDays(today(), 10),
      answerDueOn: addDays(today(), 14),
      subject: 's',
      text: 't',
    });

    await server!.teardown();
    server = undefined;

    const calls: [string, () => request.Test][] = [
      [
        'create an application',
        () =>
          request(h.app)
            .post('/v1/applications')
            .set('authorization', asVendor())
            .send({
              amount: '100000',
              termMonths: 60,
              noticeChannel: 'e-invoice',
              applicants: [{ personnummer: newPerson().personnummer, email: 'b@example.com', phone: '0701234568' }],
            }),
      ],
      [
        'send a reminder',
        () =>
          request(h.app).post(`/v1/applications/${identified.id}/reminders`).set('authorization', asVendor()).send({}),
      ],
      [
        'delete an application',
        () => request(h.app).delete(`/v1/applications/${identified.id}`).set('authorization', asVendor()),
      ],
      [
        'identify an applicant',
        () =>
          request(h.app)
            .post(`/v1/applications/${invited.id}/identification`)
            .set('authorization', bearer({ role: 'customer', sub: `customer-${randomUUID()}` }))
            .send({ inviteCode: invited.inviteCode }),
      ],
      [
        'save answers',
        () =>
          request(h.app)
            .put(`/v1/applications/${identified.id}/answers`)
            .set('authorization', asCustomer())
            .send({ employment: 'permanent' }),
      ],
      [
        'change a loan’s rate',
        () =>
          request(h.app)
            .post(`/v1/operator/loans/${loanId}/rate-changes`)
            .set('authorization', asOperator())
            .send({
              changeId: `c-${randomUUID()}`,
              newNominalRatePercent: '10.50',
              effectiveFrom: earliestChangeEffectiveDate(today()),
            }),
      ],
      [
        'quote an early repayment',
        () =>
          request(h.app)
            .post(`/v1/loans/${loanId}/early-repayment/quotes`)
            .set('authorization', asCustomer())
            .send({ kind: 'whole' }),
      ],
      [
        'ask for a payment-free month',
        () =>
          request(h.app).post(`/v1/loans/${loanId}/payment-free-months`).set('authorization', asCustomer()).send({}),
      ],
      [
        'file a complaint',
        () =>
          request(h.app)
            .post(`/v1/loans/${loanId}/complaints`)
            .set('authorization', asCustomer())
            .send({ subject: 's', text: 't' }),
      ],
      [
        'answer a complaint',
        () =>
          request(h.app)
            .post(`/v1/operator/complaints/${complaint.id}/answer`)
            .set('authorization', asOperator())
            .send({ answer: 'Svar.' }),
      ],
      [
        'start diagnostics',
        () => request(h.app).post('/v1/operator/diagnostics').set('authorization', asOperator()).send({}),
      ],
    ];
    for (const [what, call] of calls) {
      const began = Date.now();
      const res = await call();
      const observed = {
        what,
        status: res.status,
        type: res.headers['content-type'],
        retryAfter: res.headers['retry-after'],
        quick: Date.now() - began < 8_000,
      };
      expect(observed).toEqual({
        what,
        status: 503,
        type: expect.stringMatching(/^application\/problem\+json/),
        retryAfter: expect.stringMatching(/^\d+$/),
        quick: true,
      });
    }
    const ready = await request(h.app).get('/readyz').expect(503);
    expect(ready.body.checks.temporal.status).toBe('failing');

    await start();
    await eventually(async () => ((await request(h.app).get('/readyz')).status === 200 ? true : undefined), 'ready');
    const deleted = await eventually(async () => {
      const res = await request(h.app).delete(`/v1/applications/${identified.id}`).set('authorization', asVendor());
      return res.status === 503 ? undefined : res;
    }, 'the application to be deletable again');
    expect(deleted.status).toBe(200);
    expect(
      (await h.client.workflow.getHandle(applicationWorkflowId(identified.reference)).describe()).status.name,
    ).toBe('COMPLETED');
  });
});

describe('after a Temporal outage, an application waiting for the bank’s confirmation recovers promptly', () => {
  let server: TestWorkflowEnvironment | undefined;
  let dataDir: string;
  let port: number;
  let h: ApiHarness;
  const vendorId = `vendor-${randomUUID().slice(0, 8)}`;
  const customer = `customer-${randomUUID()}`;
  const asVendor = () => `Bearer ${h.token({ role: 'vendor', sub: 'seller', vendorId })}`;
  const asCustomer = () => `Bearer ${h.token({ role: 'customer', sub: customer })}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'loan-engine-payout-outage-'));
    port = await freePort();
    server = await startDevServer({ dataDir, port });
    // The sandbox bank executes a payout only when the test says so.
    h = await startApiHarness({}, { temporalAddress: `127.0.0.1:${port}`, sandbox: { payoutExecutionDelayMs: null } });
  });
  afterAll(async () => {
    await h?.stop().catch(() => undefined);
    await server?.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const view = async (id: string) =>
    (await request(h.app).get(`/v1/applications/${id}`).set('authorization', asCustomer())).body as Record<string, any>;

  it('the bank confirms during the outage: the loan starts within seconds of Temporal’s return', async () => {
    const person = newPerson();
    await request(h.app)
      .post('/v1/sandbox/bureau/persons')
      .send({ personnummer: person.personnummer, taxedAnnualIncome: '540000.00' })
      .expect(201);
    const created = await createApplication(h, asVendor(), person);
    const id = created.body.id as string;
    const mail = await eventually(async () => {
      const items = (await request(h.app).get('/v1/sandbox/emails').query({ to: person.email })).body.items as {
        text: string;
      }[];
      return items.find((m) => m.text.includes(id));
    }, 'the invitation mail');
    const inviteCode = decodeURIComponent(/invite=([\w%-]+)/.exec(mail.text)![1]!);
    const order = await request(h.app)
      .post(`/v1/applications/${id}/identification`)
      .set('authorization', asCustomer())
      .send({ inviteCode })
      .expect(202);
    await request(h.app).post(`/v1/sandbox/bankid/orders/${order.body.orderRef}/complete`).send({}).expect(200);
    await eventually(async () => ((await view(id)).applicants?.[0]?.identified ? true : undefined), 'identified');
    await request(h.app)
      .post(`/v1/applications/${id}/submission`)
      .set('authorization', asCustomer())
      .send(goodAnswers())
      .expect(200);
    await eventually(async () => ((await view(id)).status === 'OFFERED' ? true : undefined), 'the offer');
    const sign = await request(h.app)
      .post(`/v1/applications/${id}/acceptance`)
      .set('authorization', asCustomer())
      .expect(202);
    await request(h.app).post(`/v1/sandbox/bankid/orders/${sign.body.orderRef}/complete`).send({}).expect(200);
    const accepted = await eventually(async () => {
      const v = await view(id);
      return v.payoutStatus === 'ACCEPTED' ? v : undefined;
    }, 'the payout accepted by the bank');
    const payoutId = (
      (await request(h.app).get('/v1/sandbox/payouts').expect(200)).body.items as {
        payoutId: string;
        idempotencyKey: string;
      }[]
    ).find((p) => p.idempotencyKey.includes(accepted.reference as string))!.payoutId;

    // Temporal goes down; meanwhile the bank executes the payout and the waiting attempt sees it.
    await server!.teardown();
    server = undefined;
    await request(h.app).post(`/v1/sandbox/payouts/${payoutId}/execute`).send({}).expect(200);
    await sleep(15_000);
    server = await startDevServer({ dataDir, port });
    const back = Date.now();
    await eventually(async () => ((await view(id)).status === 'PAID_OUT' ? true : undefined), 'the loan', 120_000);
    expect(Date.now() - back).toBeLessThan(40_000);
  });
});
