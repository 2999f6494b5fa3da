/**
 * API under load (issue 16): `npm run bench:api [-- --rates 50,100,200 --seconds 10]`. Not a test;
 * prints a table (stdout) and progress (stderr).
 *
 * The real Express app on a loopback port, a scratch PostgreSQL, the local dev server (in memory)
 * and one worker with the sandbox doubles, all in this process but the dev server. One borrower's
 * loan is opened and invoiced twelve times through the loan activities (so the overview, the
 * invoices and the mailbox read real rows). Then autocannon drives each endpoint at fixed request
 * rates (open model: `overallRate`, 50 connections), one endpoint and rate at a time:
 *  - reads: the loan overview, its invoices, the borrower's mailbox (as the borrower);
 *  - writes: create an application (a vendor; a new person each request: a workflow starts), register
 *    a payment (an operator; a new bank reference each request: a payment workflow starts), a quote.
 * Targets at 200 rps on 2 cores: reads p99 ≤ 25 ms, writes p99 ≤ 60 ms, 0 errors.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import autocannon from 'autocannon';
import { createLoanActivities } from '../activities/loan';
import { createSandboxAdapters } from '../adapters';
import { createApp } from '../api/app';
import { signToken } from '../api/auth';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { addMonths } from '../domain/dates';
import { encryptionKeysSchema, parseConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { EncryptionCodec, generateEncryptionKeySpec } from '../platform/payload-codec';
import { createScratchDatabase } from '../platform/scratch-database';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { startDevServer } from '../platform/temporal-servers';
import { newPerson } from '../test/support/application';
import { createToolWorker } from '../workers/create-worker';

interface Options {
  rates: number[];
  seconds: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { rates: [50, 100, 200], seconds: 10 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const values = (argv[i + 1] ?? '').split(',').map(Number);
    if (values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${arg} needs whole numbers ≥ 1`);
    if (arg === '--rates') options.rates = values;
    else if (arg === '--seconds') options.seconds = values[0]!;
    else throw new Error(`unknown option ${arg} (known: --rates R1,R2,…, --seconds S)`);
    i++;
  }
  return options;
}

const progress = (message: string) => process.stderr.write(`[bench:api] ${message}\n`);
const JWT_SECRET = 'bench-api-secret-bench-api-secret-0123456789';

interface Endpoint {
  name: string;
  kind: 'read' | 'write';
  request: () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const keys = encryptionKeysSchema.parse(generateEncryptionKeySpec('bench'));
  const dataConverter = encryptingDataConverter(keys);

  progress('starting PostgreSQL (scratch database), the dev server, the worker and the API');
  const scratch = await createScratchDatabase('bench_api');
  const db = createDb(scratch.url, 20);
  await migrateToLatest(db);
  const server = await startDevServer({ dataConverter });
  const sandbox = await createSandboxAdapters();
  const taskQueue = `bench-api-${randomUUID()}`;
  const worker = await createToolWorker({
    connection: server.nativeConnection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    deps: { db, adapters: sandbox.adapters, application: { bankIdPollIntervalMs: 250 } },
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection, dataConverter });
  const config = parseConfig({
    ENGINE_MODE: 'sandbox',
    TEMPORAL_TASK_QUEUE: taskQueue,
    JWT_SECRET,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_IDENTIFICATION_PER_MINUTE: '1000000',
    RATE_LIMIT_QUOTES_PER_MINUTE: '1000000',
    RATE_LIMIT_BAD_TOKENS_PER_MINUTE: '1000000',
  });
  const app = createApp({
    config,
    db,
    temporal: client,
    codec: new EncryptionCodec(keys),
    jwtSecret: JWT_SECRET,
    logger: createLogger('silent'),
    sandbox: sandbox.sandbox,
    bankId: sandbox.adapters.bankId,
  });
  const http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  progress('one loan, opened and invoiced twelve times through the loan activities');
  const loans = createLoanActivities(db);
  const loanId = randomUUID();
  const customerId = `bench-customer-${loanId}`;
  const contractNumber = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
  const payoutDate = '2026-01-10';
  const { ocrReference } = await loans.openLoan({
    loanId,
    contractNumber,
    customerId,
    amount: '100000.00',
    termMonths: 60,
    nominalRatePercent: '7.75',
    noticeChannel: 'e-invoice',
    payoutDate,
    capitalisedInterest: '0.00',
    monthlyPayment: '2016.00',
  });
  for (let n = 1; n <= 12; n++)
    await loans.issueInvoice({
      loanId,
      idempotencyKey: `${loanId}:invoice:${n}`,
      number: n,
      issueDate: addMonths(payoutDate, n - 1),
      dueDate: addMonths(payoutDate, n),
      isLast: false,
    });

  const json = { 'content-type': 'application/json' };
  const borrower = { authorization: `Bearer ${signToken(JWT_SECRET, { role: 'customer', sub: customerId })}` };
  const operator = { authorization: `Bearer ${signToken(JWT_SECRET, { role: 'operator', sub: 'bench-op' })}` };
  const vendor = {
    authorization: `Bearer ${signToken(JWT_SECRET, { role: 'vendor', sub: 'bench-seller', vendorId: 'bench-vendor' })}`,
  };
  const endpoints: Endpoint[] = [
    {
      name: 'GET /v1/loans/{loanId}',
      kind: 'read',
      request: () => ({ method: 'GET', path: `/v1/loans/${loanId}`, headers: borrower }),
    },
    {
      name: 'GET /v1/loans/{loanId}/invoices',
      kind: 'read',
      request: () => ({ method: 'GET', path: `/v1/loans/${loanId}/invoices`, headers: borrower }),
    },
    {
      name: 'GET /v1/mailbox',
      kind: 'read',
      request: () => ({ method: 'GET', path: '/v1/mailbox', headers: borrower }),
    },
    {
      name: 'POST /v1/applications',
      kind: 'write',
      request: () => {
        const p = newPerson();
        return {
          method: 'POST',
          path: '/v1/applications',
          headers: { ...vendor, ...json },
          body: JSON.stringify({
            amount: '100000',
            termMonths: 60,
            noticeChannel: 'e-invoice',
            applicants: [{ personnummer: p.personnummer, email: p.email, phone: p.phone }],
          }),
        };
      },
    },
    {
      name: 'POST /v1/payments',
      kind: 'write',
      request: () => ({
        method: 'POST',
        path: '/v1/payments',
        headers: { ...operator, ...json },
        body: JSON.stringify({
          bankReference: `bench-${randomUUID()}`,
          ocrReference,
          amount: '10.00',
          paymentDate: '2026-02-01',
        }),
      }),
    },
    {
      name: 'POST /v1/quotes',
      kind: 'write',
      request: () => ({
        method: 'POST',
        path: '/v1/quotes',
        headers: json,
        body: JSON.stringify({
          amount: '100000',
          termMonths: 60,
          nominalRatePercent: '9.95',
          noticeChannel: 'autogiro',
          payoutDate: '2026-03-10',
        }),
      }),
    },
  ];

  // Each endpoint answers once before it is measured (and must answer 2xx).
  for (const e of endpoints) {
    const r = e.request();
    const res = await fetch(`${base}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
    if (!res.ok) throw new Error(`${e.name} answered ${res.status}: ${await res.text()}`);
  }

  const rows: string[][] = [];
  for (const rate of options.rates) {
    for (const e of endpoints) {
      progress(`${e.name} at ${rate} rps for ${options.seconds} s`);
      const result = await autocannon({
        url: base,
        connections: 50,
        overallRate: rate,
        duration: options.seconds,
        requests: [{ setupRequest: (req) => ({ ...req, ...e.request() }) }],
      });
      // Requests still unanswered when the run ends count as errors too (a stalled server).
      const unanswered = Math.max(0, Math.round(rate * options.seconds * 0.9) - result.requests.total);
      const errors = result.errors + result.timeouts + result.non2xx + unanswered;
      const target = e.kind === 'read' ? 25 : 60;
      rows.push([
        e.name,
        e.kind,
        `${rate}`,
        (result.requests.total / options.seconds).toFixed(0),
        result.latency.p50.toFixed(0),
        result.latency.p99.toFixed(0),
        result.latency.max.toFixed(0),
        `${errors}`,
        rate === 200
          ? result.requests.total > 0 && result.latency.p99 <= target && errors === 0
            ? 'met'
            : `missed (p99 ≤ ${target})`
          : '',
      ]);
    }
  }

  http.close();
  worker.shutdown();
  await running;
  await sandbox.stop();
  await server.teardown();
  await db.destroy();
  await scratch.drop();

  const header = [
    'endpoint',
    'kind',
    'rps asked',
    'rps done',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors + unanswered',
    'target at 200',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c < 2 || c === 8 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  process.stdout.write(
    [
      '',
      `bench:api — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${options.seconds} s per endpoint and rate, 50 connections`,
      `PostgreSQL: ${scratch.server}; Temporal: dev server (in memory); the API and the worker share this process`,
      '',
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(line),
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`bench:api failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
