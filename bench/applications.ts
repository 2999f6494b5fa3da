/**
 * Application benchmark (docs/benchmarks.md): `npm run bench:applications [-- --applications N --concurrency C]`.
 * Not a test; prints a table (stdout) and progress (stderr).
 *
 * On the local dev server (in memory), one worker, a scratch PostgreSQL and the sandbox doubles:
 * N applications end to end (create → identify with BankID → submit → credit check → offer → sign
 * with BankID → payout → loan workflow started), C at a time, with the "customer" acting at once
 * (BankID orders completed through the sandbox as soon as they exist). Then, on the same server in
 * the same run, N baseline workflows with as many no-op activities as one application runs. Prints
 * both rates, their ratio, and the p50/p99 time from submission to payout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createSandboxAdapters } from '../adapters';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { applicationReference } from '../domain/application';
import { createScratchDatabase } from '../platform/scratch-database';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { startDevServer } from '../platform/temporal-servers';
import { generateEncryptionKeySpec } from '../platform/payload-codec';
import { encryptionKeysSchema } from '../platform/config';
import { goodAnswers, newPerson } from '../test/support/application';
import { createToolWorker } from '../workers/create-worker';
import { applicationWorkflow } from '../workflows/application';
import {
  acceptOfferUpdate,
  answersUpdate,
  applicationViewQuery,
  identifyUpdate,
} from '../workflows/application-messages';
import { type ApplicationInput, applicationWorkflowId } from '../domain/application-state';
import { applicationBaselineWorkflow } from '../workflows/application-bench';

interface Options {
  applications: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { applications: 200, concurrency: 20 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const n = Number(argv[i + 1]);
    if (arg === '--applications' || arg === '--concurrency') {
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a whole number ≥ 1`);
      if (arg === '--applications') options.applications = n;
      else options.concurrency = n;
      i++;
    } else throw new Error(`unknown option ${arg} (known: --applications N, --concurrency C)`);
  }
  return options;
}

const progress = (message: string) => process.stderr.write(`[bench:applications] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const keys = encryptionKeysSchema.parse(generateEncryptionKeySpec('bench'));
  const dataConverter = encryptingDataConverter(keys);

  progress('starting PostgreSQL (scratch database), the dev server and the sandbox doubles');
  const scratch = await createScratchDatabase('bench_applications');
  const db = createDb(scratch.url, 20);
  await migrateToLatest(db);
  const server = await startDevServer({ dataConverter });
  const sandbox = await createSandboxAdapters();
  const taskQueue = `bench-applications-${randomUUID()}`;
  const worker = await createToolWorker({
    connection: server.nativeConnection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    deps: { db, adapters: sandbox.adapters, application: { bankIdPollIntervalMs: 250 } },
    tuning: { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 200 },
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection, dataConverter });

  /** The customer completes each BankID order as soon as it exists. */
  let stopBankId = false;
  const completing = (async () => {
    const done = new Set<string>();
    while (!stopBankId) {
      for (const order of await sandbox.sandbox.bankId.listOrders())
        if (order.status === 'pending' && !done.has(order.orderRef)) {
          done.add(order.orderRef);
          await sandbox.sandbox.bankId.completeOrder(order.orderRef).catch(() => undefined);
        }
      await sleep(20);
    }
  })();

  const submitToPayout: number[] = [];
  let activitiesPerApplication = 0;
  let eventsPerApplication = 0;
  const one = async () => {
    const p = newPerson();
    await sandbox.sandbox.bureau.registerPerson(p.personnummer, { taxedAnnualIncome: '540000.00' });
    const customerId = `bench-${randomUUID()}`;
    const input: ApplicationInput = {
      applicationId: randomUUID(),
      reference: applicationReference([...randomBytes(9)]),
      createdBy: 'customer',
      vendorId: null,
      creatorCustomerId: customerId,
      amount: '100000.00',
      termMonths: 60,
      noticeChannel: 'e-invoice',
      applicants: [{ ...p, customerId, inviteCode: null }],
      consolidation: [],
      linkBaseUrl: 'http://localhost:3000/apply',
    };
    const h = await client.workflow.start(applicationWorkflow, {
      taskQueue,
      workflowId: applicationWorkflowId(input.reference),
      args: [input],
    });
    await h.executeUpdate(identifyUpdate, { args: [{ applicantIndex: 0, customerId, endUserIp: '127.0.0.1' }] });
    while (!(await h.query(applicationViewQuery)).applicants[0]!.identified) await sleep(50);
    const submittedAt = performance.now();
    await h.executeUpdate(answersUpdate, {
      args: [{ applicantIndex: 0, customerId, answers: goodAnswers(), submit: true }],
    });
    while ((await h.query(applicationViewQuery)).status !== 'OFFERED') await sleep(50);
    await h.executeUpdate(acceptOfferUpdate, { args: [{ applicantIndex: 0, customerId, endUserIp: '127.0.0.1' }] });
    const outcome = await h.result();
    if (outcome.status !== 'PAID_OUT') throw new Error(`application ended ${outcome.status}`);
    submitToPayout.push(performance.now() - submittedAt);
    if (activitiesPerApplication === 0) {
      const events = (await h.fetchHistory()).events ?? [];
      eventsPerApplication = events.length;
      activitiesPerApplication = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
    }
  };

  progress('warming up (one application)');
  await one();
  submitToPayout.length = 0;

  progress(`${options.applications} applications, ${options.concurrency} at a time`);
  const appStart = performance.now();
  await pool(
    Array.from({ length: options.applications }, (_, i) => i),
    options.concurrency,
    one,
  );
  const appSeconds = (performance.now() - appStart) / 1000;
  stopBankId = true;
  await completing;

  progress(`${options.applications} baseline workflows of ${activitiesPerApplication} no-op activities`);
  const baseStart = performance.now();
  await pool(
    Array.from({ length: options.applications }, (_, i) => i),
    options.concurrency,
    async () => {
      await client.workflow.execute(applicationBaselineWorkflow, {
        taskQueue,
        workflowId: `bench-baseline-${randomUUID()}`,
        args: [activitiesPerApplication],
      });
    },
  );
  const baseSeconds = (performance.now() - baseStart) / 1000;

  const payouts = (await sandbox.sandbox.bankPayout.listPayouts()).length;
  worker.shutdown();
  await running;
  await sandbox.stop();
  await server.teardown();
  await db.destroy();
  await scratch.drop();

  const sorted = [...submitToPayout].sort((a, b) => a - b);
  const appRate = options.applications / appSeconds;
  const baseRate = options.applications / baseSeconds;
  const rows = [
    ['applications (create → paid out)', `${options.applications}`, appSeconds.toFixed(1), appRate.toFixed(2)],
    [
      `baseline (${activitiesPerApplication} no-op activities)`,
      `${options.applications}`,
      baseSeconds.toFixed(1),
      baseRate.toFixed(2),
    ],
  ];
  const header = ['section', 'workflows', 'seconds', 'per second'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  const out = [
    '',
    `bench:applications — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, concurrency ${options.concurrency}`,
    `PostgreSQL: ${scratch.server}; Temporal: dev server (in memory); BankID collect every 250 ms`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `ratio applications / baseline: ${(appRate / baseRate).toFixed(2)}`,
    `per application: ${activitiesPerApplication} activities, ${eventsPerApplication} history events; payouts at the bank: ${payouts} (one per application, the warm-up's included)`,
    `submit → payout (ms): p50 ${percentile(sorted, 50).toFixed(0)}, p99 ${percentile(sorted, 99).toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().catch((err) => {
  process.stderr.write(`bench:applications failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
