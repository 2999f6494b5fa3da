import type { Client } from '@temporalio/client';
import type { SandboxSteering } from '../adapters';
import type { BankIdClient } from '../adapters/bankid';
import type { EmailSender } from '../adapters/email';
import type { Db } from '../db/database';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { EncryptionCodec } from '../platform/payload-codec';

/** Everything the API needs, handed in by the entry point (or a test). */
export interface ApiDeps {
  config: Config;
  db: Db;
  temporal: Client;
  codec: EncryptionCodec;
  jwtSecret: string;
  logger: Logger;
  /** Sandbox mode: steering of the adapter doubles behind `/v1/sandbox/...` (never in production). */
  sandbox?: SandboxSteering;
  /** BankID for logging in to the customer pages (web/); without it the login page says so. */
  bankId?: BankIdClient;
  /** E-mail for the back-office's password-reset links (web/vendor); without it the page says so. */
  email?: EmailSender;
}
