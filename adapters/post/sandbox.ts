/**
 * The print-and-post double: an HTTP server implementing the contract in ./client.ts that records
 * every letter instead of printing it. A repeat under the same idempotency key (same letter)
 * returns the first letterId with `Idempotent-Replayed: true` and records nothing; a different
 * letter under the same key answers 409. Recorded letters count as `posted` at once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  SandboxSteeringError,
  type SandboxRequest,
  type SandboxResponse,
  sandboxProblem,
} from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import type { LetterRecipient } from './types';

export interface RecordedLetter {
  letterId: string;
  idempotencyKey: string;
  recipient: LetterRecipient;
  subject: string;
  body: string;
  sender?: string;
  receivedAt: string;
}

export interface PostSandboxSteering {
  /** Letters received, oldest first; `customerId` filters letters addressed by customer id. */
  listLetters(filter?: { customerId?: string }): Promise<RecordedLetter[]>;
}

export interface PostSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

const requestSchema = z.object({
  recipient: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('address'),
      name: z.string(),
      street: z.string(),
      postalCode: z.string(),
      city: z.string(),
      country: z.literal('SE'),
    }),
    z.object({ type: z.literal('customer'), customerId: z.string() }),
  ]),
  subject: z.string(),
  body: z.string(),
  sender: z.string().optional(),
});

export class PostSandbox extends HttpSandboxDouble implements PostSandboxSteering {
  private readonly letters: RecordedLetter[] = [];
  private readonly byKey = new IdempotencyStore<string>();
  private readonly clock: Clock;

  private constructor(options: PostSandboxOptions) {
    super('post');
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: PostSandboxOptions = {}): Promise<PostSandbox> {
    const sandbox = new PostSandbox(options);
    await sandbox.listen(options, [
      { method: 'POST', pattern: '/v1/letters', handler: (req) => sandbox.receive(req) },
      { method: 'GET', pattern: '/v1/letters/:letterId', handler: (req) => sandbox.read(req.params.letterId!) },
    ]);
    return sandbox;
  }

  private receive(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(400, 'invalid_request', 'recipient, subject and body are required');
    const letter = parsed.data;
    if (letter.recipient.type === 'address') {
      const a = letter.recipient;
      if (!/^\d{3} ?\d{2}$/.test(a.postalCode) || !a.name.trim() || !a.street.trim() || !a.city.trim()) {
        return sandboxProblem(422, 'invalid_address', 'name, street, a five-digit postal code and city are required');
      }
    } else if (!letter.recipient.customerId.trim()) {
      return sandboxProblem(422, 'invalid_address', 'customerId must not be empty');
    }
    if (letter.subject.length < 1 || letter.subject.length > 200 || letter.body.length < 1) {
      return sandboxProblem(422, 'invalid_letter', 'subject (1–200 characters) and body are required');
    }
    const seen = this.byKey.lookup(key, letter);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another letter');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: { letterId: seen.value, status: 'posted' },
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const recipient: LetterRecipient =
      letter.recipient.type === 'address'
        ? {
            kind: 'address',
            address: {
              name: letter.recipient.name,
              street: letter.recipient.street,
              postalCode: letter.recipient.postalCode,
              city: letter.recipient.city,
            },
          }
        : { kind: 'customer', customerId: letter.recipient.customerId };
    const recorded: RecordedLetter = {
      letterId: randomUUID(),
      idempotencyKey: key,
      recipient,
      subject: letter.subject,
      body: letter.body,
      receivedAt: this.clock().toISOString(),
    };
    if (letter.sender) recorded.sender = letter.sender;
    this.letters.push(recorded);
    this.byKey.remember(key, letter, recorded.letterId);
    return { status: 201, body: { letterId: recorded.letterId, status: 'posted' } };
  }

  private read(letterId: string): SandboxResponse {
    const letter = this.letters.find((l) => l.letterId === letterId);
    if (!letter) return sandboxProblem(404, 'not_found', 'no such letter');
    return { status: 200, body: { letterId, status: 'posted' } };
  }

  async listLetters(filter: { customerId?: string } = {}): Promise<RecordedLetter[]> {
    return this.letters
      .filter(
        (l) =>
          filter.customerId === undefined ||
          (l.recipient.kind === 'customer' && l.recipient.customerId === filter.customerId),
      )
      .map((l) => structuredClone(l));
  }

  async getLetter(letterId: string): Promise<RecordedLetter> {
    const letter = this.letters.find((l) => l.letterId === letterId);
    if (!letter) throw new SandboxSteeringError('not_found', 'no such letter');
    return structuredClone(letter);
  }
}
