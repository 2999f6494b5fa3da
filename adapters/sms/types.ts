/** SMS through an HTTP gateway (R-APP-3: the link to a vendor-started application, reminders). */

export interface SmsMessage {
  idempotencyKey: string;
  /** E.164, e.g. "+46701234567" (see `normaliseSwedishMobile` in domain/application.ts). */
  to: string;
  /** 1–1600 characters (up to ten concatenated parts). */
  text: string;
}

export interface SentSms {
  messageId: string;
  /** True when the gateway recognised a repeat of an earlier send. */
  replayed: boolean;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<SentSms>;
}
