/**
 * Collection benchmark (docs/benchmarks.md): `npm run bench:collection`. Not a test; prints tables
 * (stdout) and progress (stderr).
 *
 * Each row is one lifecycle simulation (simulator/runner.ts) on its own time-skipping server with
 * real PostgreSQL: a 30 000 SEK loan that stops paying after invoice 1 and is handed over to
 * collection, then a simulated debtor (workflows/simulated-debtor.ts) on the case.
 *
 * (a) History events of the case workflow per case-month: while nothing happens (a dispute no one
 *     answers: the timeline is paused for three years) and with an installment plan running (from
 *     its acceptance to its last payment), and by event type for the plan.
 * (b) Wall time of the case from the handover to the payment order (no reaction), and to a kept
 *     24-month plan.
 *
 * Targets: ≤ 10 events per case-month while nothing happens, ≤ 12 with a plan running.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createDb, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { addDays, daysBetween, type IsoDate, stockholmDate } from '../domain/dates';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { createScratchDatabase } from '../platform/scratch-database';
import { startTimeSkippingServer } from '../platform/temporal-servers';
import type { DebtorAct } from '../workflows/simulated-debtor';
import { collectionCaseWorkflowId } from '../workflows/collection-case-messages';
import { bundleWorkflows, runScenario } from '../simulator/runner';
import { parseScenario } from '../simulator/scenario';
import { print, printTable, report } from './loans/report';

const TARGET_IDLE = 10;
const TARGET_PLAN = 12;

function progress(message: string): void {
  process.stderr.write(`[bench:collection] ${message}\n`);
}

interface CaseRow {
  name: string;
  status: string;
  caseMonths: number;
  wallSeconds: number;
  historyEvents: number;
  runs: number;
  /** Events in the measured window and its length in months. */
  window: { events: number; months: number; byType: Record<string, number> };
}

const MONTH_DAYS = 365.25 / 12;
const eventTypeName = (type: temporal.api.enums.v1.EventType | null | undefined) =>
  (temporal.api.enums.v1.EventType[type ?? 0] ?? String(type)).replace(/^EVENT_TYPE_/, '');

/** Every event of the case's runs (its continue-as-new chain), with its date on the simulation clock. */
async function caseEvents(
  client: Client,
  caseNumber: string,
  runIds: string[],
): Promise<{ date: IsoDate; type: string }[]> {
  const out: { date: IsoDate; type: string }[] = [];
  for (const runId of runIds) {
    const history = await client.workflow.getHandle(collectionCaseWorkflowId(caseNumber), runId).fetchHistory();
    for (const e of history.events ?? []) {
      const seconds = Number(e.eventTime?.seconds ?? 0);
      out.push({ date: stockholmDate(new Date(seconds * 1000)), type: eventTypeName(e.eventType) });
    }
  }
  return out;
}

