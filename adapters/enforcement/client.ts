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
import { z } from 'zod';
import { ApiKeyHttpClient, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { EnforcementClient, FiledApplication, PaymentOrderApplication } from './types';

export type EnforcementClientSettings = ApiKeyClientSettings;

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

export class EnforcementHttpClient extends ApiKeyHttpClient implements EnforcementClient {
  async applyForPaymentOrder(application: PaymentOrderApplication): Promise<FiledApplication> {
    assertIdempotencyKey('enforcement', 'applyForPaymentOrder', application.idempotencyKey);
    const { body: filed, replayed } = await postIdempotent(
      'enforcement',
      this.http,
      {
        operation: 'applyForPaymentOrder',
        path: '/v1/payment-order-applications',
        idempotencyKey: application.idempotencyKey,
        body: applicationBody(application),
      },
      filedSchema,
    );
    return { ...filed, replayed };
  }
}
