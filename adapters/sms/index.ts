export type { SentSms, SmsMessage, SmsSender } from './types';
export { SmsHttpClient, type SmsClientSettings } from './client';
export { SmsSandbox, type RecordedSms, type SmsSandboxOptions, type SmsSandboxSteering } from './sandbox';
