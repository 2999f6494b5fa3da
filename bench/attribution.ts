/**
 * Where a benchmark's time goes: CPU by thread of this process and by process around it
 * (the Temporal dev server, a child running the sandbox doubles, the PostgreSQL backends serving
 * the scratch database), the wall time of every activity execution by type (local or not), the
 * statements the activities send through Kysely and PostgreSQL's own counters for the database.
 * Linux only (/proc); elsewhere the CPU rows are empty. Sampled between phases, so two phases of one
 * run compare on the same machine load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { WorkerOptions } from '@temporalio/worker';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  sql,
} from 'kysely';
import type { Db } from '../db/database';

export type ActivityTimes = Record<string, { count: number; ms: number }>;

/** Times every activity execution, local or not, by type (wall time: waits included). */
export function activityTimer(times: ActivityTimes): WorkerOptions['interceptors'] {
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

/**
 * Counts the statements sent through a Kysely instance (`db.withPlugin(counter.plugin)`) by kind and
 * table (`insert applications`); a transaction's BEGIN and COMMIT are not statements here.
 */
export function statementCounter(): { plugin: KyselyPlugin; byKind: Map<string, number> } {
  const byKind = new Map<string, number>();
  type Named = { table?: { identifier?: { name?: string } } };
  const tableOf = (node: unknown): string => {
    const n = node as { into?: Named; table?: Named; from?: { froms?: Named[] } };
    return (
      n.into?.table?.identifier?.name ??
      n.table?.table?.identifier?.name ??
      n.from?.froms?.[0]?.table?.identifier?.name ??
      ''
    );
  };
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const kind = args.node.kind.replace(/QueryNode$|Node$/, '').toLowerCase();
      const key = `${kind} ${tableOf(args.node)}`.trim();
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  return { plugin, byKind };
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** utime + stime of a /proc stat file, in ms; the name in parentheses. */
function readStat(path: string): { name: string; ppid: number; ms: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { name, ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined; // ended between listing and reading
  }
}

function descendants(root: number): Map<number, string> {
  const parents = new Map<number, { ppid: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (stat) parents.set(Number(entry), { ppid: stat.ppid, name: stat.name });
  }
  const found = new Map<number, string>();
  const walk = (pid: number) => {
    for (const [child, { ppid, name }] of parents)
      if (ppid === pid && !found.has(child)) {
        found.set(child, name);
        walk(child);
      }
  };
  walk(root);
  return found;
}

/** CPU ms by component, cumulative since the process (or thread) started. */
export type CpuSample = Map<string, number>;

/**
 * Samples the CPU of this process's threads (grouped: the main JavaScript thread, Node's other
 * threads, the rest), of the processes it started (by `childLabel`) and of
 * the PostgreSQL backends connected to `db`'s database. A backend that disconnects within a phase
 * takes its CPU along; the pool keeps its connections open while busy.
 */
export function cpuSampler(db: Db, childLabel: (name: string, pid: number) => string) {
  const linux = os.platform() === 'linux';
  const backends = new Map<number, number>(); // pid → CPU ms at the last sample
  // Node names its own threads "node" (the workflow thread and V8's background GC and compiler
  // threads alike), so only the main thread is told apart by its id.
  const threadGroup = (tid: number, name: string): string => {
    if (tid === process.pid) return 'worker process: main JS thread (activities, the customer, in-process doubles)';
    if (name === 'node') return 'worker process: workflow thread and V8 background threads (GC, compiler)';
    return 'worker process: other threads (Temporal core in Rust, libuv pool)';
  };
  return async (): Promise<CpuSample> => {
    const sample: CpuSample = new Map();
    if (!linux) return sample;
    const add = (key: string, ms: number) => sample.set(key, (sample.get(key) ?? 0) + ms);
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readStat(`/proc/self/task/${tid}/stat`);
      if (stat) add(threadGroup(Number(tid), stat.name), stat.ms);
    }
    for (const [pid, name] of descendants(process.pid)) {
      const stat = readStat(`/proc/${pid}/stat`);
      if (stat) add(childLabel(name, pid), stat.ms);
    }
    const { rows } = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
    for (const { pid } of rows) {
      const stat = readStat(`/proc/${pid}/stat`);
      if (stat) backends.set(pid, stat.ms);
    }
    // Backends seen before and gone now keep their last reading (their CPU until that sample).
    for (const ms of backends.values()) add('PostgreSQL backends (this database)', ms);
    return sample;
  };
}

export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  const delta: CpuSample = new Map();
  for (const [key, ms] of after) delta.set(key, ms - (before.get(key) ?? 0));
  return delta;
}
