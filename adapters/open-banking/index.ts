export type {
  OpenBankingClient,
  StartVerificationRequest,
  StartedVerification,
  Verification,
  VerificationStatus,
} from './types';
export { OpenBankingHttpClient, type OpenBankingClientSettings } from './client';
export {
  OpenBankingSandbox,
  type OpenBankingSandboxOptions,
  type OpenBankingSandboxSteering,
  type OpenBankingVerificationView,
} from './sandbox';
