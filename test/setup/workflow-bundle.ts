/** Bundles the workflows once per test run; workers in every test file reuse the file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../platform/config';
import { TOOL_WORKFLOWS_PATH } from '../../workers/create-worker';

export async function bundleWorkflowsToFile(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: TOOL_WORKFLOWS_PATH, logger: quietLogger });
  const dir = path.join(PROJECT_ROOT, '.data', 'test');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(file, code);
  return file;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
