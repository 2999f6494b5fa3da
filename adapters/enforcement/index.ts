export type { ApplicationStatus, EnforcementClient, FiledApplication, PaymentOrderApplication } from './types';
export { applicationBody, EnforcementHttpClient, type EnforcementClientSettings } from './client';
export {
  EnforcementSandbox,
  type EnforcementSandboxOptions,
  type EnforcementSandboxSteering,
  type RecordedApplication,
} from './sandbox';
