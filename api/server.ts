/**
 * Production API entry (`npm run api`): stateless, so any number run behind a load balancer.
 */
import { type AdapterSet, apiBankIdClient, createAdapters } from '../adapters';
import { SmtpEmailClient } from '../adapters/email';
import { createDb } from '../db/database';
import { listenHost, loadConfig, sandboxWarning } from '../platform/config';
import { createLogger, resolveLogFormat } from '../platform/logger';
import { EncryptionCodec } from '../platform/payload-codec';
import {
  apiConnectionOptions,
  connectClient,
  resolveEncryptionKeys,
  resolveJwtSecret,
} from '../platform/temporal-connection';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api', resolveLogFormat(config.LOG_FORMAT));
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run api` (`npm start` runs an embedded PostgreSQL)');
    process.exit(78);
  }
  const db = createDb(config.DATABASE_URL, 10, (err) =>
    logger.warn({ err }, 'database connection dropped; reconnecting'),
  );
  const keys = resolveEncryptionKeys(config);
  const codec = new EncryptionCodec(keys);
  const temporal = await connectClient(config, { payloadCodecs: [codec] }, apiConnectionOptions());
  // Sandbox mode: steer the doubles the workers use (this process owns them if it starts first).
  let sandbox: AdapterSet | undefined;
  if (config.ENGINE_MODE === 'sandbox' && config.SANDBOX_BASE_PORT > 0) {
    sandbox = await createAdapters(config, {
      logger,
      sandboxBasePort: config.SANDBOX_BASE_PORT,
      sandboxSecret: config.SANDBOX_SECRET,
    });
  }
  // The customer pages' BankID login: the shared sandbox double, or in production the RP API itself.
  const bankId = sandbox ? sandbox.adapters.bankId : apiBankIdClient(config, logger);
  if (!bankId) logger.warn('BANKID_BASE_URL is not set: BankID login to the customer pages is unavailable');
  const app = createApp({
    config,
    db,
    temporal,
    codec,
    jwtSecret: resolveJwtSecret(config),
    logger,
    sandbox: sandbox?.sandbox,
    bankId,
    // The back-office's password-reset mail (web/vendor): the doubles, or the SMTP server.
    email:
      sandbox?.adapters.email ??
      (config.SMTP_HOST && config.EMAIL_FROM
        ? new SmtpEmailClient({
            host: config.SMTP_HOST,
            port: config.SMTP_PORT,
            secure: config.SMTP_SECURE,
            requireTLS: config.SMTP_REQUIRE_TLS,
            auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
            from: config.EMAIL_FROM,
          })
        : undefined),
  });
  const host = listenHost(config);
  const warning = sandboxWarning(config);
  if (warning) logger.warn(warning);
  const server = app.listen(config.PORT, host, () => logger.info(`API listening on http://${host}:${config.PORT}`));
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
  process.stderr.write(`api failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
