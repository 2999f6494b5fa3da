/**
 * Enforcement authority client: JSON over HTTPS. Assumed contract (implemented by the sandbox double):
 *
 *   POST {baseUrl}/v1/payment-order-applications
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { caseNumber, debtor: { customerId }, claim: { principal, interest, fees, defaultInterest,
 *       collectionFee }, defaultInterest: { ratePercent, from } }
 *   201 (new) / 200 + Idempotent-Replayed: true (same key, same body)   { applicationId, status }
 *   409 idempotency_conflict · 422 invalid_application · 400 invalid_request · 401 unauthorized
 *   5xx (retryable: the key makes the retry safe)   — errors as { error, message }
 */
import type http from 'node:http';
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import { parseBody, remoteError, requestJson, type HttpClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { EnforcementClient, FiledApplication, PaymentOrderApplication } from './types';

export interface EnforcementClientSettings {
  baseUrl: string;
  apiKey?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

const filedSchema = z.object({
  applicationId: z.string().min(1),
  status: z.enum(['received', 'served', 'decided']),
});

/** The wire form of an application. */
export function applicationBody(application: PaymentOrderApplication): Record<string, unknown> {
  return {
    caseNumber: application.caseNumber,
    debtor: { customerId: application.debtorCustomerId },
    claim: application.claim,
    defaultInterest: { ratePercent: application.defaultInterestRatePercent, from: application.defaultInterestFrom },
  };
}

export class EnforcementHttpClient implements EnforcementClient {
  private readonly http: HttpClientSettings;

  constructor(settings: EnforcementClientSettings) {
    this.http = {
      baseUrl: settings.baseUrl,
      agent: settings.agent,
      timeoutMs: settings.timeoutMs,
      bearerToken: settings.apiKey,
      logger: settings.logger,
    };
  }

  async applyForPaymentOrder(application: PaymentOrderApplication): Promise<FiledApplication> {
    assertIdempotencyKey('enforcement', 'applyForPaymentOrder', application.idempotencyKey);
    const res = await requestJson('enforcement', this.http, {
      operation: 'applyForPaymentOrder',
      method: 'POST',
      path: '/v1/payment-order-applications',
      headers: { 'idempotency-key': application.idempotencyKey },
      body: applicationBody(application),
    });
    if (res.status !== 200 && res.status !== 201) throw remoteError('enforcement', 'applyForPaymentOrder', res);
    const filed = parseBody('enforcement', 'applyForPaymentOrder', filedSchema, res);
    return { ...filed, replayed: res.headers['idempotent-replayed'] === 'true' };
  }
}
