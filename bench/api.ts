/**
 * API under load: `npm run bench:api [-- --rates 50,100,200 --seconds 10 --only invoices]`.
 * Not a test; prints a table (stdout) and progress (stderr).
 *
 * The real Express app on a loopback port in this process, a scratch PostgreSQL, the local dev
 * server (in memory), and the worker in a process of its own as in production
 * (bench/api-worker-process.ts, which also runs the sandbox doubles; this process reaches them as
 * `npm run api` reaches a worker's). One borrower's loan is opened and invoiced twelve times
 * through the loan activities (so the overview, the invoices and the mailbox read real rows). Then
 * each endpoint is driven at fixed request rates, one endpoint and rate at a time, by an open
 * model (bench/open-load.ts: requests evenly spaced, at most 50 in flight, latency from when each
 * was due):
 *  - reads: the loan overview, its invoices, the borrower's mailbox (as the borrower);
 *  - writes: create an application (a vendor; a new person each request: a workflow starts), register
 *    a payment (an operator; a new bank reference each request: a payment workflow starts), a quote.
 * Targets at 200 rps on 2 cores: reads p99 ≤ 25 ms, writes p99 ≤ 60 ms, 0 errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createLoanActivities } from '../activities/loan';
import { connectToSandbox, type SandboxCredentials, type SandboxEndpoints } from '../adapters';
import { remoteSandboxSteering } from '../adapters/shared/steering';
import { createApp } from '../api/app';
import { signToken } from '../api/auth';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { addMonths } from '../domain/dates';
import { encryptionKeysSchema, parseConfig, PROJECT_ROOT } from '../platform/config';
import { createLogger } from '../platform/logger';
import { EncryptionCodec, generateEncryptionKeySpec } from '../platform/payload-codec';
import { createScratchDatabase } from '../platform/scratch-database';
import { apiConnectionOptions, encryptingDataConverter } from '../platform/temporal-connection';
import { startDevServer } from '../platform/temporal-servers';
import { newPerson } from '../test/support/application';
import { openLoad, quantile } from './open-load';

interface Options {
  rates: number[];
  seconds: number;
  /** Only the endpoints whose name contains this (profiling one path). */
  only?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { rates: [50, 100, 200], seconds: 10 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only') {
      options.only = argv[++i] ?? '';
      continue;
    }
    const values = (argv[i + 1] ?? '').split(',').map(Number);
    if (values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${arg} needs whole numbers ≥ 1`);
    if (arg === '--rates') options.rates = values;
    else if (arg === '--seconds') options.seconds = values[0]!;
    else throw new Error(`unknown option ${arg} (known: --rates R1,R2,…, --seconds S, --only TEXT)`);
    i++;
  }
  return options;
}

/**
 * The worker process (bench/api-worker-process.ts): started with tsx like `npm run worker`, ready
 * once it polls; it answers with where its sandbox doubles listen.
 */
async function startWorkerProcess(env: Record<string, string>): Promise<{
  child: ChildProcess;
  endpoints: SandboxEndpoints;
  credentials: SandboxCredentials;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/api-worker-process.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^READY (.*)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
  });
  return { child, ...(JSON.parse(ready) as { endpoints: SandboxEndpoints; credentials: SandboxCredentials }) };
}

/**
 * Waits until the worker has been idle for a second: the workflows an endpoint's run started (a
 * payment workflow per payment, an application's first steps) finish before the next run is timed.
 */
async function settle(child: ChildProcess): Promise<void> {
  const settled = new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      if (!d.toString().includes('SETTLED')) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
  });
  child.stdin!.write('SETTLE\n');
  await settled;
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
  const keySpec = generateEncryptionKeySpec('bench');
  const keys = encryptionKeysSchema.parse(keySpec);
  const dataConverter = encryptingDataConverter(keys);

  progress('starting PostgreSQL (scratch database), the dev server, the worker process and the API');
  const scratch = await createScratchDatabase('bench_api');
  const db = createDb(scratch.url, 10); // as `npm run api`
  await migrateToLatest(db);
  const server = await startDevServer({ dataConverter });
  const taskQueue = `bench-api-${randomUUID()}`;
  const worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: server.address,
    TASK_QUEUE: taskQueue,
    DATABASE_URL: scratch.url,
    PAYLOAD_ENCRYPTION_KEYS: keySpec,
  });
  const sandbox = connectToSandbox(worker.endpoints, worker.credentials);
  const connection = await Connection.connect({ address: server.address, ...apiConnectionOptions() });
  const client = new Client({ connection, dataConverter });
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
    sandbox: remoteSandboxSteering(worker.endpoints.steeringBaseUrl, worker.credentials.steeringToken),
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

  // Warm-up, not measured: each endpoint for 2 s at 50 rps, so the first rows do not time the JIT.
  const measured = endpoints.filter((x) => !options.only || x.name.includes(options.only));
  for (const e of measured)
    await openLoad({ base, rate: 50, seconds: 2, connections: 50, drainMs: 10_000, request: e.request });

  const rows: string[][] = [];
  for (const rate of options.rates) {
    for (const e of measured) {
      await settle(worker.child);
      progress(`${e.name} at ${rate} rps for ${options.seconds} s`);
      const cpuBefore = process.cpuUsage();
      const result = await openLoad({
        base,
        rate,
        seconds: options.seconds,
        connections: 50,
        drainMs: 10_000,
        request: e.request,
      });
      // Requests still unanswered 10 s after the last was due count as errors too (a stalled server).
      const cpu = process.cpuUsage(cpuBefore);
      const errors = result.errors + result.non2xx + result.unanswered;
      const answered = result.latencies.length;
      const p99 = quantile(result.latencies, 0.99);
      const target = e.kind === 'read' ? 25 : 60;
      rows.push([
        e.name,
        e.kind,
        `${rate}`,
        (answered / options.seconds).toFixed(0),
        quantile(result.latencies, 0.5).toFixed(0),
        p99.toFixed(0),
        quantile(result.latencies, 1).toFixed(0),
        `${errors}`,
        answered > 0 ? ((cpu.user + cpu.system) / 1000 / answered).toFixed(2) : '',
        rate === 200 ? (answered > 0 && p99 <= target && errors === 0 ? 'met' : `missed (p99 ≤ ${target})`) : '',
      ]);
    }
  }

  const header = [
    'endpoint',
    'kind',
    'rps asked',
    'rps done',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors + unanswered',
    'cpu ms/req',
    'target at 200',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c < 2 || c === 9 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  process.stdout.write(
    [
      '',
      `bench:api — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${options.seconds} s per endpoint and rate, 50 connections`,
      `PostgreSQL: ${scratch.server}; Temporal: dev server (in memory); the API and the worker in processes of their own`,
      'cpu ms/req: this process (the API and the load) per answered request, on any core; the worker runs apart',
      `load: open model, evenly spaced requests, latency from when each was due; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      '',
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(line),
      '',
    ].join('\n'),
  );

  // A request still waiting on Temporal may retry its call after the last row: the connection is
  // left to the process's exit, closing it under a pending retry throws from a timer.
  http.closeAllConnections();
  http.close();
  await sandbox.stop();
  if (worker.child.exitCode === null) {
    // The worker drains what it is running on SIGTERM; a backlog of payment workflows on the one
    // loan can take minutes, so after 10 s it is killed (the dev server and its state go next).
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    const drained = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!drained) {
      worker.child.kill('SIGKILL');
      await exited;
    }
  }
  await server.teardown();
  await db.destroy();
  await scratch.drop();
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`bench:api failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
