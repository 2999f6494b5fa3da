/**
 * Application benchmark (docs/benchmarks.md):
 * `npm run bench:applications [-- --applications N --concurrency C1,C2,…]`.
 * Not a test; prints a table (stdout) and progress (stderr).
 *
 * On the local dev server (in memory), one worker, a scratch PostgreSQL and the sandbox doubles:
 * N applications end to end (create → identify with BankID → submit → credit check → offer → sign
 * with BankID → payout → loan workflow started), C at a time, with the "customer" acting at once
 * (BankID orders completed through the sandbox as soon as they exist). Then, on the same server in
 * the same run, N baseline workflows with as many no-op activities as one application runs. Both
 * at each concurrency of a sweep (default 20, 50, 100, 200), so each one's plateau shows (issue
 * 16: at low concurrency the run measures waiting, not the engine). Prints both rates per level,
 * their ratio, each plateau, and the p50/p99 time from submission to payout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client, type WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
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
  concurrencies: number[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { applications: 200, concurrencies: [20, 50, 100, 200] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const values = (argv[i + 1] ?? '').split(',').map(Number);
    if (arg === '--applications' || arg === '--concurrency') {
      if (values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${arg} needs whole numbers ≥ 1`);
      if (arg === '--applications') options.applications = values[0]!;
      else options.concurrencies = values;
      i++;
    } else throw new Error(`unknown option ${arg} (known: --applications N, --concurrency C1,C2,…)`);
  }
  return options;
}

const progress = (message: string) => process.stderr.write(`[bench:applications] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An update, repeated under the same update id when the server's deadline passes first (a saturated
 * server): the workflow runs it once, the repeat returns its result.
 */
async function updateOnce<R, A extends [any, ...any[]]>(
  h: WorkflowHandle,
  def: UpdateDefinition<R, A>,
  args: A,
): Promise<R> {
  const updateId = randomUUID();
  for (;;) {
    try {
      return await h.executeUpdate(def, { args, updateId });
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
    }
  }
}

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
  let localActivitiesPerApplication = 0;
  let eventsPerApplication = 0;
  const eventsByType = new Map<string, number>();
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
    await updateOnce(h, identifyUpdate, [{ applicantIndex: 0, customerId, endUserIp: '127.0.0.1' }]);
    while (!(await h.query(applicationViewQuery)).applicants[0]!.identified) await sleep(50);
    const submittedAt = performance.now();
    await updateOnce(h, answersUpdate, [{ applicantIndex: 0, customerId, answers: goodAnswers(), submit: true }]);
    while ((await h.query(applicationViewQuery)).status !== 'OFFERED') await sleep(50);
    await updateOnce(h, acceptOfferUpdate, [{ applicantIndex: 0, customerId, endUserIp: '127.0.0.1' }]);
    const outcome = await h.result();
    if (outcome.status !== 'PAID_OUT') throw new Error(`application ended ${outcome.status}`);
    submitToPayout.push(performance.now() - submittedAt);
    if (activitiesPerApplication === 0) {
      const events = (await h.fetchHistory()).events ?? [];
      eventsPerApplication = events.length;
      for (const e of events) {
        const type = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'other';
        eventsByType.set(type, (eventsByType.get(type) ?? 0) + 1);
      }
      activitiesPerApplication = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
      localActivitiesPerApplication = events.filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      ).length;
    }
  };

  progress('warming up (one application)');
  await one();
  submitToPayout.length = 0;

  interface Level {
    concurrency: number;
    appSeconds: number;
    baseSeconds: number;
    p50: number;
    p99: number;
  }
  const levels: Level[] = [];
  const items = Array.from({ length: options.applications }, (_, i) => i);
  for (const concurrency of options.concurrencies) {
    submitToPayout.length = 0;
    progress(`${options.applications} applications, ${concurrency} at a time`);
    const appStart = performance.now();
    await pool(items, concurrency, one);
    const appSeconds = (performance.now() - appStart) / 1000;
    progress(
      `${options.applications} baseline workflows of ${activitiesPerApplication} no-op activities and ${localActivitiesPerApplication} local ones, ${concurrency} at a time`,
    );
    const baseStart = performance.now();
    await pool(items, concurrency, async () => {
      await client.workflow.execute(applicationBaselineWorkflow, {
        taskQueue,
        workflowId: `bench-baseline-${randomUUID()}`,
        args: [activitiesPerApplication, localActivitiesPerApplication],
      });
    });
    const baseSeconds = (performance.now() - baseStart) / 1000;
    const sorted = [...submitToPayout].sort((a, b) => a - b);
    levels.push({ concurrency, appSeconds, baseSeconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
  }
  stopBankId = true;
  await completing;

  const payouts = (await sandbox.sandbox.bankPayout.listPayouts()).length;
  worker.shutdown();
  await running;
  await sandbox.stop();
  await server.teardown();
  await db.destroy();
  await scratch.drop();

  const rate = (seconds: number) => options.applications / seconds;
  const rows = levels.map((l) => [
    `${l.concurrency}`,
    rate(l.appSeconds).toFixed(2),
    rate(l.baseSeconds).toFixed(2),
    (rate(l.appSeconds) / rate(l.baseSeconds)).toFixed(2),
    (l.p50 / 1000).toFixed(1),
    (l.p99 / 1000).toFixed(1),
  ]);
  const plateau = (pick: (l: Level) => number) => levels.reduce((best, l) => (pick(l) < pick(best) ? l : best));
  const appPlateau = plateau((l) => l.appSeconds);
  const basePlateau = plateau((l) => l.baseSeconds);
  const header = [
    'concurrency',
    'applications/s',
    `baseline/s (${activitiesPerApplication} + ${localActivitiesPerApplication} local no-op activities)`,
    'ratio',
    'submit→payout p50 s',
    'p99 s',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => s.padStart(widths[c]!)).join('  ');
  const out = [
    '',
    `bench:applications — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${options.applications} workflows per level`,
    `PostgreSQL: ${scratch.server}; Temporal: dev server (in memory); BankID collect every 250 ms`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `plateau: applications ${rate(appPlateau.appSeconds).toFixed(2)}/s (concurrency ${appPlateau.concurrency}), baseline ${rate(basePlateau.baseSeconds).toFixed(2)}/s (concurrency ${basePlateau.concurrency}); ratio at the plateaus ${(rate(appPlateau.appSeconds) / rate(basePlateau.baseSeconds)).toFixed(2)} (target ≥ 0.80)`,
    `per application: ${activitiesPerApplication} activities and ${localActivitiesPerApplication} local ones, ${eventsPerApplication} history events (target ≤ 120); payouts at the bank: ${payouts} (one per application, the warm-up's included)`,
    `history events by type: ${[...eventsByType]
      .sort((a, b) => b[1] - a[1])
      .map(([type, n]) => `${type.replace(/EventAttributes$/, '')} ${n}`)
      .join(', ')}`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().catch((err) => {
  process.stderr.write(`bench:applications failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
