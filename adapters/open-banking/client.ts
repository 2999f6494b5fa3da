/**
 * Open-banking income verification client: JSON over HTTPS. Assumed contract (implemented by the
 * sandbox double):
 *
 *   POST {baseUrl}/v1/income-verifications
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { applicationId, personalNumber: "YYYYMMDDNNNN", returnUrl? }
 *   201 / 200 + Idempotent-Replayed: true   { verificationId, status: "pending", redirectUrl }
 *   GET  {baseUrl}/v1/income-verifications/{verificationId}
 *   200  { verificationId, status: pending|completed|failed, verifiedMonthlyIncome?: "32500.00",
 *          failureReason?, finishedAt? }
 *   400 invalid_request · 401 unauthorized · 404 not_found · 409 idempotency_conflict
 *   422 invalid_personal_number · 5xx (retryable)   — errors as { error, message }
 */
import { z } from 'zod';
import { isAmountString } from '../../domain/money';
import { AdapterError } from '../shared/errors';
import { ApiKeyHttpClient, getJson, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { OpenBankingClient, StartedVerification, StartVerificationRequest, Verification } from './types';

export type OpenBankingClientSettings = ApiKeyClientSettings;

const startedSchema = z.object({
  verificationId: z.string().min(1),
  status: z.literal('pending'),
  redirectUrl: z.string().min(1),
});

const verificationSchema = z.object({
  verificationId: z.string().min(1),
  status: z.enum(['pending', 'completed', 'failed']),
  verifiedMonthlyIncome: z.string().refine(isAmountString, 'not an amount string').optional(),
  failureReason: z.string().optional(),
  finishedAt: z.string().optional(),
});

export class OpenBankingHttpClient extends ApiKeyHttpClient implements OpenBankingClient {
  async startVerification(request: StartVerificationRequest): Promise<StartedVerification> {
    assertIdempotencyKey('open-banking', 'startVerification', request.idempotencyKey);
    if (!/^\d{12}$/.test(request.personalNumber)) {
      throw new AdapterError(
        'open-banking',
        'invalid_request',
        false,
        'open-banking startVerification: personalNumber must be 12 digits',
      );
    }
    const body: Record<string, string> = {
      applicationId: request.applicationId,
      personalNumber: request.personalNumber,
    };
    if (request.returnUrl) body.returnUrl = request.returnUrl;
    const { body: started, replayed } = await postIdempotent(
      'open-banking',
      this.http,
      {
        operation: 'startVerification',
        path: '/v1/income-verifications',
        idempotencyKey: request.idempotencyKey,
        body,
      },
      startedSchema,
    );
    return { verificationId: started.verificationId, redirectUrl: started.redirectUrl, replayed };
  }

  async getVerification(verificationId: string): Promise<Verification> {
    const v = await getJson(
      'open-banking',
      this.http,
      'getVerification',
      `/v1/income-verifications/${encodeURIComponent(verificationId)}`,
      verificationSchema,
    );
    const out: Verification = { verificationId: v.verificationId, status: v.status };
    if (v.verifiedMonthlyIncome !== undefined) out.verifiedMonthlyIncome = v.verifiedMonthlyIncome;
    if (v.failureReason !== undefined) out.failureReason = v.failureReason;
    if (v.finishedAt !== undefined) out.finishedAt = v.finishedAt;
    return out;
  }
}
