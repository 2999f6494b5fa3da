/**
 * Loan benchmark (docs/benchmarks.md): `npm run bench:loans [-- --loans N]`. Not a test; prints
 * tables (stdout) and progress (stderr).
 *
 * (a) Wall time of whole loans on the time-skipping server through the lifecycle simulator: a
 *     10-year loan paid on time, and the default path (on time for a year, then stops paying; runs
 *     until the loan workflow ends or the simulator's horizon).
 * (b) History events per loan-year of those loans, and which event types dominate.
 * (c) Month-end on the local dev server (in memory): N loans whose first invoice date has come are
 *     released at once (started while no worker polls, then one worker starts), and the time until
 *     all N invoices are in PostgreSQL gives loans invoiced per second.
 *
 * Targets: a 10-year loan ≤ 10 s; ≤ 80 history events per on-time loan-year.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import os from 'node:os';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type WorkerOptions } from '@temporalio/worker';
import { createDb, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { addDays, compareDates, type IsoDate, stockholmDate } from '../domain/dates';
import { invoiceIssueDate, lateFeeDate } from '../domain/invoicing';
import { installmentDueDate } from '../domain/schedule';
import { createScratchDatabase } from '../platform/scratch-database';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { startDevServer, startTimeSkippingServer } from '../platform/temporal-servers';
import { eventTypeTotals, type RunHistory } from '../simulator/history';
import { bundleWorkflows, runScenario } from '../simulator/runner';
import { parseScenario } from '../simulator/scenario';
import { createToolWorker } from '../workers/create-worker';
import { loanWorkflow } from '../workflows/loan';
import type { LoanTerms } from '../domain/loan-terms';
import { loanWorkflowId } from '../workflows/loan-messages';

const TARGET_TEN_YEAR_SECONDS = 10;
const TARGET_EVENTS_PER_LOAN_YEAR = 80;

interface Options {
  loans: number;
  lifecycle: boolean;
  monthEnd: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { loans: 2000, lifecycle: true, monthEnd: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--loans') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--loans needs a whole number ≥ 1');
      options.loans = n;
    } else if (arg === '--skip-lifecycle') options.lifecycle = false;
    else if (arg === '--skip-month-end') options.monthEnd = false;
    else throw new Error(`unknown option ${arg} (known: --loans N, --skip-lifecycle, --skip-month-end)`);
  }
  return options;
}

/** Tables are collected and printed at the end (the dev server writes its banner to stdout). */
const report: string[] = [];
const print = (line = '') => report.push(line);

function progress(message: string): void {
  process.stderr.write(`[bench:loans] ${message}\n`);
}

export function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  print(line(header));
  print(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) print(line(row));
  print();
}

// ---------------------------------------------------------------------------------------------
// (a) and (b): whole loans on the time-skipping server

interface LifecycleRow {
  name: string;
  status: string;
  simulatedYears: number;
  invoices: number;
  wallSeconds: number;
  loanRuns: number;
  loanEvents: number;
  borrowerEvents: number;
  histories: RunHistory[];
  borrowerHistories: RunHistory[];
  /** Measured in the worker (local activities leave no start/complete events to time them by). */
  activities: ActivityTimes;
}

type ActivityTimes = Record<string, { count: number; ms: number }>;

/** Times every activity execution, local or not, by type. */
function activityTimer(times: ActivityTimes): WorkerOptions['interceptors'] {
  return {
    activity: [
      (ctx) => ({
        inbound: {
          async execute(input, next) {
            const started = performance.now();
            try {
              return await next(input);
            } finally {
              const entry = (times[ctx.info.activityType] ??= { count: 0, ms: 0 });
              entry.count++;
              entry.ms += performance.now() - started;
            }
          },
        },
      }),
    ],
  };
}

function monthsBetween(from: IsoDate, to: IsoDate): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) + (td - fd) / 30;
}

