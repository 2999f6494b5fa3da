/**
 * Migrations and the diagnostics repository on real PostgreSQL: the schema is created from
 * nothing, a second (or concurrent) run changes nothing, and the idempotent insert keeps the
 * first recording.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../../db/database';
import { countDiagnosticRuns, recordDiagnosticRun } from '../../db/diagnostics-repository';
import { migrateToLatest } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { openTestDb } from '../support/db';

const MIGRATION_NAMES = Object.keys(migrations).sort();

function integrationUrl(): string {
  const url = process.env.TEST_DATABASE_URL_INTEGRATION;
  if (!url) throw new Error('TEST_DATABASE_URL_INTEGRATION is not set: run through jest');
  return url;
}

/** The integration server's URL for another database on it. */
function urlOf(database: string): string {
  const url = new URL(integrationUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: integrationUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function tablesOf(db: Db): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name
  `.execute(db);
  return rows.map((r) => r.table_name);
}

describe('migrateToLatest on an empty database', () => {
  const database = `loan_engine_migrations_${process.pid}_${Date.now()}`;
  let db: Db;

  beforeAll(async () => {
    await admin((c) => c.query(`create database "${database}"`));
    db = createDb(urlOf(database), 5);
  });

  afterAll(async () => {
    await db?.destroy();
    await admin((c) => c.query(`drop database if exists "${database}" with (force)`));
  });

  it('has timestamp-named migrations in order', () => {
    expect(MIGRATION_NAMES.length).toBeGreaterThan(0);
    for (const name of MIGRATION_NAMES) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}_[a-z0-9_-]+$/);
    expect(Object.keys(migrations)).toEqual(MIGRATION_NAMES); // declared in the order they run
  });

  it('creates the tables on the first run and reports every migration it applied', async () => {
    expect(await tablesOf(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual(MIGRATION_NAMES);
    const tables = await tablesOf(db);
    expect(tables).toEqual(
      expect.arrayContaining(['diagnostic_runs', 'operator_audit', 'kysely_migration', 'kysely_migration_lock']),
    );
  });

  it('gives diagnostic_runs the expected columns', async () => {
    const { rows } = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
      select column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name = 'diagnostic_runs' order by ordinal_position
    `.execute(db);
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'workflow_id', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'requested_by', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'recorded_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
    ]);
  });

  it('gives operator_audit (R-SEC-1) the expected columns: ids and outcomes, no bodies', async () => {
    const { rows } = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
      select column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name = 'operator_audit' order by ordinal_position
    `.execute(db);
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'operator', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'method', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'route', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'params', data_type: 'jsonb', is_nullable: 'NO' },
      { column_name: 'status', data_type: 'integer', is_nullable: 'NO' },
      { column_name: 'outcome', data_type: 'text', is_nullable: 'NO' },
    ]);
    await expect(
      sql`insert into operator_audit (operator, method, route, status, outcome)
          values ('op-1', 'GET', '/v1/loans', 200, 'maybe')`.execute(db),
    ).rejects.toThrow(/check constraint/);
  });

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    const before = await tablesOf(db);
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await tablesOf(db)).toEqual(before);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  });
});

describe('migrateToLatest from several processes at once', () => {
  const database = `loan_engine_migrations_race_${process.pid}_${Date.now()}`;
  const dbs: Db[] = [];

  beforeAll(async () => {
    await admin((c) => c.query(`create database "${database}"`));
    for (let i = 0; i < 3; i++) dbs.push(createDb(urlOf(database), 2));
  });

  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.destroy()));
    await admin((c) => c.query(`drop database if exists "${database}" with (force)`));
  });

  it('serialises concurrent first runs: one applies the migrations, the others find nothing to do', async () => {
    const results = await Promise.all(dbs.map((db) => migrateToLatest(db)));
    expect(results.filter((r) => r.length > 0)).toEqual([MIGRATION_NAMES]);
    expect(results.filter((r) => r.length === 0)).toHaveLength(dbs.length - 1);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(dbs[0]!);
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  });
});

describe('diagnostics repository', () => {
  let db: Db;

  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('the run database is migrated to the latest version', async () => {
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await tablesOf(db)).toContain('diagnostic_runs');
  });

  it('records a run once per idempotency key and returns the first recording on a repeat', async () => {
    const workflowId = `diagnostics-${randomUUID()}`;
    const key = `${workflowId}:diagnostic`;
    const first = await recordDiagnosticRun(db, { idempotencyKey: key, workflowId, requestedBy: 'ops-1' });
    expect(first).toMatchObject({ id: key, workflow_id: workflowId, requested_by: 'ops-1' });
    expect(first.recorded_at).toBeInstanceOf(Date);

    await new Promise((resolve) => setTimeout(resolve, 20)); // a later now() would show on a second insert
    const repeat = await recordDiagnosticRun(db, { idempotencyKey: key, workflowId, requestedBy: 'ops-2' });
    expect(repeat).toEqual(first);
    expect(repeat.recorded_at.getTime()).toBe(first.recorded_at.getTime());
    expect(await countDiagnosticRuns(db, workflowId)).toBe(1);
  });

  it('concurrent inserts with the same key store one row and all return it', async () => {
    const workflowId = `diagnostics-${randomUUID()}`;
    const input = { idempotencyKey: `${workflowId}:diagnostic`, workflowId, requestedBy: 'ops-1' };
    const rows = await Promise.all(Array.from({ length: 5 }, () => recordDiagnosticRun(db, input)));
    for (const row of rows) expect(row).toEqual(rows[0]);
    expect(await countDiagnosticRuns(db, workflowId)).toBe(1);
  });

  it('keeps different keys apart and counts per workflow', async () => {
    const workflowId = `diagnostics-${randomUUID()}`;
    await recordDiagnosticRun(db, { idempotencyKey: `${workflowId}:a`, workflowId, requestedBy: 'ops-1' });
    await recordDiagnosticRun(db, { idempotencyKey: `${workflowId}:b`, workflowId, requestedBy: 'ops-1' });
    expect(await countDiagnosticRuns(db, workflowId)).toBe(2);
    expect(await countDiagnosticRuns(db, `diagnostics-${randomUUID()}`)).toBe(0);
  });
});
