/**
 * Typed adapter errors. Every error says which external system failed, a stable machine-readable
 * `code`, and whether retrying the same call (with the same idempotency key) can help, so that
 * activities can map it to a retryable or non-retryable Temporal failure.
 *
 * Messages never carry personal data (R-SEC-2): they name the system, the operation, the HTTP
 * status and the remote error code. Free text from a remote system passes through `redactText`.
 */
import { redactText } from '../../platform/logger';

export type AdapterSystem =
  'bankid' | 'bureau' | 'open-banking' | 'bank-payout' | 'email' | 'sms' | 'post' | 'enforcement' | 'direct-debit';

export interface AdapterErrorOptions {
  /** HTTP status of the remote answer, when there was one. */
  httpStatus?: number;
  cause?: unknown;
}

export class AdapterError extends Error {
  readonly httpStatus: number | undefined;

  constructor(
    readonly system: AdapterSystem,
    readonly code: string,
    readonly retryable: boolean,
    message: string,
    options: AdapterErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdapterError';
    this.httpStatus = options.httpStatus;
  }
}

export type TransportErrorCode = 'network' | 'timeout' | 'bad_response';

/**
 * The remote system could not be reached, did not answer in time, or answered something that is
 * not its protocol. Always retryable: the call may or may not have had its effect, which is why
 * every effectful call carries an idempotency key.
 */
export class AdapterTransportError extends AdapterError {
  declare readonly code: TransportErrorCode;

  constructor(system: AdapterSystem, code: TransportErrorCode, message: string, options: AdapterErrorOptions = {}) {
    super(system, code, true, message, options);
    this.name = 'AdapterTransportError';
  }
}

/**
 * The idempotency key was used before with a different request. Never retryable: it is a bug in
 * the caller (two different effects under one key), and retrying would not change the answer.
 */
export class IdempotencyConflictError extends AdapterError {
  constructor(system: AdapterSystem, operation: string, options: AdapterErrorOptions = {}) {
    super(
      system,
      'idempotency_conflict',
      false,
      `${system} ${operation}: idempotency key already used with a different request`,
      options,
    );
    this.name = 'IdempotencyConflictError';
  }
}

/** An error answer of a JSON-over-HTTP system other than BankID (`{ error, message }`). */
export class RemoteServiceError extends AdapterError {
  constructor(system: AdapterSystem, code: string, retryable: boolean, message: string, options: AdapterErrorOptions) {
    super(system, code, retryable, message, options);
    this.name = 'RemoteServiceError';
  }
}

/** True for errors a retry of the same call may overcome (transport faults, 5xx, 429). */
export function isRetryableAdapterError(err: unknown): boolean {
  return err instanceof AdapterError && err.retryable;
}

/** Remote free text in an error message: personal data masked, bounded length. */
export function safeRemoteText(text: unknown): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  const redacted = redactText(text);
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}

/** Retryable HTTP statuses for the JSON-over-HTTP systems. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
