/**
 * A process of its own (test/api/outages.test.ts): opens the engine's pool on DATABASE_URL, holds
 * a transaction while every other connection to the database is terminated
 * (pg_terminate_backend), and prints `alive` if the process outlived the dropped connection. An
 * unhandled 'error' event from a checked-out client would end it first (jest's own handlers would
 * hide that inside the test process).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { createDb } from '../../db/database';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const db = createDb(url, 2);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  admin.on('error', () => undefined);
  await admin.connect();
  const held = db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [new URL(url).pathname.slice(1)],
    );
    await new Promise((r) => setTimeout(r, 300)); // the server's notice arrives between statements
  });
  await held.then(
    () => process.stdout.write('transaction committed\n'),
    () => process.stdout.write('transaction failed\n'),
  );
  await sql`select 1`.execute(db);
  process.stdout.write('alive\n');
  await db.destroy();
  await admin.end();
}

void main();
