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

/**
 * The layer's test database for the calling describe block (or file): opened before its tests
 * (then handed to `use`), destroyed after them.
 */
export function useTestDb(layer: Layer, use: (db: Db) => void): void {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await openTestDb(layer);
    use(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });
}