async function simulate(
  db: Db,
  workflowBundle: { code: string },
  name: string,
  acts: DebtorAct[],
  window: (timeline: { date: IsoDate; kind: string }[], closedOn: IsoDate) => { from: IsoDate; to: IsoDate },
): Promise<CaseRow> {
  const dataConverter = encryptingDataConverter([{ id: 'bench', key: randomBytes(32) }]);
  const env = await startTimeSkippingServer(dataConverter);
  try {
    const scenario = parseScenario({
      loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
      borrower: { paysDaysBeforeDue: 5 },
      events: [{ type: 'stop-paying', fromInvoice: 2 }],
      debtor: { acts },
      end: { untilClosed: true },
    });
    const { output } = await runScenario({ env, db, dataConverter, workflowBundle, log: progress }, scenario);
    const c = output.collectionCase;
    if (!c) throw new Error(`${name}: the loan did not go to collection`);
    const { from, to } = window(c.timeline, c.closedOn ?? output.simulated.to);
    const runIds = c.temporal.runs.map((r) => r.runId);
    const events = (await caseEvents(env.client, c.caseNumber, runIds)).filter((e) => e.date > from && e.date <= to);
    const byType: Record<string, number> = {};
    for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
    const row: CaseRow = {
      name,
      status: c.status,
      caseMonths: c.temporal.caseMonths,
      wallSeconds: c.temporal.wallSeconds ?? 0,
      historyEvents: c.temporal.historyEvents,
      runs: c.temporal.workflowRuns,
      window: { events: events.length, months: daysBetween(from, to) / MONTH_DAYS, byType },
    };
    progress(`${name}: ${row.status}, case ${row.wallSeconds.toFixed(2)} s, ${row.historyEvents} case history events`);
    return row;
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[temporal] ${entry.level} ${entry.message}\n`)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  print(
    `bench:collection — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}\n`,
  );
  const database = await createScratchDatabase('bench', process.env.SIMULATOR_DATABASE_URL);
  const db = createDb(database.url, 10);
  try {
    await migrateToLatest(db);
    const workflowBundle = await bundleWorkflows();
    const whole = (timeline: { date: IsoDate }[], closedOn: IsoDate) => ({ from: timeline[0]!.date, to: closedOn });
    const dated = (timeline: { date: IsoDate; kind: string }[], kind: string) =>
      timeline.find((e) => e.kind === kind)!.date;
    // Warm-up (not reported): JIT, the bundle in a fresh worker, PostgreSQL plans.
    await simulate(db, workflowBundle, 'warm-up', [{ type: 'pay', day: 3, amount: 'all' }], whole);
    const rows = [
      await simulate(db, workflowBundle, 'no reaction → payment order', [], whole),
      await simulate(
        db,
        workflowBundle,
        'nothing happens: a dispute no one answers',
        [{ type: 'dispute', day: 2, reason: 'Jag bestrider kravet.' }],
        // From the day after the escalation to the horizon: the case waits for the operator.
        (timeline, closedOn) => ({ from: dated(timeline, 'dispute-escalated'), to: closedOn }),
      ),
      await simulate(
        db,
        workflowBundle,
        '24-month plan kept',
        [{ type: 'propose-plan', day: 3, months: 24, dayOfMonth: 27, pays: { daysBeforeDue: 3 } }],
        // From the plan's acceptance to its last payment.
        (timeline, closedOn) => ({ from: dated(timeline, 'plan-accepted'), to: closedOn }),
      ),
    ];
    // The plan's steady months: the closing day (the last payment, closing, completion) left out.
    const steady = await simulate(
      db,
      workflowBundle,
      '24-month plan kept, without its closing day',
      [{ type: 'propose-plan', day: 3, months: 24, dayOfMonth: 27, pays: { daysBeforeDue: 3 } }],
      (timeline, closedOn) => ({ from: dated(timeline, 'plan-accepted'), to: addDays(closedOn, -1) }),
    );
    rows.push(steady);
    print('(a, b) Collection cases on the time-skipping server (lifecycle simulator, real PostgreSQL)\n');
    printTable(
      ['case', 'status', 'case months', 'case wall s', 'runs', 'case events', 'window events', 'per month'],
      rows.map((r) => [
        r.name,
        r.status,
        r.caseMonths.toFixed(1),
        r.wallSeconds.toFixed(2),
        String(r.runs),
        String(r.historyEvents),
        `${r.window.events} / ${r.window.months.toFixed(1)} mo`,
        (r.window.events / r.window.months).toFixed(1),
      ]),
    );
    const [enforced, idle, plan] = rows as [CaseRow, CaseRow, CaseRow];
    print(`(a) The plan's events by type, per plan month (${plan.window.months.toFixed(1)} months)\n`);
    printTable(
      ['event type', 'events', 'per month'],
      Object.entries(plan.window.byType)
        .sort((a, b) => b[1] - a[1])
        .map(([type, n]) => [type, String(n), (n / plan.window.months).toFixed(2)]),
    );
    const perIdle = idle.window.events / idle.window.months;
    const perPlan = plan.window.events / plan.window.months;
    const perSteady = steady.window.events / steady.window.months;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    print(
      `target: ≤ ${TARGET_IDLE} events per case-month while nothing happens → ${perIdle.toFixed(1)}, ${verdict(perIdle <= TARGET_IDLE)}`,
    );
    print(
      `target: ≤ ${TARGET_PLAN} events per case-month with a plan running → ${perSteady.toFixed(1)} in its steady ` +
        `months, ${perPlan.toFixed(1)} with its closing day: ${verdict(perSteady <= TARGET_PLAN)}`,
    );
    print(
      `(b) wall time from the handover: to the payment order ${enforced.wallSeconds.toFixed(2)} s, ` +
        `to a kept 24-month plan ${plan.wallSeconds.toFixed(2)} s\n`,
    );
  } finally {
    await db.destroy();
    await database.drop();
  }
  process.stdout.write(`\n${report.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`${report.join('\n')}\n`);
    console.error(error);
    process.exit(1);
  },
);
