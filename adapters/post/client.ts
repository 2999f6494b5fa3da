/**
 * Print-and-post client: JSON over HTTPS. Assumed contract (implemented by the sandbox double):
 *
 *   POST {baseUrl}/v1/letters
 *     Authorization: Bearer <apiKey>, Idempotency-Key: <key>
 *     { recipient: { type: "address", name, street, postalCode, city, country: "SE" }
 *                | { type: "customer", customerId },
 *       subject, body, sender? }
 *   201 (new) / 200 + Idempotent-Replayed: true (same key, same body)   { letterId, status: accepted|printed|posted }
 *   409 idempotency_conflict · 422 invalid_address | invalid_letter · 400 invalid_request
 *   GET {baseUrl}/v1/letters/{letterId} → 200 same shape · 404 not_found
 *   401 unauthorized · 5xx (retryable: the key makes the retry safe)   — errors as { error, message }
 */
import { z } from 'zod';
import { ApiKeyHttpClient, getJson, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { LetterRecipient, LetterRequest, LetterSender, LetterStatus, SentLetter } from './types';

export interface PostClientSettings extends ApiKeyClientSettings {
  /** The return address / sender name printed on the letter; the service's default when absent. */
  sender?: string;
}

const letterSchema = z.object({ letterId: z.string().min(1), status: z.enum(['accepted', 'printed', 'posted']) });

/** The wire form of a recipient. */
export function recipientBody(recipient: LetterRecipient): Record<string, string> {
  return recipient.kind === 'address'
    ? { type: 'address', ...recipient.address, country: 'SE' }
    : { type: 'customer', customerId: recipient.customerId };
}

export class PostHttpClient extends ApiKeyHttpClient implements LetterSender {
  private readonly sender?: string;

  constructor(settings: PostClientSettings) {
    super(settings);
    this.sender = settings.sender;
  }

  async sendLetter(letter: LetterRequest): Promise<SentLetter> {
    assertIdempotencyKey('post', 'sendLetter', letter.idempotencyKey);
    const body: Record<string, unknown> = {
      recipient: recipientBody(letter.recipient),
      subject: letter.subject,
      body: letter.body,
    };
    if (this.sender) body.sender = this.sender;
    const { body: sent, replayed } = await postIdempotent(
      'post',
      this.http,
      { operation: 'sendLetter', path: '/v1/letters', idempotencyKey: letter.idempotencyKey, body },
      letterSchema,
    );
    return { letterId: sent.letterId, status: sent.status, replayed };
  }

  async getLetter(letterId: string): Promise<{ letterId: string; status: LetterStatus }> {
    return getJson('post', this.http, 'getLetter', `/v1/letters/${encodeURIComponent(letterId)}`, letterSchema);
  }
}
