/**
 * The one Kysely `Database` type and how to open it. Repositories are plain functions taking the
 * `db` (or a transaction) first.
 */
import { Kysely, PostgresDialect, type Generated } from 'kysely';
import pg from 'pg';

// numeric and int8 arrive as strings: amounts stay exact (R-MONEY-1), never JS numbers.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v); // dates stay 'YYYY-MM-DD'

export interface DiagnosticRunTable {
  /** Idempotency key: `<workflowId>:diagnostic` */
  id: string;
  workflow_id: string;
  requested_by: string;
  recorded_at: Generated<Date>;
}

export interface Database {
  diagnostic_runs: DiagnosticRunTable;
}

export type Db = Kysely<Database>;

export function createDb(databaseUrl: string, maxConnections = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle connection dropped by the server (restart, shutdown) must not crash the process; the
  // pool replaces it and the next query reports any real outage.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
