/**
 * A worker in a process of its own, for tests that kill it (SIGKILL) mid-flight: the engine's
 * worker on the given task queue, PostgreSQL and the sandbox doubles that live in the test process
 * (reached with `connectToSandbox`). Prints `READY` once it polls.
 *
 * Environment: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, WORKFLOW_BUNDLE (a file), and
 * SANDBOX_ENDPOINTS / SANDBOX_CREDENTIALS (JSON).
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { connectToSandbox, type SandboxCredentials, type SandboxEndpoints } from '../../adapters';
import { createDb } from '../../db/database';
import { createEngineWorker } from '../../workers/create-worker';
import { testDataConverter } from './temporal';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const db = createDb(env('DATABASE_URL'), 5);
  const adapters = connectToSandbox(
    JSON.parse(env('SANDBOX_ENDPOINTS')) as SandboxEndpoints,
    JSON.parse(env('SANDBOX_CREDENTIALS')) as SandboxCredentials,
  );
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const worker = await createEngineWorker({
    connection,
    namespace: 'default',
    taskQueue: env('TASK_QUEUE'),
    dataConverter: testDataConverter,
    deps: { db, adapters: adapters.adapters, application: { bankIdPollIntervalMs: 100 } },
    workflowBundle: { code: readFileSync(env('WORKFLOW_BUNDLE'), 'utf8') },
  });
  const running = worker.run();
  process.stdout.write('READY\n');
  await running;
  await connection.close();
  await adapters.stop();
  await db.destroy();
}

main().catch((err) => {
  process.stderr.write(`worker process failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
