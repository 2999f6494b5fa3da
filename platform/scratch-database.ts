/**
 * A fresh, throw-away PostgreSQL database (the tests and the lifecycle simulator): on the server
 * given, else the machine's PostgreSQL on 127.0.0.1:5432, else an embedded PostgreSQL started for
 * the purpose. `drop()` removes the database (and stops the embedded server), so runs never see
 * each other's data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { createLogger } from './logger';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  url: string;
  /** Where the database lives: the server URL given, the local default, or "embedded". */
  server: 'given' | 'local' | 'embedded';
  drop: () => Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined); // a dropped connection fails the awaited call instead
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates `loan_engine_<label>_<pid>_<time>` on `serverUrl` (any database URL of a server whose
 * user may create databases), falling back to the local server and then to an embedded one.
 */
export async function createScratchDatabase(label: string, serverUrl?: string): Promise<ScratchDatabase> {
  let server: ScratchDatabase['server'] = serverUrl ? 'given' : 'local';
  let adminUrl = serverUrl ?? DEFAULT_SERVER;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!(await reachable(adminUrl))) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loan-engine-pg-'));
    const embedded = await startEmbeddedPostgres(dir, 54330 + Math.floor(Math.random() * 500), createLogger('warn'));
    adminUrl = withDatabase(embedded.databaseUrl, 'postgres');
    server = 'embedded';
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const database = `loan_engine_${label}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => undefined); // a dropped connection fails the awaited call instead
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, database),
    server,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      c.on('error', () => undefined);
      await c.connect();
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.end();
      await stopEmbedded?.();
    },
  };
}
