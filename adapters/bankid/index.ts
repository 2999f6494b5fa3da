export {
  FAILED_HINT_CODES,
  PENDING_HINT_CODES,
  type BankIdAuthRequest,
  type BankIdClient,
  type BankIdCollectResult,
  type BankIdCompletionData,
  type BankIdErrorCode,
  type BankIdFailedHintCode,
  type BankIdHintCode,
  type BankIdOrder,
  type BankIdPendingHintCode,
  type BankIdRequirement,
  type BankIdSignRequest,
} from './types';
export { BankIdError, bankIdErrorCodeForStatus, isRetryableBankIdError } from './errors';
export { autoStartLink, qrAuthCode, qrCodeContent } from './qr';
export { BankIdHttpClient, BANKID_API_PATH, type BankIdClientSettings } from './client';
export { BankIdSandbox, type BankIdSandboxOptions, type BankIdSandboxSteering, type BankIdOrderView } from './sandbox';
