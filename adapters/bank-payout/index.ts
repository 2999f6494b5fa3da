export type { BankPayoutClient, PayoutDestination, PayoutRequest, PayoutResult, PayoutStatus } from './types';
export { BankPayoutHttpClient, type BankPayoutClientSettings } from './client';
export {
  BankPayoutSandbox,
  type BankPayoutSandboxOptions,
  type BankPayoutSandboxSteering,
  type PayoutView,
} from './sandbox';
