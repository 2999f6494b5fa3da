/**
 * bench:api's worker, in a process of its own as in production (`npm run worker` beside
 * `npm run api`): the tool worker on the bench's task queue, PostgreSQL and the sandbox doubles.
 * The doubles live here, where the activities call them; the API process reaches them as a second
 * engine process does (`connectToSandbox`, steering over the owner's steering endpoint), so their
 * work (SMTP, SMS, the bureau) does not run on the API's event loop. Once it polls it prints one
 * line, `READY <json>` with the doubles' endpoints and credentials; on SIGTERM the SDK shuts the
 * worker down. `SETTLE` on stdin is answered `SETTLED` once the worker has been idle for a second.
 *
 * Environment: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, PAYLOAD_ENCRYPTION_KEYS.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSandboxAdapters } from '../adapters';
import { createDb } from '../db/database';
import { encryptionKeysSchema } from '../platform/config';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { createToolWorker } from '../workers/create-worker';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const db = createDb(env('DATABASE_URL'), 10);
  const sandbox = await createSandboxAdapters();
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const worker = await createToolWorker({
    connection,
    namespace: 'default',
    taskQueue: env('TASK_QUEUE'),
    dataConverter: encryptingDataConverter(encryptionKeysSchema.parse(env('PAYLOAD_ENCRYPTION_KEYS'))),
    deps: { db, adapters: sandbox.adapters, application: { bankIdPollIntervalMs: 250 } },
  });
  const running = worker.run();
  // `SETTLE` on stdin: answer `SETTLED` once nothing has run for a second (or after two minutes),
  // so the work an endpoint's run started does not spill into the next run's figures.
  process.stdin.setEncoding('utf8').on('data', (text: string) => {
    if (!text.includes('SETTLE')) return;
    const deadline = Date.now() + 120_000;
    let quietSince = Date.now();
    const check = setInterval(() => {
      const s = worker.getStatus();
      if (s.numInFlightWorkflowActivations > 0 || s.numInFlightActivities > 0) quietSince = Date.now();
      if (Date.now() - quietSince >= 1_000 || Date.now() > deadline) {
        clearInterval(check);
        process.stdout.write('SETTLED\n');
      }
    }, 50);
  });
  process.stdout.write(`READY ${JSON.stringify({ endpoints: sandbox.endpoints, credentials: sandbox.credentials })}\n`);
  await running;
  await connection.close();
  await sandbox.stop();
  await db.destroy();
}

main().catch((err) => {
  process.stderr.write(`bench:api worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
