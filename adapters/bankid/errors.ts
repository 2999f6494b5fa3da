import { AdapterError, safeRemoteText } from '../shared/errors';
import type { BankIdErrorCode } from './types';

/**
 * An error answer of the BankID RP API: HTTP 4xx/5xx with `{ errorCode, details }`.
 *
 * Retryable: `requestTimeout`, `tooManyRequests`, `internalError`, `maintenance`, and
 * `alreadyInProgress` (BankID cancels the earlier order of that person, so a new start succeeds;
 * an RP with a user in front of it shows RFA4 instead). `invalidParameters` and the rest are
 * faults in the request and are not retried.
 */
export class BankIdError extends AdapterError {
  constructor(
    readonly errorCode: BankIdErrorCode,
    readonly details: string,
    operation: string,
    httpStatus: number,
  ) {
    super(
      'bankid',
      errorCode,
      isRetryableBankIdError(errorCode, httpStatus),
      `bankid ${operation}: HTTP ${httpStatus} ${errorCode}${details ? ` (${safeRemoteText(details)})` : ''}`,
      { httpStatus },
    );
    this.name = 'BankIdError';
  }
}

const RETRYABLE = new Set<string>([
  'alreadyInProgress',
  'requestTimeout',
  'tooManyRequests',
  'internalError',
  'maintenance',
]);

export function isRetryableBankIdError(errorCode: string, httpStatus: number): boolean {
  return RETRYABLE.has(errorCode) || httpStatus >= 500;
}

/** The errorCode BankID uses for a status when the body carries none. */
export function bankIdErrorCodeForStatus(status: number): BankIdErrorCode {
  switch (status) {
    case 400:
      return 'invalidParameters';
    case 401:
    case 403:
      return 'unauthorized';
    case 404:
      return 'notFound';
    case 405:
      return 'methodNotAllowed';
    case 408:
      return 'requestTimeout';
    case 415:
      return 'unsupportedMediaType';
    case 429:
      return 'tooManyRequests';
    case 503:
      return 'maintenance';
    default:
      return 'internalError';
  }
}
