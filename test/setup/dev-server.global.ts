/**
 * API tests: a database, one Temporal dev server for the run (in memory), and the workflow bundle.
 * Test files connect to it through TEST_TEMPORAL_ADDRESS.
 */
import { startDevServer } from '../../platform/temporal-servers';
import { createTestDatabase } from './postgres';
import { bundleWorkflowsToFile } from './workflow-bundle';

export default async function setup(): Promise<void> {
  const db = await createTestDatabase('api');
  process.env.TEST_DATABASE_URL_API = db.url;
  const server = await startDevServer();
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  process.env.TEST_WORKFLOW_BUNDLE_API = await bundleWorkflowsToFile();
  Object.assign(globalThis, { __apiDevServer: server, __dropApiDb: db.drop });
}
