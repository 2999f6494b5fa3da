/**
 * The sandbox doubles in a process of their own for a benchmark (bench/applications.ts), as they
 * run beside `npm run worker` when `npm run api` owns them: their CPU is then measured apart from
 * the engine's. Started with an IPC channel; sends `{ endpoints, credentials }` once listening and
 * stops when the parent disconnects.
 */
import { createSandboxAdapters } from '../adapters';

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/sandbox-process.ts runs as a child with an IPC channel');
  const set = await createSandboxAdapters();
  process.send({ endpoints: set.endpoints, credentials: set.credentials });
  process.on('disconnect', () => {
    void set.stop().finally(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`bench sandbox process failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
