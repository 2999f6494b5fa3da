/**
 * Application benchmark (docs/benchmarks.md):
 * `npm run bench:applications [-- --applications N --concurrency C1,C2,…]`.
 * Not a test; prints a table (stdout) and progress (stderr).
 *
 * On the local dev server (in memory), one worker, a scratch PostgreSQL and the sandbox doubles:
 * N applications end to end (create → identify with BankID → submit → credit check → offer → sign
 * with BankID → payout → loan workflow started), C at a time, with the "customer" acting at once
 * (it completes each BankID order the update started, by its orderRef, through the sandbox's
 * steering, and reads the application's progress from the projection, as the API's GET does).
 * Then, on the same server in the same run, N baseline workflows with as many no-op activities as
 * one application runs. Both at each concurrency of a sweep (default 20, 50, 100, 200), so each
 * one's plateau shows (at low concurrency the run measures waiting, not the engine).
 * Prints both rates per level, their ratio, each plateau, the p50/p99 time from submission to
 * payout, and where the time goes (bench/attribution.ts): CPU by thread and process, activities,
 * statements. The sandbox doubles run in a child process (`--doubles own-process`, the default, as
 * beside `npm run worker` when `npm run api` owns them) or in this one (`--doubles in-process`).
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client, type WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  connectToSandbox,
  createSandboxAdapters,
  type SandboxCredentials,
  type SandboxEndpoints,
  type SandboxSteering,
} from '../adapters';
import { remoteSandboxSteering } from '../adapters/shared/steering';
import { findApplication, listApplicants } from '../db/application-repository';
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
import { acceptOfferUpdate, answersUpdate, identifyUpdate } from '../workflows/application-messages';
import { type ApplicationInput, applicationWorkflowId } from '../domain/application-state';
import { applicationBaselineWorkflow } from '../workflows/application-bench';
import { loanWorkflowId } from '../workflows/loan-messages';
import {
  type ActivityTimes,
  activityTimer,
  type CpuSample,
  cpuDelta,
  cpuSampler,
  statementCounter,
} from './attribution';

interface Options {
  applications: number;
  concurrencies: number[];
  doubles: 'own-process' | 'in-process';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { applications: 200, concurrencies: [20, 50, 100, 200], doubles: 'own-process' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const values = (argv[i + 1] ?? '').split(',').map(Number);
    if (arg === '--doubles') {
      const value = argv[i + 1];
      if (value !== 'own-process' && value !== 'in-process')
        throw new Error('--doubles needs own-process or in-process');
      options.doubles = value;
      i++;
    } else if (arg === '--applications' || arg === '--concurrency') {
      if (values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${arg} needs whole numbers ≥ 1`);
      if (arg === '--applications') options.applications = values[0]!;
      else options.concurrencies = values;
      i++;
    } else
      throw new Error(
        `unknown option ${arg} (known: --applications N, --concurrency C1,C2,…, --doubles own-process|in-process)`,
      );
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

/** The doubles in a child process (bench/sandbox-process.ts): real clients and steering over HTTP. */
async function doublesInOwnProcess() {
  const child = fork(require.resolve('./sandbox-process'), [], { execArgv: process.execArgv, stdio: 'inherit' });
  const started = await new Promise<{ endpoints: SandboxEndpoints; credentials: SandboxCredentials }>(
    (resolve, reject) => {
      child.once('message', (m) => resolve(m as { endpoints: SandboxEndpoints; credentials: SandboxCredentials }));
      child.once('exit', (code) => reject(new Error(`the sandbox process ended (${code})`)));
    },
  );
  const clients = connectToSandbox(started.endpoints, started.credentials);
  const ended = new Promise((r) => child.once('exit', r));
  return {
    adapters: clients.adapters,
    sandbox: remoteSandboxSteering(started.endpoints.steeringBaseUrl, started.credentials.steeringToken),
    pid: child.pid!,
    stop: async () => {
      await clients.stop();
      child.disconnect();
      await ended;
    },
  };
}

