/**
 * SMS gateway client: JSON over HTTPS. Assumed contract (implemented by the sandbox double):
 *
 *   POST {baseUrl}/messages
 *     Authorization: Bearer <apiKey>
 *     { to: "+46701234567", text, idempotencyKey, from? }
 *   201 (new) / 200 + Idempotent-Replayed: true (same key, same body)   { messageId, status: "queued" }
 *   409 idempotency_conflict · 422 invalid_recipient | invalid_text · 400 invalid_request
 *   401 unauthorized · 5xx (retryable)   — errors as { error, message }
 *
 * The key travels in the body (as the gateway expects) and, for proxies that dedupe, also as the
 * Idempotency-Key header.
 */
import { z } from 'zod';
import { ApiKeyHttpClient, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { SentSms, SmsMessage, SmsSender } from './types';

export interface SmsClientSettings extends ApiKeyClientSettings {
  /** Alphanumeric sender id (≤ 11 characters) or a number; the gateway's default when absent. */
  from?: string;
}

const sentSchema = z.object({ messageId: z.string().min(1), status: z.string() });

export class SmsHttpClient extends ApiKeyHttpClient implements SmsSender {
  private readonly from?: string;

  constructor(settings: SmsClientSettings) {
    super(settings);
    this.from = settings.from;
  }

  async send(message: SmsMessage): Promise<SentSms> {
    assertIdempotencyKey('sms', 'send', message.idempotencyKey);
    const body: Record<string, string> = { to: message.to, text: message.text, idempotencyKey: message.idempotencyKey };
    if (this.from) body.from = this.from;
    const { body: sent, replayed } = await postIdempotent(
      'sms',
      this.http,
      { operation: 'send', path: '/messages', idempotencyKey: message.idempotencyKey, body },
      sentSchema,
    );
    return { messageId: sent.messageId, replayed };
  }
}
