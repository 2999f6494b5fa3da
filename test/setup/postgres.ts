/**
 * A fresh PostgreSQL database for one test run: TEST_DATABASE_URL's server when given, else the
 * machine's PostgreSQL on 127.0.0.1:5432, else an embedded PostgreSQL the run starts itself.
 * The database is created here and dropped by the teardown, so runs never see each other's data.
 * (The helper itself lives in platform/scratch-database.ts; the lifecycle simulator uses it too.)
 */
import { createScratchDatabase } from '../../platform/scratch-database';

export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return createScratchDatabase(`test_${label}`, process.env.TEST_DATABASE_URL);
}
