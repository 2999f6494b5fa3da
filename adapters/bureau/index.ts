export type { BureauClient, CreditReport, LatePaymentReceipt, LatePaymentReportRequest } from './types';
export { BureauHttpClient, type BureauClientSettings } from './client';
export {
  BureauSandbox,
  DEFAULT_BUREAU_PROFILE,
  type BureauInquiry,
  type BureauLatePaymentReport,
  type BureauPersonProfile,
  type BureauSandboxOptions,
  type BureauSandboxSteering,
} from './sandbox';