async function lifecycle(db: Db, workflowBundle: { code: string }, name: string, document: unknown) {
  const dataConverter = encryptingDataConverter([{ id: 'bench', key: randomBytes(32) }]);
  const env = await startTimeSkippingServer(dataConverter);
  try {
    const activities: ActivityTimes = {};
    const { output, histories } = await runScenario(
      { env, db, dataConverter, workflowBundle, log: progress, workerInterceptors: activityTimer(activities) },
      parseScenario(document),
    );
    const row: LifecycleRow = {
      name,
      status: output.status,
      simulatedYears: monthsBetween(output.simulated.from, output.simulated.to) / 12,
      invoices: output.invoices.length,
      wallSeconds: output.temporal.wallSeconds,
      loanRuns: output.temporal.workflowRuns,
      loanEvents: output.temporal.historyEvents,
      borrowerEvents: output.temporal.borrower.historyEvents,
      histories: histories.loan,
      borrowerHistories: histories.borrower,
      activities,
    };
    progress(`${name}: ${row.status}, ${row.wallSeconds} s, ${row.loanEvents} loan history events`);
    return row;
  } finally {
    await env.teardown();
  }
}

const TEN_YEAR_LOAN = {
  amount: '100000',
  termMonths: 120,
  nominalRatePercent: '9.95',
  noticeChannel: 'e-invoice',
};

async function lifecycleSection(db: Db, workflowBundle: { code: string }): Promise<LifecycleRow[]> {
  // Warm-up (not reported): JIT, workflow bundle in a fresh worker, PostgreSQL plans.
  await lifecycle(db, workflowBundle, 'warm-up', {
    loan: { ...TEN_YEAR_LOAN, termMonths: 24 },
    borrower: { paysDaysBeforeDue: 5 },
    end: { untilClosed: true },
  });
  return [
    await lifecycle(db, workflowBundle, '10-year loan, paid on time', {
      loan: TEN_YEAR_LOAN,
      borrower: { paysDaysBeforeDue: 5 },
      end: { untilClosed: true },
    }),
    await lifecycle(db, workflowBundle, 'default path: stops paying at invoice 13', {
      loan: TEN_YEAR_LOAN,
      borrower: { paysDaysBeforeDue: 5 },
      events: [{ type: 'stop-paying', fromInvoice: 13 }],
      end: { untilClosed: true },
    }),
  ];
}

