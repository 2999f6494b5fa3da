import { createTestDatabase } from './postgres';

export default async function setup(): Promise<void> {
  const db = await createTestDatabase('integration');
  process.env.TEST_DATABASE_URL_INTEGRATION = db.url;
  (globalThis as { __dropIntegrationDb?: () => Promise<void> }).__dropIntegrationDb = db.drop;
}
