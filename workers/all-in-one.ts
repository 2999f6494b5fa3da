/**
 * `npm start`: the whole engine on one machine with embedded defaults: PostgreSQL (unless
 * DATABASE_URL is set), the Temporal dev server with its web UI (unless TEMPORAL_ADDRESS is set),
 * the worker and the API. Data lives in DATA_DIR, so a restart keeps it and running workflows
 * resume. Ctrl-C stops everything in order.
 */
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { DEMO_VENDOR_LOGIN, seedDemoVendor } from '../web/vendor';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { listenHost, loadConfig, sandboxWarning } from '../platform/config';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger, resolveLogFormat } from '../platform/logger';
import { installTemporalLogging } from '../platform/temporal-logging';
import { EncryptionCodec } from '../platform/payload-codec';
import {
  apiConnectionOptions,
  connectClient,
  connectWorkerConnection,
  resolveEncryptionKeys,
  resolveJwtSecret,
} from '../platform/temporal-connection';
import { startDevServer } from '../platform/temporal-servers';
import { createEngineAdapters, createEngineWorker } from './create-worker';
import { createEnforcementClient } from './enforcement';
import { ensureRetentionSweep } from './retention-sweep';
import { ensureLateInvoiceSweep } from './late-invoice-sweep';

async function main(): Promise<void> {
  let config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'engine', resolveLogFormat(config.LOG_FORMAT));
  installTemporalLogging(logger, config.TEMPORAL_METRICS_ADDRESS); // the SDK's metrics join the API's /metrics
  const stops: Array<() => Promise<unknown>> = [];

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    logger.info('starting embedded PostgreSQL');
    const pg = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_POSTGRES_PORT, logger);
    stops.unshift(() => pg.stop());
    databaseUrl = pg.databaseUrl;
  }
  const db = createDb(databaseUrl, 10, (err) => logger.warn({ err }, 'database connection dropped; reconnecting'));
  stops.unshift(() => db.destroy());
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  let temporalUiUrl: string | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const port = config.TEMPORAL_DEV_PORT;
    logger.info({ port }, 'starting the Temporal dev server');
    config = { ...config, TEMPORAL_ADDRESS: `localhost:${port}` };
    const server = await startDevServer({
      dataDir: path.join(config.DATA_DIR, 'temporal'),
      port,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    stops.unshift(() => server.teardown());
    temporalUiUrl = `http://localhost:${config.TEMPORAL_UI_PORT}`;
  }

  const keys = resolveEncryptionKeys(config);
  const codec = new EncryptionCodec(keys);
  const dataConverter = { payloadCodecs: [codec] };
  const temporal = await connectClient(config, dataConverter, apiConnectionOptions());
  stops.unshift(() => temporal.connection.close());

  // External systems: sandbox doubles (steered from /v1/sandbox/...) or the real clients.
  const adapterSet = await createEngineAdapters(config, logger);
  stops.unshift(() => adapterSet.stop());
  const enforcement = await createEnforcementClient(config, logger); // R-COLL-3
  stops.unshift(() => enforcement.stop());

  const workerConnection = await connectWorkerConnection(config);
  const worker: Worker = await createEngineWorker({
    connection: workerConnection,
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
  const workerRun = worker.run();
  await ensureRetentionSweep(temporal, config.TEMPORAL_TASK_QUEUE); // R-SEC-2, nightly
  await ensureLateInvoiceSweep(temporal, config.TEMPORAL_TASK_QUEUE);
  stops.unshift(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await workerConnection.close();
  });

  const app = createApp({
    config,
    db,
    temporal,
    codec,
    jwtSecret: resolveJwtSecret(config),
    logger,
    sandbox: adapterSet.sandbox,
    bankId: adapterSet.adapters.bankId,
    email: adapterSet.adapters.email,
  });
  // Sandbox mode: the demo shop's user and the local operator login (web/vendor, web/operator).
  if (adapterSet.sandbox) await seedDemoVendor({ db }, DEMO_VENDOR_LOGIN);
  const server = app.listen(config.PORT, listenHost(config));
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  stops.unshift(() => new Promise((resolve) => server.close(resolve)));

  const api = `http://${listenHost(config) === '0.0.0.0' ? 'localhost' : listenHost(config)}:${config.PORT}`;
  process.stdout.write(
    [
      '',
      'Loan engine is running.',
      `  API           ${api}`,
      `  API docs      ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
      `  Customer pages ${api}/   (Mina sidor: ${api}/mina-sidor${adapterSet.sandbox ? `; test BankID app: ${api}/sandbox/bankid-app` : ''})`,
      `  Temporal UI   ${temporalUiUrl ?? `(external cluster at ${config.TEMPORAL_ADDRESS})`}`,
      `  Dev token     npm run token -- --role operator`,
      ...(adapterSet.sandbox
        ? [
            `  Shop pages    ${api}/butik   (demo login: ${DEMO_VENDOR_LOGIN.email} / ${DEMO_VENDOR_LOGIN.password})`,
            `  Back-office   ${api}/operator   (sandbox: local operator login)`,
          ]
        : [`  Back-office   ${api}/operator`]),
      'Press Ctrl-C to stop.',
      ...(sandboxWarning(config) ? ['', sandboxWarning(config)!] : []),
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    for (const s of stops) {
      try {
        await s();
      } catch (err) {
        logger.warn({ err }, 'error while stopping');
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  workerRun.catch((err) => {
    logger.fatal({ err }, 'worker stopped unexpectedly');
    void stop('worker failure');
  });
}

main().catch((err) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
