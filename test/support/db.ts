import { createDb, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';

type Layer = 'INTEGRATION' | 'WORKFLOWS' | 'API';

/** The run's database for a test layer (created by that layer's global setup), migrated. */
export async function openTestDb(layer: Layer): Promise<Db> {
  const url = process.env[`TEST_DATABASE_URL_${layer}`];
  if (!url) throw new Error(`TEST_DATABASE_URL_${layer} is not set: run through jest`);
  return openDb(url);
}

/** A database by URL, migrated. */
export async function openDb(url: string): Promise<Db> {
  const db = createDb(url, 5);
  await migrateToLatest(db);
  return db;
}
