/**
 * A fresh PostgreSQL database for one test run: TEST_DATABASE_URL's server when given, else the
 * machine's PostgreSQL on 127.0.0.1:5432, else an embedded PostgreSQL the run starts itself.
 * The database is created here and dropped by the teardown, so runs never see each other's data.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { createLogger } from '../../platform/logger';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
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

export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  let serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!(await reachable(serverUrl))) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loan-engine-pg-'));
    const embedded = await startEmbeddedPostgres(dir, 54330 + Math.floor(Math.random() * 500), createLogger('warn'));
    serverUrl = withDatabase(embedded.databaseUrl, 'postgres');
    stopEmbedded = embedded.stop;
  }
  const database = `loan_engine_test_${label}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  return {
    url: withDatabase(serverUrl, database),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.end();
      await stopEmbedded?.();
    },
  };
}
