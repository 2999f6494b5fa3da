/**
 * Production API entry (`npm run api`): stateless, so any number run behind a load balancer.
 */
import { type AdapterSet, startOrConnectSandbox } from '../adapters';
import { createDb } from '../db/database';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { EncryptionCodec } from '../platform/payload-codec';
import { connectClient, resolveEncryptionKeys, resolveJwtSecret } from '../platform/temporal-connection';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run api` (`npm start` runs an embedded PostgreSQL)');
    process.exit(78);
  }
  const db = createDb(config.DATABASE_URL);
  const keys = resolveEncryptionKeys(config);
  const codec = new EncryptionCodec(keys);
  const temporal = await connectClient(config, { payloadCodecs: [codec] });
  // Sandbox mode: steer the doubles the workers use (this process owns them if it starts first).
  let sandbox: AdapterSet | undefined;
  if (config.ENGINE_MODE === 'sandbox' && config.SANDBOX_BASE_PORT > 0) {
    const shared = await startOrConnectSandbox({
      basePort: config.SANDBOX_BASE_PORT,
      secret: config.SANDBOX_SECRET,
      logger,
    });
    logger.info({ role: shared.role, basePort: config.SANDBOX_BASE_PORT }, 'sandbox doubles');
    sandbox = shared;
  }
  const app = createApp({
    config,
    db,
    temporal,
    codec,
    jwtSecret: resolveJwtSecret(config),
    logger,
    sandbox: sandbox?.sandbox,
    bankId: sandbox?.adapters.bankId,
  });
  const server = app.listen(config.PORT, () => logger.info(`API listening on http://localhost:${config.PORT}`));
  const stop = () => {
    server.close(async () => {
      await temporal.connection.close();
      await sandbox?.stop();
      await db.destroy();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`api failed: ${(err as Error).message}\n`);
  process.exit(1);
});
