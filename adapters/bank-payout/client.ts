/**
 * Bank payout client: JSON over HTTPS. Assumed contract (implemented by the sandbox double):
 *
 *   POST {baseUrl}/v1/payouts
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { amount: "25000.00", currency: "SEK", reference,
 *       to: { type: "bankAccount", clearingNumber, accountNumber }
 *         | { type: "bankgiro", bankgiroNumber, ocr },
 *       requestedExecutionDate?: "YYYY-MM-DD" }
 *   201 (new) / 200 + Idempotent-Replayed: true (same key, same body)
 *     { payoutId, status: accepted|executed, executionDate, amount, currency }
 *   409 idempotency_conflict (same key, different body)
 *   422 invalid_amount | invalid_account | invalid_ocr | invalid_request
 *   GET {baseUrl}/v1/payouts/{payoutId} → 200 same shape · 404 not_found
 *   401 unauthorized · 5xx (retryable: the key makes the retry safe)   — errors as { error, message }
 */
import type http from 'node:http';
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates';
import { isAmountString } from '../../domain/money';
import type { Logger } from '../../platform/logger';
import { AdapterError } from '../shared/errors';
import { parseBody, remoteError, requestJson, type HttpClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { BankPayoutClient, PayoutDestination, PayoutRequest, PayoutResult } from './types';

export interface BankPayoutClientSettings {
  baseUrl: string;
  apiKey?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

const payoutSchema = z.object({
  payoutId: z.string().min(1),
  status: z.enum(['accepted', 'executed']),
  executionDate: z.string().refine(isIsoDate, 'not a date'),
  amount: z.string().refine(isAmountString, 'not an amount string'),
  currency: z.literal('SEK'),
});

/** The wire form of a destination. */
export function destinationBody(to: PayoutDestination): Record<string, string> {
  return to.kind === 'bankAccount'
    ? { type: 'bankAccount', clearingNumber: to.clearingNumber, accountNumber: to.accountNumber }
    : { type: 'bankgiro', bankgiroNumber: to.bankgiro, ocr: to.ocr };
}

export class BankPayoutHttpClient implements BankPayoutClient {
  private readonly http: HttpClientSettings;

  constructor(settings: BankPayoutClientSettings) {
    this.http = {
      baseUrl: settings.baseUrl,
      agent: settings.agent,
      timeoutMs: settings.timeoutMs,
      bearerToken: settings.apiKey,
      logger: settings.logger,
    };
  }

  async payout(request: PayoutRequest): Promise<PayoutResult> {
    assertIdempotencyKey('bank-payout', 'payout', request.idempotencyKey);
    if (!isAmountString(request.amount) || request.amount.startsWith('-')) {
      throw new AdapterError(
        'bank-payout',
        'invalid_amount',
        false,
        'bank-payout payout: amount must be a positive amount string',
      );
    }
    const body: Record<string, unknown> = {
      amount: request.amount,
      currency: 'SEK',
      reference: request.reference,
      to: destinationBody(request.toAccount),
    };
    if (request.requestedExecutionDate) body.requestedExecutionDate = request.requestedExecutionDate;
    const res = await requestJson('bank-payout', this.http, {
      operation: 'payout',
      method: 'POST',
      path: '/v1/payouts',
      headers: { 'idempotency-key': request.idempotencyKey },
      body,
    });
    if (res.status !== 200 && res.status !== 201) throw remoteError('bank-payout', 'payout', res);
    const p = parseBody('bank-payout', 'payout', payoutSchema, res);
    return {
      payoutId: p.payoutId,
      status: p.status,
      executionDate: p.executionDate,
      amount: p.amount,
      replayed: res.headers['idempotent-replayed'] === 'true',
    };
  }

  async getPayout(payoutId: string): Promise<Omit<PayoutResult, 'replayed'>> {
    const res = await requestJson('bank-payout', this.http, {
      operation: 'getPayout',
      method: 'GET',
      path: `/v1/payouts/${encodeURIComponent(payoutId)}`,
    });
    if (res.status !== 200) throw remoteError('bank-payout', 'getPayout', res);
    const p = parseBody('bank-payout', 'getPayout', payoutSchema, res);
    return { payoutId: p.payoutId, status: p.status, executionDate: p.executionDate, amount: p.amount };
  }
}
