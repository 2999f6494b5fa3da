/**
 * (c) of the loan benchmark (bench/loans.ts): month-end on the local dev server, N loans released
 * at once, and how many loans are invoiced per second.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import os from 'node:os';
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
import { print, printTable, progress } from './report';

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

export function printMonthEnd(r: MonthEndResult): void {
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