function printLifecycle(rows: LifecycleRow[]): void {
  print('(a, b) Whole loans on the time-skipping server (lifecycle simulator, real PostgreSQL)\n');
  printTable(
    [
      'simulation',
      'status',
      'years',
      'invoices',
      'wall s',
      'loan runs',
      'loan events',
      'events/loan-year',
      'borrower events',
    ],
    rows.map((r) => [
      r.name,
      r.status,
      r.simulatedYears.toFixed(1),
      String(r.invoices),
      r.wallSeconds.toFixed(2),
      String(r.loanRuns),
      String(r.loanEvents),
      (r.loanEvents / r.simulatedYears).toFixed(0),
      String(r.borrowerEvents),
    ]),
  );
  const onTime = rows[0]!;
  const perYear = onTime.loanEvents / onTime.simulatedYears;
  const totals = eventTypeTotals(onTime.histories);
  print(`(b) History events of the on-time loan by type (${onTime.simulatedYears.toFixed(1)} loan-years)\n`);
  printTable(
    ['event type', 'events', 'per loan-year', 'per invoice'],
    Object.entries(totals).map(([type, n]) => [
      type,
      String(n),
      (n / onTime.simulatedYears).toFixed(1),
      (n / onTime.invoices).toFixed(2),
    ]),
  );
  print(
    `(a) Where the on-time loan's ${onTime.wallSeconds.toFixed(2)} s go (activities timed in the worker; the book's sweep included)\n`,
  );
  const activities = onTime.activities;
  const activitySeconds = Object.values(activities).reduce((n, a) => n + a.ms, 0) / 1000;
  const workflowTasks =
    (eventTypeTotals(onTime.histories).WORKFLOW_TASK_COMPLETED ?? 0) +
    (eventTypeTotals(onTime.borrowerHistories).WORKFLOW_TASK_COMPLETED ?? 0);
  printTable(
    ['part', 'count', 'seconds', 'ms each'],
    [
      ...Object.entries(activities)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([type, a]) => [
          `activity ${type}`,
          String(a.count),
          (a.ms / 1000).toFixed(2),
          (a.ms / a.count).toFixed(1),
        ]),
      [
        'the rest: workflow tasks of the loan and the borrower, timers, server round trips',
        String(workflowTasks),
        (onTime.wallSeconds - activitySeconds).toFixed(2),
        (((onTime.wallSeconds - activitySeconds) * 1000) / workflowTasks).toFixed(1),
      ],
    ],
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  print(
    `target: 10-year loan ≤ ${TARGET_TEN_YEAR_SECONDS} s → ${onTime.wallSeconds.toFixed(2)} s, ${verdict(onTime.wallSeconds <= TARGET_TEN_YEAR_SECONDS)}`,
  );
  print(
    `target: ≤ ${TARGET_EVENTS_PER_LOAN_YEAR} history events per on-time loan-year → ${perYear.toFixed(0)}, ${verdict(perYear <= TARGET_EVENTS_PER_LOAN_YEAR)}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// (c) month-end on the dev server

/**
 * A payout date whose first invoice is issued on or before `today` and is not yet late, so each
 * loan does exactly what month-end asks of it (open, invoice). Before the 15th no such date
 * exists; then the previous month's invoice is used and its late fee and reminder fire too.
 */
export function monthEndPayoutDate(today: IsoDate): { payoutDate: IsoDate; lateToo: boolean } {
  let fallback: IsoDate | undefined;
  for (let back = 1; back <= 75; back++) {
    const payoutDate = addDays(today, -back);
    const due = installmentDueDate(payoutDate, 1);
    if (compareDates(invoiceIssueDate(due), today) > 0) continue;
    if (compareDates(lateFeeDate(due), today) > 0) return { payoutDate, lateToo: false };
    fallback ??= payoutDate;
  }
  return { payoutDate: fallback!, lateToo: true };
}

interface MonthEndResult {
  loans: number;
  payoutDate: IsoDate;
  lateToo: boolean;
  startSeconds: number;
  invoiceSeconds: number;
  latenciesSeconds: number[];
  postingsByType: Record<string, number>;
}

async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, fn: (t: T) => Promise<R>) {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function monthEndSection(dbUrl: string, workflowBundle: { code: string }, n: number): Promise<MonthEndResult> {
  const dataConverter = encryptingDataConverter([{ id: 'bench', key: randomBytes(32) }]);
  progress('starting the dev server (in memory)');
  const env = await startDevServer({ dataConverter });
  const db = createDb(dbUrl, 20);
  try {
    const today = stockholmDate(new Date());
    const { payoutDate, lateToo } = monthEndPayoutDate(today);
    const taskQueue = `month-end-${randomUUID()}`;
    const contractBase = randomInt(100_000_000, 800_000_000);
    const customerId = `bench-month-end-${randomUUID()}`;
    const terms: LoanTerms[] = Array.from({ length: n }, (_, i) => {
      const loanId = randomUUID();
      return {
        loanId,
        contractNumber: String(contractBase + i),
        customerId,
        amount: '100000.00',
        termMonths: 120,
        nominalRatePercent: '9.95',
        noticeChannel: 'e-invoice',
        payoutDate,
      };
    });

    // Start every loan while no worker polls: their first workflow tasks wait together, as timers
    // firing at once at month-end would make them.
    progress(`starting ${n} loan workflows (payout ${payoutDate}, no worker yet)`);
    const t0 = process.hrtime.bigint();
    await mapConcurrently(terms, 50, (t) =>
      env.client.workflow.start(loanWorkflow, {
        taskQueue,
        workflowId: loanWorkflowId(t.loanId),
        args: [{ terms: t }],
      }),
    );
    const startSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

    const worker = await createToolWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter,
      deps: { db },
      workflowBundle,
    });
    progress(`releasing them: one worker, ${os.cpus().length} CPUs`);
    const released = new Date();
    const t1 = process.hrtime.bigint();
    const invoiceSeconds = await worker.runUntil(async () => {
      for (;;) {
        const { count } = await db
          .selectFrom('invoices as i')
          .innerJoin('loans as l', 'l.id', 'i.loan_id')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('l.customer_id', '=', customerId)
          .executeTakeFirstOrThrow();
        if (Number(count) >= n) return Number(process.hrtime.bigint() - t1) / 1e9;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    progress(`${n} invoices in ${invoiceSeconds.toFixed(1)} s`);

    const invoicePostings = await db
      .selectFrom('ledger_postings')
      .select('created_at')
      .where('type', '=', 'invoice')
      .where(
        'loan_id',
        'in',
        terms.map((t) => t.loanId),
      )
      .execute();
    const latenciesSeconds = invoicePostings
      .map((p) => (new Date(p.created_at).getTime() - released.getTime()) / 1000)
      .sort((a, b) => a - b);
    const postings = await db
      .selectFrom('ledger_postings')
      .select(['type', (eb) => eb.fn.countAll<string>().as('n')])
      .where(
        'loan_id',
        'in',
        terms.map((t) => t.loanId),
      )
      .groupBy('type')
      .execute();
    return {
      loans: n,
      payoutDate,
      lateToo,
      startSeconds,
      invoiceSeconds,
      latenciesSeconds,
      postingsByType: Object.fromEntries(postings.map((p) => [p.type, Number(p.n)])),
    };
  } finally {
    // The in-memory dev server goes with its loans: no need to terminate them one by one.
    await db.destroy();
    await env.teardown();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function printMonthEnd(r: MonthEndResult): void {
  print(
    `(c) Month-end on the dev server (in memory): ${r.loans} loans paid out ${r.payoutDate}, first invoice due, released at once\n`,
  );
  printTable(
    ['loans', 'start s', 'starts/s', 'invoicing s', 'loans invoiced/s', 'p50 s', 'p99 s'],
    [
      [
        String(r.loans),
        r.startSeconds.toFixed(1),
        (r.loans / r.startSeconds).toFixed(0),
        r.invoiceSeconds.toFixed(1),
        (r.loans / r.invoiceSeconds).toFixed(0),
        percentile(r.latenciesSeconds, 50).toFixed(1),
        percentile(r.latenciesSeconds, 99).toFixed(1),
      ],
    ],
  );
  print(
    `each loan: first workflow task, openLoan, issueInvoice${r.lateToo ? ', late fee and reminder (run before the 15th)' : ''}; ledger postings: ${JSON.stringify(r.postingsByType)}\n`,
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[temporal] ${entry.level} ${entry.message}\n`)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  print(
    `bench:loans — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}\n`,
  );
  const database = await createScratchDatabase('bench', process.env.SIMULATOR_DATABASE_URL);
  const db = createDb(database.url, 10);
  try {
    await migrateToLatest(db);
    const workflowBundle = await bundleWorkflows();
    if (options.lifecycle) printLifecycle(await lifecycleSection(db, workflowBundle));
    if (options.monthEnd) printMonthEnd(await monthEndSection(database.url, workflowBundle, options.loans));
  } finally {
    await db.destroy();
    await database.drop();
  }
  process.stdout.write(`\n${report.join('\n')}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stdout.write(`${report.join('\n')}\n`);
      console.error(error);
      process.exit(1);
    },
  );
}
