/**
 * Direct-debit (autogiro) client: JSON over HTTPS. Assumed contract (implemented by the sandbox double):
 *
 *   POST {baseUrl}/v1/mandates
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { reference, payer: { personalNumber }, account: { clearingNumber, accountNumber } }
 *   201 (new) / 200 + Idempotent-Replayed: true      { mandateId, reference, status: active|cancelled }
 *   POST {baseUrl}/v1/mandates/{mandateId}/cancel → 200 same shape · 404 not_found
 *   POST {baseUrl}/v1/draws
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { mandateId, amount: "1234.50", currency: "SEK", dueDate: "YYYY-MM-DD", reference }
 *   201 (new) / 200 + Idempotent-Replayed: true
 *     { drawId, status: requested|paid|refused, refusalReason?: insufficient_funds|mandate_cancelled,
 *       amount, currency, dueDate }
 *   GET {baseUrl}/v1/draws/{drawId} → 200 same shape · 404 not_found
 *   409 idempotency_conflict (same key, different body) · 422 invalid_amount | invalid_account |
 *   invalid_request | unknown_mandate · 401 unauthorized · 5xx (retryable: the key makes the retry
 *   safe)   — errors as { error, message }
 */
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates';
import { isAmountString } from '../../domain/money';
import { AdapterError } from '../shared/errors';
import {
  ApiKeyHttpClient,
  getJson,
  parseBody,
  postIdempotent,
  remoteError,
  requestJson,
  type ApiKeyClientSettings,
} from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { DirectDebitClient, DrawRequest, DrawResult, MandateRegistration, MandateResult } from './types';

export type DirectDebitClientSettings = ApiKeyClientSettings;

const mandateSchema = z.object({
  mandateId: z.string().min(1),
  reference: z.string(),
  status: z.enum(['active', 'cancelled']),
});

const drawSchema = z.object({
  drawId: z.string().min(1),
  status: z.enum(['requested', 'paid', 'refused']),
  refusalReason: z.enum(['insufficient_funds', 'mandate_cancelled']).optional(),
  amount: z.string().refine(isAmountString, 'not an amount string'),
  currency: z.literal('SEK'),
  dueDate: z.string().refine(isIsoDate, 'not a date'),
});

function drawOf(d: z.infer<typeof drawSchema>): Omit<DrawResult, 'replayed'> {
  return {
    drawId: d.drawId,
    status: d.status,
    ...(d.refusalReason ? { refusalReason: d.refusalReason } : {}),
    amount: d.amount,
    dueDate: d.dueDate,
  };
}

export class DirectDebitHttpClient extends ApiKeyHttpClient implements DirectDebitClient {
  async registerMandate(request: MandateRegistration): Promise<MandateResult> {
    assertIdempotencyKey('direct-debit', 'registerMandate', request.idempotencyKey);
    const { body, replayed } = await postIdempotent(
      'direct-debit',
      this.http,
      {
        operation: 'registerMandate',
        path: '/v1/mandates',
        idempotencyKey: request.idempotencyKey,
        body: {
          reference: request.reference,
          payer: { personalNumber: request.payerPersonalNumber },
          account: { clearingNumber: request.account.clearingNumber, accountNumber: request.account.accountNumber },
        },
      },
      mandateSchema,
    );
    return { mandateId: body.mandateId, status: body.status, replayed };
  }

  async cancelMandate(mandateId: string): Promise<Omit<MandateResult, 'replayed'>> {
    const res = await requestJson('direct-debit', this.http, {
      operation: 'cancelMandate',
      method: 'POST',
      path: `/v1/mandates/${encodeURIComponent(mandateId)}/cancel`,
      body: {},
    });
    if (res.status !== 200) throw remoteError('direct-debit', 'cancelMandate', res);
    const body = parseBody('direct-debit', 'cancelMandate', mandateSchema, res);
    return { mandateId: body.mandateId, status: body.status };
  }

  async requestDraw(request: DrawRequest): Promise<DrawResult> {
    assertIdempotencyKey('direct-debit', 'requestDraw', request.idempotencyKey);
    if (!isAmountString(request.amount) || request.amount.startsWith('-')) {
      throw new AdapterError(
        'direct-debit',
        'invalid_amount',
        false,
        'direct-debit requestDraw: amount must be a positive amount string',
      );
    }
    const { body, replayed } = await postIdempotent(
      'direct-debit',
      this.http,
      {
        operation: 'requestDraw',
        path: '/v1/draws',
        idempotencyKey: request.idempotencyKey,
        body: {
          mandateId: request.mandateId,
          amount: request.amount,
          currency: 'SEK',
          dueDate: request.dueDate,
          reference: request.reference,
        },
      },
      drawSchema,
    );
    return { ...drawOf(body), replayed };
  }

  async getDraw(drawId: string): Promise<Omit<DrawResult, 'replayed'>> {
    const path = `/v1/draws/${encodeURIComponent(drawId)}`;
    return drawOf(await getJson('direct-debit', this.http, 'getDraw', path, drawSchema));
  }
}
