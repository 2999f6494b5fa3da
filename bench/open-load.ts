/**
 * bench:api's load: an open model at a fixed rate. Request i is due at start + i / rate seconds and
 * is sent then, whatever earlier requests are still doing; its latency counts from when it was due,
 * so waiting for a free connection counts too (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection its share of the rate and lets the
 * connection send that share back to back at the start of every second, all connections on the
 * same tick. With 50 connections every second began with 50 requests at once (200 at 200 rps, 4
 * per connection in a row), so its p99 measured how long the server takes to drain a burst of 50,
 * not its latency at the rate asked.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** `http://host:port` */
  base: string;
  rate: number;
  seconds: number;
  /** At most this many requests in flight; a later one waits for a free connection. */
  connections: number;
  /** After the last request is due, how long the rest may still take before they count as unanswered. */
  drainMs: number;
  request: () => LoadRequest;
}

export interface LoadResult {
  sent: number;
  /** Milliseconds from due to the response's end, ascending, for every response (any status). */
  latencies: number[];
  non2xx: number;
  /** Connection errors. */
  errors: number;
  /** Sent but not answered within `drainMs` after the last was due. */
  unanswered: number;
}

/** The q-quantile (0–1) of ascending values; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export async function openLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let settled = 0;
  let onSettled: () => void = () => undefined;

  const send = (due: number): void => {
    const r = options.request();
    const done = (ok: boolean, status?: number) => {
      if (ok) {
        latencies.push(performance.now() - due);
        if (status! < 200 || status! > 299) non2xx++;
      } else errors++;
      settled++;
      onSettled();
    };
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': Buffer.byteLength(r.body) } : {}) },
      },
      (res) => {
        res.resume();
        res.once('end', () => done(true, res.statusCode));
        res.once('error', () => done(false));
      },
    );
    req.once('error', () => done(false));
    req.end(r.body);
  };

  const start = performance.now();
  const dueOf = (i: number) => start + (i * 1000) / options.rate;
  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && dueOf(i) <= now) send(dueOf(i++));
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, dueOf(i) - performance.now()));
    };
    tick();
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.drainMs);
    onSettled = () => {
      if (settled < total) return;
      clearTimeout(timer);
      resolve();
    };
    onSettled();
  });
  agent.destroy();
  const unanswered = total - settled;
  return { sent: total, latencies: latencies.sort((a, b) => a - b), non2xx, errors, unanswered };
}
