/**
 * What operators watch, in Prometheus' text format (prom-client), one registry per process:
 *  - HTTP request durations by route template and status (the API and web pages);
 *  - business counters, incremented by activities through `businessMetrics` when a step takes
 *    effect for the first time (an idempotent repeat counts nothing);
 *  - business gauges read from PostgreSQL on each scrape (`observeBook`): what the book holds now;
 *  - the process' own (CPU, memory, event loop lag, GC);
 *  - in a process that runs a worker, the Temporal SDK's own metrics from the SDK runtime's
 *    Prometheus exporter (`sdkMetricsAddress`), appended to the same answer.
 *
 * Workflows never import this (they are deterministic and replayed): activities and the API do.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'loan_engine_' });

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

export const httpRequestDuration = new Histogram({
  name: 'loan_engine_http_request_duration_seconds',
  help: 'HTTP requests by method, route template (unmatched for 404s without a route) and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });

/** Counted by activities, once per business event (the first time its step takes effect). */
export const businessMetrics = {
  /** R-APP-…: applications reaching a terminal status, by that status (PAID_OUT, REJECTED, …). */
  applicationsClosed: counter('loan_engine_applications_closed_total', 'Applications closed, by outcome', [
    'outcome',
  ] as const),
  /** R-APP-9: payout legs the bank executed, and their amount in SEK. */
  payouts: counter('loan_engine_payouts_total', 'Payout legs executed by the bank'),
  payoutAmount: counter('loan_engine_payout_amount_sek_total', 'Amount paid out (SEK)'),
  /** R-LOAN-1: installment invoices issued, and their total in SEK. */
  invoicesIssued: counter('loan_engine_invoices_issued_total', 'Installment invoices issued'),
  invoicedAmount: counter('loan_engine_invoiced_amount_sek_total', 'Amount invoiced (SEK)'),
  /** R-LOAN-2: payments applied to a loan's ledger (or, R-COLL-9, a collection case), and their amount. */
  paymentsApplied: counter('loan_engine_payments_applied_total', 'Payments applied', ['to'] as const),
  paymentsAppliedAmount: counter('loan_engine_payments_applied_amount_sek_total', 'Amount of payments applied (SEK)', [
    'to',
  ] as const),
  /** R-LOAN-3: late fees and reminder fees charged. */
  fees: counter('loan_engine_fees_charged_total', 'Late and reminder fees charged', ['kind'] as const),
  /** R-LOAN-4: termination notices sent. */
  terminationNotices: counter('loan_engine_termination_notices_total', 'Termination notices sent'),
};

/** What the book holds now, read from PostgreSQL on a scrape. */
export interface BookCounts {
  loansByStatus: Record<string, number>;
  collectionCasesByStatus: Record<string, number>;
  applicationsByStatus: Record<string, number>;
  paymentsByStatus: Record<string, { count: number; amount: number }>;
}

let readBook: (() => Promise<BookCounts>) | undefined;

/** The process' source of the book gauges (the API's or the worker's database); the last one set wins. */
export function observeBook(read: () => Promise<BookCounts>): void {
  readBook = read;
}

const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
  new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] });

const loansGauge = gauge('loan_engine_loans', 'Loans by status (PostgreSQL, at scrape)', ['status'] as const);
const casesGauge = gauge('loan_engine_collection_cases', 'Collection cases by status (PostgreSQL, at scrape)', [
  'status',
] as const);
const applicationsGauge = gauge('loan_engine_applications', 'Applications by status (PostgreSQL, at scrape)', [
  'status',
] as const);
const paymentsGauge = gauge('loan_engine_payments', 'Payments by status; SUSPENSE = unmatched (at scrape)', [
  'status',
] as const);
const paymentsAmountGauge = gauge('loan_engine_payments_amount_sek', 'Payment amounts by status (SEK, at scrape)', [
  'status',
] as const);
const bookUp = new Gauge({
  name: 'loan_engine_book_scrape_ok',
  help: '1 when the book gauges were read from PostgreSQL at this scrape, 0 when that failed',
  registers: [metricsRegistry],
});

async function refreshBook(): Promise<void> {
  if (!readBook) return;
  try {
    const book = await readBook();
    const set = (g: Gauge<'status'>, values: Record<string, number>) => {
      g.reset();
      for (const [status, value] of Object.entries(values)) g.set({ status }, value);
    };
    set(loansGauge, book.loansByStatus);
    set(casesGauge, book.collectionCasesByStatus);
    set(applicationsGauge, book.applicationsByStatus);
    set(paymentsGauge, Object.fromEntries(Object.entries(book.paymentsByStatus).map(([s, v]) => [s, v.count])));
    set(paymentsAmountGauge, Object.fromEntries(Object.entries(book.paymentsByStatus).map(([s, v]) => [s, v.amount])));
    bookUp.set(1);
  } catch {
    bookUp.set(0);
  }
}

let sdkAddress: string | undefined;

/** Where this process' Temporal SDK runtime exports its metrics (set where the runtime is installed). */
export function sdkMetricsAddress(address: string | undefined): void {
  sdkAddress = address;
}

/** The whole answer to a scrape: this registry, then the SDK exporter's metrics when there is one. */
export async function renderMetrics(): Promise<string> {
  await refreshBook();
  const own = await metricsRegistry.metrics();
  if (!sdkAddress) return own;
  try {
    const res = await fetch(`http://${sdkAddress}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return own;
    return `${own}\n${await res.text()}`;
  } catch {
    return own; // the exporter starts with the runtime's first worker; until then only our own
  }
}

/** `/v1/loans/:loanId` → `/v1/loans/{loanId}` */
export function routeLabel(template: string | undefined): string {
  return template ? template.replace(/:(\w+)/g, '{$1}') : 'unmatched';
}

/** A decimal string in SEK as a number for a counter (counters are floats; the ledger stays exact). */
export function sek(amount: string | { toString(): string }): number {
  const n = Number(String(amount));
  return Number.isFinite(n) ? n : 0;
}
