/**
 * (a) and (b) of the loan benchmark (bench/loans.ts): whole loans on the time-skipping server
 * through the lifecycle simulator, their wall time and their history events per loan-year.
 */
import { randomBytes } from 'node:crypto';
import { type Db } from '../../db/database';
import { activityTimer, type ActivityTimes } from '../attribution';
import { type IsoDate } from '../../domain/dates';
import { encryptingDataConverter } from '../../platform/temporal-connection';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { eventTypeTotals, type RunHistory } from '../../simulator/history';
import { runScenario } from '../../simulator/runner';
import { parseScenario } from '../../simulator/scenario';
import { print, printTable, progress } from './report';

const TARGET_TEN_YEAR_SECONDS = 10;
const TARGET_EVENTS_PER_LOAN_YEAR = 80;

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

export async function lifecycleSection(db: Db, workflowBundle: { code: string }): Promise<LifecycleRow[]> {
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

export function printLifecycle(rows: LifecycleRow[]): void {
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
