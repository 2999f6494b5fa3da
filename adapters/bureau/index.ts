export type {
  BureauClient,
  CreditReport,
  LatePaymentReceipt,
  LatePaymentReportRequest,
  WithdrawalReceipt,
} from './types';
export { BureauHttpClient, type BureauClientSettings } from './client';
export {
  BureauSandbox,
  DEFAULT_BUREAU_PROFILE,
  type BureauInquiry,
  type BureauLatePaymentReport,
  type BureauReportWithdrawal,
  type BureauPersonProfile,
  type BureauSandboxOptions,
  type BureauSandboxSteering,
} from './sandbox';
