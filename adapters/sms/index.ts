export * from './types';
export { SmsHttpClient, normaliseSwedishMobile, type SmsClientSettings } from './client';
export { SmsSandbox, type RecordedSms, type SmsSandboxOptions, type SmsSandboxSteering } from './sandbox';
