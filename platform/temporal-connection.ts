/**
 * How every client and worker connects to Temporal: one place for the address, TLS / API key for
 * a hosted cluster, and the encrypting data converter (used from day one by every process).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  Client,
  Connection,
  type ConnectionOptions,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { type Config, encryptionKeysSchema } from './config';
import { EncryptionCodec, type EncryptionKey, generateEncryptionKeySpec } from './payload-codec';

export interface TemporalConnectionSettings {
  address: string;
  tls?: boolean | { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer };
  apiKey?: string;
}

export function temporalConnectionSettings(config: Config): TemporalConnectionSettings {
  const settings: TemporalConnectionSettings = { address: config.TEMPORAL_ADDRESS };
  if (config.TEMPORAL_TLS || config.TEMPORAL_TLS_CERT_PATH || config.TEMPORAL_API_KEY) {
    settings.tls = {
      ...(config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
        ? {
            clientCertPair: {
              crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH),
              key: readFileSync(config.TEMPORAL_TLS_KEY_PATH),
            },
          }
        : {}),
      ...(config.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(config.TEMPORAL_TLS_CA_PATH) } : {}),
    };
  }
  if (config.TEMPORAL_API_KEY) settings.apiKey = config.TEMPORAL_API_KEY;
  return settings;
}

export function encryptingDataConverter(keys: readonly EncryptionKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/**
 * The payload keys: from PAYLOAD_ENCRYPTION_KEYS, or in sandbox mode a development key kept in the
 * data folder, so a restart of `npm start` can still read every earlier payload.
 */
export function resolveEncryptionKeys(config: Config): EncryptionKey[] {
  if (config.PAYLOAD_ENCRYPTION_KEYS) return config.PAYLOAD_ENCRYPTION_KEYS;
  if (config.ENGINE_MODE === 'production') throw new Error('PAYLOAD_ENCRYPTION_KEYS is required in production mode');
  const file = path.join(config.DATA_DIR, 'payload-encryption-keys');
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, generateEncryptionKeySpec('dev-1') + '\n', { mode: 0o600 });
  }
  return encryptionKeysSchema.parse(readFileSync(file, 'utf8').trim());
}

/**
 * For the API's client: a call Temporal cannot take (the server is down) is retried briefly, about
 * a second, instead of the SDK's default of about 20 s, so the API answers 503 quickly and the
 * caller retries (api/problem.ts). Workers and scripts keep the default patience.
 */
export function apiConnectionOptions(): Pick<ConnectionOptions, 'interceptors'> {
  const retry = defaultGrpcRetryOptions({ maxAttempts: 3, maxIntervalMs: () => 500 });
  return { interceptors: [makeGrpcRetryInterceptor(retry)] };
}

export async function connectClient(
  config: Config,
  dataConverter: DataConverter,
  options: Pick<ConnectionOptions, 'interceptors'> = {},
): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionSettings(config), ...options });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

export async function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionSettings(config));
}

/**
 * The HS256 secret for API tokens: JWT_SECRET, or in sandbox mode a development secret kept in the
 * data folder so `npm run token` and `npm start` agree across restarts.
 */
export function resolveJwtSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.ENGINE_MODE === 'production') throw new Error('JWT_SECRET is required in production mode');
  const file = path.join(config.DATA_DIR, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
