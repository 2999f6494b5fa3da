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
import type http from 'node:http';
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import { parseBody, remoteError, requestJson, type HttpClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { SentSms, SmsMessage, SmsSender } from './types';

export interface SmsClientSettings {
  baseUrl: string;
  apiKey?: string;
  /** Alphanumeric sender id (≤ 11 characters) or a number; the gateway's default when absent. */
  from?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

const sentSchema = z.object({ messageId: z.string().min(1), status: z.string() });

export class SmsHttpClient implements SmsSender {
  private readonly http: HttpClientSettings;
  private readonly from?: string;

  constructor(settings: SmsClientSettings) {
    this.http = {
      baseUrl: settings.baseUrl,
      agent: settings.agent,
      timeoutMs: settings.timeoutMs,
      bearerToken: settings.apiKey,
      logger: settings.logger,
    };
    this.from = settings.from;
  }

  async send(message: SmsMessage): Promise<SentSms> {
    assertIdempotencyKey('sms', 'send', message.idempotencyKey);
    const body: Record<string, string> = { to: message.to, text: message.text, idempotencyKey: message.idempotencyKey };
    if (this.from) body.from = this.from;
    const res = await requestJson('sms', this.http, {
      operation: 'send',
      method: 'POST',
      path: '/messages',
      headers: { 'idempotency-key': message.idempotencyKey },
      body,
    });
    if (res.status !== 200 && res.status !== 201) throw remoteError('sms', 'send', res);
    const sent = parseBody('sms', 'send', sentSchema, res);
    return { messageId: sent.messageId, replayed: res.headers['idempotent-replayed'] === 'true' };
  }
}
