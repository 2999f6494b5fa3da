/**
 * Quote benchmark (R-PROD-6): `npm run bench:quote`. Not a test; prints a table.
 *
 * In-process: a 120-month payment plan + APR (the most expensive quote), warmed up first, timed one
 * call at a time with process.hrtime.bigint so p50/p99 are per-quote latencies.
 * HTTP: the real Express app on a loopback port, POST /v1/quotes one request at a time.
 */
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createDb } from '../db/database';
import { Decimal } from '../domain/money';
import { quote, type QuoteRequest, toQuoteResponse } from '../domain/quote';
import { parseConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { EncryptionCodec } from '../platform/payload-codec';

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

  const rows = await runBenchmarks();
  const api = await startQuoteApi();
  try {
    rows.push(await measure(httpSection(api.url), HTTP_BENCH_OPTIONS));
  } finally {
    await api.stop();
  }
  printTable(rows);
}

const HTTP_BENCH_OPTIONS: BenchOptions = { warmupIterations: 300, iterations: 3_000 };

/** POST /v1/quotes over loopback HTTP with keep-alive, one request at a time (end-to-end latency). */
function httpSection(baseUrl: string): BenchSection {
  const body = JSON.stringify({
    amount: BENCH_REQUEST.amount.toFixed(2),
    termMonths: BENCH_REQUEST.termMonths,
    nominalRatePercent: BENCH_REQUEST.nominalRatePercent.toFixed(2),
    noticeChannel: BENCH_REQUEST.noticeChannel,
    payoutDate: BENCH_REQUEST.payoutDate,
  });
  return {
    name: 'HTTP POST /v1/quotes (loopback)',
    runOnce: async () => {
      const res = await fetch(`${baseUrl}/v1/quotes`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      if (res.status !== 200) throw new Error(`quote failed: ${res.status}`);
      await res.arrayBuffer();
    },
  };
}

/**
 * The real Express app on an ephemeral port. The quote route needs neither PostgreSQL nor Temporal,
 * so both are lazy handles that never connect.
 */
async function startQuoteApi(): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = parseConfig({
    ENGINE_MODE: 'sandbox',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
  });
  const db = createDb('postgres://unused@127.0.0.1:1/unused');
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createApp({
    config,
    db,
    temporal,
    codec: new EncryptionCodec([{ id: 'bench', key: Buffer.alloc(32) }]),
    jwtSecret: config.JWT_SECRET!,
    logger: createLogger('silent'),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
    },
  };
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
