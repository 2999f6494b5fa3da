export type {
  DirectDebitClient,
  DrawRefusalReason,
  DrawRequest,
  DrawResult,
  DrawStatus,
  MandateRegistration,
  MandateResult,
  MandateStatus,
  PayerAccount,
} from './types';
export { DirectDebitHttpClient, type DirectDebitClientSettings } from './client';
export {
  DirectDebitSandbox,
  type DirectDebitSandboxOptions,
  type DirectDebitSandboxSteering,
  type DrawView,
  type MandateView,
} from './sandbox';