/** A database URL whose connections PostgreSQL lists under `name` (pg_stat_activity.application_name). */
function named(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/** What one phase (applications or baseline) of one level cost; summed over the levels. */
interface PhaseCost {
  workflows: number;
  seconds: number;
  cpu: CpuSample;
  activities: ActivityTimes;
  statements: Map<string, number>;
}

const emptyCost = (): PhaseCost => ({
  workflows: 0,
  seconds: 0,
  cpu: new Map(),
  activities: {},
  statements: new Map(),
});

function addInto(into: Map<string, number>, from: Map<string, number>, sign = 1): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + sign * v);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const keys = encryptionKeysSchema.parse(generateEncryptionKeySpec('bench'));
  const dataConverter = encryptingDataConverter(keys);
  const loadBefore = os.loadavg();

  progress(`starting PostgreSQL (scratch database), the dev server and the sandbox doubles (${options.doubles})`);
  const scratch = await createScratchDatabase('bench_applications');
  const statements = statementCounter();
  const engineDb = createDb(named(scratch.url, 'bench-engine'), 20);
  const db = engineDb.withPlugin(statements.plugin);
  /** The customer's reads and the benchmark's own counters (not the engine's). */
  const customerDb = createDb(named(scratch.url, 'bench-customer'), 5);
  await migrateToLatest(engineDb);
  const server = await startDevServer({ dataConverter });
  const doubles =
    options.doubles === 'own-process'
      ? await doublesInOwnProcess()
      : { ...(await createSandboxAdapters()), pid: undefined };
  const steering: SandboxSteering = doubles.sandbox;
  const taskQueue = `bench-applications-${randomUUID()}`;
  const activityTimes: ActivityTimes = {};
  const worker = await createToolWorker({
    connection: server.nativeConnection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    deps: { db, adapters: doubles.adapters, application: { bankIdPollIntervalMs: 250 } },
    tuning: { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 200 },
    interceptors: activityTimer(activityTimes),
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection, dataConverter });
  const sampleCpu = cpuSampler(customerDb, (name, pid) =>
    pid === doubles.pid
      ? 'sandbox doubles (own process)'
      : name.startsWith('temporal')
        ? 'Temporal dev server'
        : `other processes this one started (${name})`,
  );

  const submitToPayout: number[] = [];
  const calls = { updates: 0, reads: 0 };
  let activitiesPerApplication = 0;
  let localActivitiesPerApplication = 0;
  let eventsPerApplication = 0;
  /** The loan the first measured application started: its history so far (not in the baseline). */
  let loanEvents = '';
  const eventsByType = new Map<string, number>();
  /** Polls the projection (what the API's GET /v1/applications/:id reads) until `done`. */
  const until = async (done: () => Promise<boolean>) => {
    for (;;) {
      calls.reads++;
      if (await done()) return;
      await sleep(50);
    }
  };
  const one = async () => {
    const p = newPerson();
    await steering.bureau.registerPerson(p.personnummer, { taxedAnnualIncome: '540000.00' });
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
    // The customer completes the order the update started, at once (BankID's app on their phone).
    const identification = await updateOnce(h, identifyUpdate, [
      { applicantIndex: 0, customerId, endUserIp: '127.0.0.1' },
    ]);
    await steering.bankId.completeOrder(identification.orderRef);
    await until(async () => (await listApplicants(customerDb, input.applicationId))[0]?.identified_at != null);
    const submittedAt = performance.now();
    await updateOnce(h, answersUpdate, [{ applicantIndex: 0, customerId, answers: goodAnswers(), submit: true }]);
    await until(async () => (await findApplication(customerDb, input.applicationId))?.status === 'OFFERED');
    const signing = await updateOnce(h, acceptOfferUpdate, [{ applicantIndex: 0, customerId, endUserIp: '127.0.0.1' }]);
    await steering.bankId.completeOrder(signing.orderRef);
    calls.updates += 3;
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
      const loan = (await client.workflow.getHandle(loanWorkflowId(outcome.loanId!)).fetchHistory()).events ?? [];
      loanEvents = `${loan.length} history events, ${loan.filter((e) => e.activityTaskScheduledEventAttributes).length} activities, ${loan.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length} local ones`;
      localActivitiesPerApplication = events.filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      ).length;
    }
  };

  progress('warming up (one application)');
  await one();
  submitToPayout.length = 0;

  /** Runs a phase and adds what it cost (CPU, activities, statements, rows) to `cost`. */
  const measured = async (cost: PhaseCost, workflows: number, run: () => Promise<void>): Promise<number> => {
    await sleep(1_000); // the previous phase's stragglers (the loans' first activities) settle
    const cpuBefore = await sampleCpu();
    const statementsBefore = new Map(statements.byKind);
    const activitiesBefore = structuredClone(activityTimes);
    const started = performance.now();
    await run();
    const seconds = (performance.now() - started) / 1000;
    addInto(cost.cpu, cpuDelta(cpuBefore, await sampleCpu()));
    addInto(cost.statements, statements.byKind);
    addInto(cost.statements, statementsBefore, -1);
    for (const [type, t] of Object.entries(activityTimes)) {
      const entry = (cost.activities[type] ??= { count: 0, ms: 0 });
      entry.count += t.count - (activitiesBefore[type]?.count ?? 0);
      entry.ms += t.ms - (activitiesBefore[type]?.ms ?? 0);
    }
    cost.workflows += workflows;
    cost.seconds += seconds;
    return seconds;
  };

  interface Level {
    concurrency: number;
    appSeconds: number;
    baseSeconds: number;
    p50: number;
    p99: number;
  }
  const levels: Level[] = [];
  const appCost = emptyCost();
  const baseCost = emptyCost();
  const items = Array.from({ length: options.applications }, (_, i) => i);
  calls.updates = 0;
  calls.reads = 0;
  for (const concurrency of options.concurrencies) {
    submitToPayout.length = 0;
    progress(`${options.applications} applications, ${concurrency} at a time`);
    const appSeconds = await measured(appCost, options.applications, () => pool(items, concurrency, one));
    progress(
      `${options.applications} baseline workflows of ${activitiesPerApplication} no-op activities and ${localActivitiesPerApplication} local ones, ${concurrency} at a time`,
    );
    const baseSeconds = await measured(baseCost, options.applications, () =>
      pool(items, concurrency, async () => {
        await client.workflow.execute(applicationBaselineWorkflow, {
          taskQueue,
          workflowId: `bench-baseline-${randomUUID()}`,
          args: [activitiesPerApplication, localActivitiesPerApplication],
        });
      }),
    );
    const sorted = [...submitToPayout].sort((a, b) => a - b);
    levels.push({ concurrency, appSeconds, baseSeconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
  }
  const loadAfter = os.loadavg();

  const payouts = (await steering.bankPayout.listPayouts()).length;
  worker.shutdown();
  await running;
  await doubles.stop();
  await server.teardown();
  await engineDb.destroy();
  await customerDb.destroy();
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
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  const out = [
    '',
    `bench:applications — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${options.applications} workflows per level`,
    `PostgreSQL: ${scratch.server}; Temporal: dev server (in memory); BankID collect every 250 ms; sandbox doubles: ${options.doubles}`,
    `load average (1, 5, 15 min): ${load(loadBefore)} at the start, ${load(loadAfter)} at the end`,
    '',
    ...table(header, rows),
    '',
    `plateau: applications ${rate(appPlateau.appSeconds).toFixed(2)}/s (concurrency ${appPlateau.concurrency}), baseline ${rate(basePlateau.baseSeconds).toFixed(2)}/s (concurrency ${basePlateau.concurrency}); ratio at the plateaus ${(rate(appPlateau.appSeconds) / rate(basePlateau.baseSeconds)).toFixed(2)} (target ≥ 0.80)`,
    `per application: ${activitiesPerApplication} activities and ${localActivitiesPerApplication} local ones, ${eventsPerApplication} history events (target ≤ 120); payouts at the bank: ${payouts} (one per application, the warm-up's included)`,
    `the loan each application starts runs on the same worker (the baseline starts none); when the application has closed it has ${loanEvents}`,
    `history events by type: ${[...eventsByType]
      .sort((a, b) => b[1] - a[1])
      .map(([type, n]) => `${type.replace(/EventAttributes$/, '')} ${n}`)
      .join(', ')}`,
    '',
    ...attribution(appCost, baseCost, calls),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((s, c) => (c === 0 && header[0] !== 'concurrency' ? s.padEnd(widths[c]!) : s.padStart(widths[c]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * Where an application's time goes, next to the baseline's, per workflow over every level: CPU by
 * thread and process (the machine's cost; its sum over the phase's wall time is how busy the two
 * cores were), the activities' wall time, the engine's statements and rows written.
 */
function attribution(app: PhaseCost, base: PhaseCost, calls: { updates: number; reads: number }): string[] {
  const per = (n: number, cost: PhaseCost) => n / cost.workflows;
  const ms = (n: number) => n.toFixed(1);
  const keys = [...new Set([...app.cpu.keys(), ...base.cpu.keys()])].sort();
  const cpuRows = keys.map((k) => {
    const a = per(app.cpu.get(k) ?? 0, app);
    const b = per(base.cpu.get(k) ?? 0, base);
    return [k, ms(a), ms(b), ms(a - b)];
  });
  const total = (c: PhaseCost) =>
    per(
      [...c.cpu.values()].reduce((s, v) => s + v, 0),
      c,
    );
  const wall = (c: PhaseCost) => per(c.seconds * 1000, c);
  cpuRows.push(
    ['CPU, all of the above', ms(total(app)), ms(total(base)), ms(total(app) - total(base))],
    ['wall time of the phase', ms(wall(app)), ms(wall(base)), ms(wall(app) - wall(base))],
  );
  const activityRows = Object.entries(app.activities)
    .filter(([, t]) => t.count > 0)
    .sort((x, y) => y[1].ms - x[1].ms)
    .map(([type, t]) => [type, (t.count / app.workflows).toFixed(2), ms(t.ms / t.count), ms(t.ms / app.workflows)]);
  const statementRows = [...app.statements]
    .filter(([, n]) => n > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([kind, n]) => [kind, (n / app.workflows).toFixed(1)]);
  return [
    `where the time goes, per workflow over all levels (${app.workflows} applications, ${base.workflows} baseline workflows); CPU ms from /proc:`,
    '',
    ...table(['component', 'application ms', 'baseline ms', 'difference ms'], cpuRows),
    '',
    'activities of an application and of the loan it starts (wall time, waits included: BankID collect, the bank):',
    '',
    ...table(['activity', 'per application', 'mean ms', 'ms per application'], activityRows),
    '',
    `the engine's statements per application (through Kysely; a transaction's BEGIN and COMMIT not counted):`,
    '',
    ...table(['statement', 'per application'], statementRows),
    '',
    `the customer per application: ${(calls.updates / app.workflows).toFixed(1)} updates, ${(calls.reads / app.workflows).toFixed(1)} projection reads (every 50 ms while it waits), no workflow queries`,
  ];
}

main().catch((err) => {
  // A failed update or workflow says why in its cause (the refusal, the activity's failure).
  const causes: string[] = [];
  for (let e = (err as Error).cause as Error | undefined; e; e = e.cause as Error | undefined)
    causes.push(`caused by: ${e.stack ?? e}`);
  process.stderr.write(`bench:applications failed: ${(err as Error).stack ?? err}\n${causes.join('\n')}\n`);
  process.exit(1);
});
