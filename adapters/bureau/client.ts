/**
 * Credit bureau client: plain JSON over HTTPS. Assumed contract (the sandbox double implements
 * exactly this; an adapter for a specific bureau maps its API onto it):
 *
 *   POST {baseUrl}/v1/credit-reports
 *     Authorization: Bearer <apiKey>
 *     Idempotency-Key: <key>
 *     { "personalNumber": "YYYYMMDDNNNN" }
 *   201 (new) / 200 (repeat of the same key and body, header Idempotent-Replayed: true)
 *     { reportId, registeredInSweden, taxedAnnualIncome: "400000.00", paymentRemarks: 0,
 *       enforcementDebt: "0.00", createdAt }
 *   400 invalid_request · 401 unauthorized · 409 idempotency_conflict (same key, other person)
 *   422 invalid_personal_number · 5xx (retryable)   — errors as { error, message }
 *
 * POST rather than GET /persons/{pnr}: a personal identity number never appears in a URL (URLs
 * end up in access logs and proxies).
 */
import type http from 'node:http';
import { z } from 'zod';
import { isAmountString } from '../../domain/money';
import type { Logger } from '../../platform/logger';
import { AdapterError } from '../shared/errors';
import { parseBody, remoteError, requestJson, type HttpClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { BureauClient, CreditReport } from './types';

export interface BureauClientSettings {
  baseUrl: string;
  apiKey?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

const amount = z.string().refine(isAmountString, 'not an amount string');

const reportSchema = z.object({
  reportId: z.string().min(1),
  registeredInSweden: z.boolean(),
  taxedAnnualIncome: amount,
  paymentRemarks: z.number().int().min(0),
  enforcementDebt: amount,
  createdAt: z.string(),
});

export class BureauHttpClient implements BureauClient {
  private readonly http: HttpClientSettings;

  constructor(settings: BureauClientSettings) {
    this.http = {
      baseUrl: settings.baseUrl,
      agent: settings.agent,
      timeoutMs: settings.timeoutMs,
      bearerToken: settings.apiKey,
      logger: settings.logger,
    };
  }

  async lookup(personalNumber: string, idempotencyKey: string): Promise<CreditReport> {
    assertIdempotencyKey('bureau', 'lookup', idempotencyKey);
    if (!/^\d{12}$/.test(personalNumber)) {
      throw new AdapterError('bureau', 'invalid_request', false, 'bureau lookup: personalNumber must be 12 digits');
    }
    const res = await requestJson('bureau', this.http, {
      operation: 'lookup',
      method: 'POST',
      path: '/v1/credit-reports',
      headers: { 'idempotency-key': idempotencyKey },
      body: { personalNumber },
    });
    if (res.status !== 200 && res.status !== 201) throw remoteError('bureau', 'lookup', res);
    const report = parseBody('bureau', 'lookup', reportSchema, res);
    return { ...report, replayed: res.headers['idempotent-replayed'] === 'true' };
  }
}
