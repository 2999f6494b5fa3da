/**
 * Quote benchmark (R-PROD-6): `npm run bench:quote`. Not a test; prints a table.
 *
 * In-process: a 120-month payment plan + APR (the most expensive quote), warmed up first, timed one
 * call at a time with process.hrtime.bigint so p50/p99 are per-quote latencies.
 * HTTP: see the marked section at the bottom; `runBenchmarks` takes extra sections as functions.
 */
import { Decimal } from '../domain/money';
import { quote, type QuoteRequest, toQuoteResponse } from '../domain/quote';

export interface LatencyStats {
  section: string;
  iterations: number;
  quotesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BenchOptions {
  warmupIterations: number;
  iterations: number;
}

/** A section times one quote per call; it may be async (HTTP). */
export interface BenchSection {
  name: string;
  runOnce: () => unknown;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = { warmupIterations: 2_000, iterations: 10_000 };

/** The worst-case quote: longest term, every installment with a notice fee. */
export const BENCH_REQUEST: QuoteRequest = {
  amount: new Decimal('200000'),
  termMonths: 120,
  nominalRatePercent: new Decimal('18.95'),
  noticeChannel: 'paper',
  payoutDate: '2026-03-10',
};

function percentile(sortedNs: readonly bigint[], p: number): number {
  const index = Math.min(sortedNs.length - 1, Math.ceil((p / 100) * sortedNs.length) - 1);
  return Number(sortedNs[Math.max(0, index)]!) / 1e6;
}

export async function measure(
  section: BenchSection,
  options: BenchOptions = DEFAULT_BENCH_OPTIONS,
): Promise<LatencyStats> {
  for (let i = 0; i < options.warmupIterations; i++) await section.runOnce();
  const samples: bigint[] = new Array<bigint>(options.iterations);
  const started = process.hrtime.bigint();
  for (let i = 0; i < options.iterations; i++) {
    const t0 = process.hrtime.bigint();
    await section.runOnce();
    samples[i] = process.hrtime.bigint() - t0;
  }
  const elapsedNs = process.hrtime.bigint() - started;
  samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    section: section.name,
    iterations: options.iterations,
    quotesPerSecond: Math.round((options.iterations * 1e9) / Number(elapsedNs)),
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    maxMs: percentile(samples, 100),
  };
}

/** In-process sections: the domain quote alone, and with API serialisation. */
export function inProcessSections(request: QuoteRequest = BENCH_REQUEST): BenchSection[] {
  return [
    { name: 'in-process quote (120 months + APR)', runOnce: () => quote(request) },
    { name: 'in-process quote + toQuoteResponse', runOnce: () => toQuoteResponse(quote(request)) },
  ];
}

export function printTable(rows: readonly LatencyStats[]): void {
  const header = ['section', 'iterations', 'quotes/s', 'p50 ms', 'p99 ms', 'max ms'];
  const body = rows.map((r) => [
    r.section,
    String(r.iterations),
    String(r.quotesPerSecond),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    r.maxMs.toFixed(3),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

export async function runBenchmarks(
  extraSections: readonly BenchSection[] = [],
  options: BenchOptions = DEFAULT_BENCH_OPTIONS,
): Promise<LatencyStats[]> {
  const rows: LatencyStats[] = [];
  for (const section of [...inProcessSections(), ...extraSections]) rows.push(await measure(section, options));
  return rows;
}

async function main(): Promise<void> {
  const sample = toQuoteResponse(quote(BENCH_REQUEST));
  console.log(
    `quote: ${sample.amount} SEK, ${sample.termMonths} months, ${sample.nominalRatePercent} %, ${sample.noticeChannel}` +
      ` → monthly ${sample.monthlyPayment}, APR ${sample.aprPercent} %\n`,
  );

  // ---- HTTP section (to be added) ------------------------------------------------------------
  // Push sections timing POST /quotes against a running API, e.g.
  //   { name: 'HTTP POST /quotes', runOnce: () => fetch(url, { method: 'POST', body, headers }) }
  // (async runOnce is awaited per call, so latencies are end-to-end).
  const httpSections: BenchSection[] = [];
  // ---------------------------------------------------------------------------------------------

  printTable(await runBenchmarks(httpSections));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
