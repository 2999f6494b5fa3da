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
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates';
import { isAmountString } from '../../domain/money';
import { AdapterError } from '../shared/errors';
import { ApiKeyHttpClient, getJson, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { BankPayoutClient, PayoutDestination, PayoutRequest, PayoutResult } from './types';

export type BankPayoutClientSettings = ApiKeyClientSettings;

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

export class BankPayoutHttpClient extends ApiKeyHttpClient implements BankPayoutClient {
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
    const { body: p, replayed } = await postIdempotent(
      'bank-payout',
      this.http,
      { operation: 'payout', path: '/v1/payouts', idempotencyKey: request.idempotencyKey, body },
      payoutSchema,
    );
    return { payoutId: p.payoutId, status: p.status, executionDate: p.executionDate, amount: p.amount, replayed };
  }

  async getPayout(payoutId: string): Promise<Omit<PayoutResult, 'replayed'>> {
    const path = `/v1/payouts/${encodeURIComponent(payoutId)}`;
    const p = await getJson('bank-payout', this.http, 'getPayout', path, payoutSchema);
    return { payoutId: p.payoutId, status: p.status, executionDate: p.executionDate, amount: p.amount };
  }
}
