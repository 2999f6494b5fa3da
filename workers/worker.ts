/**
 * Production worker entry (`npm run worker`): connects to TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE
 * (TLS or API key for a hosted cluster) and DATABASE_URL. Run as many as load needs.
 */
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { bookCounts } from '../db/metrics-repository';
import { listenHost, loadConfig } from '../platform/config';
import { observeBook } from '../platform/metrics';
import { startMetricsServer } from '../platform/metrics-server';
import { createLogger, resolveLogFormat } from '../platform/logger';
import { installTemporalLogging } from '../platform/temporal-logging';
import {
  connectClient,
  connectWorkerConnection,
  encryptingDataConverter,
  resolveEncryptionKeys,
} from '../platform/temporal-connection';
import { createEngineAdapters, createEngineWorker } from './create-worker';
import { createEnforcementClient } from './enforcement';
import { ensureLateInvoiceSweep } from './late-invoice-sweep';
import { ensureRetentionSweep } from './retention-sweep';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker', resolveLogFormat(config.LOG_FORMAT));
  installTemporalLogging(logger, config.TEMPORAL_METRICS_ADDRESS); // the SDK's metrics join /metrics
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run worker` (`npm start` runs an embedded PostgreSQL)');
    process.exit(78);
  }
  const db = createDb(config.DATABASE_URL, 10, (err) =>
    logger.warn({ err }, 'database connection dropped; reconnecting'),
  );
  await migrateToLatest(db);
  // GET /metrics on WORKER_METRICS_PORT: activity counters, book gauges, the SDK's metrics.
  observeBook(() => bookCounts(db));
  const metrics =
    config.WORKER_METRICS_PORT > 0
      ? await startMetricsServer(config.WORKER_METRICS_PORT, listenHost(config))
      : undefined;
  if (metrics) logger.info({ port: metrics.port }, 'metrics at /metrics');
  // Sandbox mode: the doubles shared with `npm run api` (SANDBOX_BASE_PORT), whichever starts first owns them.
  const adapterSet = await createEngineAdapters(config, logger);
  const enforcement = await createEnforcementClient(config, logger); // R-COLL-3
  const connection = await connectWorkerConnection(config);
  const dataConverter = encryptingDataConverter(resolveEncryptionKeys(config));
  const worker = await createEngineWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    deps: {
      db,
      adapters: adapterSet.adapters,
      complaints: { officerEmail: config.COMPLAINTS_OFFICER_EMAIL },
      application: { operationsEmail: config.OPERATIONS_EMAIL },
      ...(enforcement.client ? { enforcement: enforcement.client } : {}),
    },
  });
  // One sweep for the book, whichever worker starts first (R-LOAN-3).
  const client = await connectClient(config, dataConverter);
  await ensureLateInvoiceSweep(client, config.TEMPORAL_TASK_QUEUE);
  await ensureRetentionSweep(client, config.TEMPORAL_TASK_QUEUE); // R-SEC-2, nightly
  await client.connection.close();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker polling');
  await worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  await connection.close();
  await metrics?.stop();
  await adapterSet.stop();
  await db.destroy();
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
