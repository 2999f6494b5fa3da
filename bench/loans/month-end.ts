/**
 * (c) of the loan benchmark (bench/loans.ts): month-end on the local dev server, N loans opened
 * beforehand (as at their payout, weeks earlier) and woken for their first invoice at once, and how
 * many loans are invoiced per second; then, on the same server in the same run, N baseline
 * workflows doing what a loan's wake-up asks of Temporal with a no-op local activity
 * (workflows/month-end-bench.ts), released the same way. From the measured rate: what spreading the
 * wake-ups over a window (domain/wake-spread.ts) does to a month-end of N and of 1 000 000 loans.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import os from 'node:os';
import { benchStepsRun } from '../../activities/bench';
import { createLoanActivities } from '../../activities/loan';
import { createDb } from '../../db/database';
import { addDays, compareDates, type IsoDate, stockholmDate } from '../../domain/dates';
import { invoiceIssueDate, lateFeeDate } from '../../domain/invoicing';
import { installmentDueDate } from '../../domain/schedule';
import { encryptingDataConverter } from '../../platform/temporal-connection';
import { startDevServer } from '../../platform/temporal-servers';
import { createToolWorker } from '../../workers/create-worker';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { initialState } from '../../workflows/loan-state';
import { monthEndBaselineWorkflow } from '../../workflows/month-end-bench';
import { SUGGESTED_WAKE_WINDOW_MINUTES } from '../../domain/wake-spread';
import { print, printTable, progress } from './report';

/**
 * A payout date whose first invoice is issued on or before `today` and is not yet late, so each
 * loan does exactly what month-end asks of it (its invoice). Before the 15th no such date
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
  /** CPU of this process (the worker: its workflow thread and its activities) per loan, in ms. */
  loanCpuMs: number;
  latenciesSeconds: number[];
  postingsByType: Record<string, number>;
  baselineStartSeconds: number;
  baselineSeconds: number;
  baselineCpuMs: number;
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

