/**
 * `npm run import:bgmax -- <file> [--operator <name>]` (R-PAY-2): imports a Bankgirot BgMax file
 * exactly as `POST /v1/payment-files` does (api/payment-files.ts), against the engine's database and
 * Temporal (DATABASE_URL, else the embedded PostgreSQL of a running `npm start`), and prints the
 * report. Exit 0: imported (or imported before: the same report); 1: refused whole (line and
 * reason); 2: a different file with the same identity was imported; 3: imported, but some payments'
 * workflows could not be started (run the same command again).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { importBgMaxFile } from '../api/payment-files';
import { createDb } from '../db/database';
import { stockholmDate } from '../domain/dates';
import { loadConfig } from '../platform/config';
import { EncryptionCodec } from '../platform/payload-codec';
import { connectClient, resolveEncryptionKeys } from '../platform/temporal-connection';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const operatorAt = args.indexOf('--operator');
  const operator = operatorAt >= 0 ? args.splice(operatorAt, 2)[1] : `cli:${userInfo().username}`;
  const [file] = args;
  if (!file || !operator) {
    console.error('usage: npm run import:bgmax -- <file> [--operator <name>]');
    return 64;
  }
  const config = loadConfig();
  // Without DATABASE_URL: the embedded PostgreSQL `npm start` runs (platform/embedded-postgres.ts).
  const databaseUrl =
    config.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}/loan_engine`;
  const db = createDb(databaseUrl, 2);
  const temporal = await connectClient(config, { payloadCodecs: [new EncryptionCodec(resolveEncryptionKeys(config))] });
  try {
    const outcome = await importBgMaxFile({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }, readFileSync(file), {
      operator,
      today: stockholmDate(new Date()),
    });
    switch (outcome.kind) {
      case 'malformed':
        console.error(`refused whole: line ${outcome.line}: ${outcome.reason}`);
        return 1;
      case 'conflict':
        console.error(outcome.detail);
        return 2;
      default:
        console.log(JSON.stringify({ outcome: outcome.kind, ...outcome.report }, null, 2));
        if (outcome.startFailures > 0) {
          console.error(`${outcome.startFailures} payment(s) not started: Temporal unavailable, run again`);
          return 3;
        }
        return 0;
    }
  } finally {
    await db.destroy();
    await temporal.connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(70);
  },
);