export async function monthEndSection(
  dbUrl: string,
  workflowBundle: { code: string },
  n: number,
): Promise<MonthEndResult> {
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

    // The loans were opened at their payout, weeks before month-end: their rows and the
    // disbursement and capitalised-interest postings are written here by the loan's own `openLoan`,
    // outside the measured time. Each workflow then starts where its opening left it (the state
    // `initialState` gives, as a continued run carries it), so its first workflow task is the invoice
    // wake-up: what the timer to the invoice date wakes at month-end. What this leaves out: replaying
    // the few events of the opening task (the worker has long evicted a loan asleep for weeks).
    const loanActivities = createLoanActivities(db);
    progress(`opening ${n} loans (payout ${payoutDate}), not measured`);
    const opened = terms.map((t) => ({ terms: t, ...initialState(t) }));
    await mapConcurrently(opened, 10, (o) =>
      loanActivities.openLoan({
        ...o.terms,
        capitalisedInterest: o.capitalisedInterest,
        monthlyPayment: o.monthlyPayment,
      }),
    );

    // Start every loan while no worker polls: their wake-up tasks wait together, as timers firing at
    // once at month-end would make them.
    progress(`starting ${n} opened loan workflows (no worker yet)`);
    const t0 = process.hrtime.bigint();
    await mapConcurrently(opened, 50, (o) =>
      env.client.workflow.start(loanWorkflow, {
        taskQueue,
        workflowId: loanWorkflowId(o.terms.loanId),
        // The spike itself (window 0): on an issue date between 05:00 and 08:00 UTC the default
        // window would hold some loans back in real time.
        args: [{ terms: o.terms, state: o.state, wakeWindowMinutes: 0 }],
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
    // CPU time per loan is less at the mercy of other sessions on the machine than the wall time.
    const cpu1 = process.cpuUsage();
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
    const loanCpuMs = cpuMs(process.cpuUsage(cpu1)) / n;
    progress(`${n} invoices in ${invoiceSeconds.toFixed(1)} s`);

    // The baseline: the same number of workflows, released the same way, each a first task, one
    // no-op local activity and a timer.
    const baselineQueue = `month-end-baseline-${randomUUID()}`;
    progress(`starting ${n} baseline workflows (no worker yet)`);
    const t2 = process.hrtime.bigint();
    await mapConcurrently(terms, 50, (t) =>
      env.client.workflow.start(monthEndBaselineWorkflow, {
        taskQueue: baselineQueue,
        workflowId: `month-end-baseline-${t.loanId}`,
      }),
    );
    const baselineStartSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
    const baselineWorker = await createToolWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: baselineQueue,
      dataConverter,
      deps: { db },
      workflowBundle,
    });
    const doneBefore = benchStepsRun.byStep.get(0) ?? 0;
    const cpu3 = process.cpuUsage();
    const t3 = process.hrtime.bigint();
    const baselineSeconds = await baselineWorker.runUntil(async () => {
      while ((benchStepsRun.byStep.get(0) ?? 0) - doneBefore < n) await new Promise((r) => setTimeout(r, 20));
      return Number(process.hrtime.bigint() - t3) / 1e9;
    });
    const baselineCpuMs = cpuMs(process.cpuUsage(cpu3)) / n;
    progress(`${n} baseline wake-ups in ${baselineSeconds.toFixed(1)} s`);

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
      loanCpuMs,
      latenciesSeconds,
      postingsByType: Object.fromEntries(postings.map((p) => [p.type, Number(p.n)])),
      baselineStartSeconds,
      baselineSeconds,
      baselineCpuMs,
    };
  } finally {
    // The in-memory dev server goes with its loans: no need to terminate them one by one.
    await db.destroy();
    await env.teardown();
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function printMonthEnd(r: MonthEndResult): void {
  print(
    `(c) Month-end on the dev server (in memory): ${r.loans} loans paid out ${r.payoutDate}, first invoice due, released at once\n`,
  );
  const rate = r.loans / r.invoiceSeconds;
  const baseRate = r.loans / r.baselineSeconds;
  printTable(
    [
      'section',
      'workflows',
      'start s',
      'starts/s',
      'until done s',
      'per second',
      'p50 s',
      'p99 s',
      'worker CPU ms each',
    ],
    [
      [
        'loans (invoice wake-up, opened before)',
        String(r.loans),
        r.startSeconds.toFixed(1),
        (r.loans / r.startSeconds).toFixed(0),
        r.invoiceSeconds.toFixed(1),
        rate.toFixed(0),
        percentile(r.latenciesSeconds, 50).toFixed(1),
        percentile(r.latenciesSeconds, 99).toFixed(1),
        r.loanCpuMs.toFixed(1),
      ],
      [
        'baseline (no-op local activity + timer)',
        String(r.loans),
        r.baselineStartSeconds.toFixed(1),
        (r.loans / r.baselineStartSeconds).toFixed(0),
        r.baselineSeconds.toFixed(1),
        baseRate.toFixed(0),
        '',
        '',
        r.baselineCpuMs.toFixed(1),
      ],
    ],
  );
  print(
    `ratio loans / baseline: ${(rate / baseRate).toFixed(2)} (target ≥ 0.70); loans invoiced/s: ${rate.toFixed(0)} (target ≥ 100 on the dev server)\n`,
  );
  // Wake-up spreading, from the measured per-worker rate: all at 05:00 the last loan waits N / rate;
  // spread over W minutes the loans arrive at N / 60W per second, which one worker keeps up with
  // while that is below its rate.
  const spreadRows = [r.loans, 1_000_000].flatMap((loans) =>
    [0, 60, SUGGESTED_WAKE_WINDOW_MINUTES, 16 * 60].map((window) => {
      const arrival = window === 0 ? Infinity : loans / (window * 60);
      const workers = Math.max(1, Math.ceil((window === 0 ? 0 : arrival) / rate));
      const lastDone = window === 0 ? loans / rate : Math.max(window * 60, loans / rate);
      return [
        String(loans),
        window === 0 ? 'none (all 05:00)' : `${window} min`,
        window === 0 ? 'all at once' : arrival.toFixed(1),
        window === 0 ? '—' : String(workers),
        `${(lastDone / 60).toFixed(1)} min`,
        window === 0
          ? `${(loans / rate / 60).toFixed(1)} min`
          : arrival <= rate
            ? 'none'
            : `${((loans / rate - window * 60) / 60).toFixed(1)} min`,
      ];
    }),
  );
  print(`wake-up spreading at the measured ${rate.toFixed(0)} loans/s per worker (a model, not a run):\n`);
  printTable(
    [
      'loans',
      'window',
      'arrivals/s',
      'workers to keep up',
      'month-end done after (1 worker)',
      'worst backlog wait (1 worker)',
    ],
    spreadRows,
  );
  print(
    `each loan (opened before the release): its wake-up task, issueInvoice${r.lateToo ? ', late fee and reminder (run before the 15th)' : ''}; ledger postings: ${JSON.stringify(r.postingsByType)}\n`,
  );
}
