/**
 * The SMS gateway double: an HTTP server implementing the contract in ./client.ts that records
 * every message instead of sending it. A repeat under the same idempotency key (same body) returns
 * the first messageId and records nothing; a different body under the same key answers 409.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import { type SandboxRequest, type SandboxResponse, sandboxProblem } from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';

export interface RecordedSms {
  messageId: string;
  idempotencyKey: string;
  to: string;
  from?: string;
  text: string;
  receivedAt: string;
}

export interface SmsSandboxSteering {
  /** Messages received, oldest first; `to` filters by recipient. */
  listMessages(filter?: { to?: string }): Promise<RecordedSms[]>;
}

export interface SmsSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

const requestSchema = z.object({
  to: z.string(),
  text: z.string(),
  idempotencyKey: z.string(),
  from: z.string().optional(),
});

const E164 = /^\+[1-9]\d{6,14}$/;

export class SmsSandbox extends HttpSandboxDouble implements SmsSandboxSteering {
  private readonly messages: RecordedSms[] = [];
  private readonly byKey = new IdempotencyStore<string>();
  private readonly clock: Clock;

  private constructor(options: SmsSandboxOptions) {
    super('sms');
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: SmsSandboxOptions = {}): Promise<SmsSandbox> {
    const sandbox = new SmsSandbox(options);
    await sandbox.listen(options, [{ method: 'POST', pattern: '/messages', handler: (req) => sandbox.receive(req) }]);
    return sandbox;
  }

  private receive(req: SandboxRequest): SandboxResponse {
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(400, 'invalid_request', 'to, text and idempotencyKey are required');
    const message = parsed.data;
    if (!isValidIdempotencyKey(message.idempotencyKey)) {
      return sandboxProblem(400, 'invalid_request', 'idempotencyKey must be 1–255 printable ASCII characters');
    }
    if (!E164.test(message.to)) return sandboxProblem(422, 'invalid_recipient', 'recipient must be an E.164 number');
    if (message.text.length < 1 || message.text.length > 1600) {
      return sandboxProblem(422, 'invalid_text', 'text must be 1–1600 characters');
    }
    const seen = this.byKey.lookup(message.idempotencyKey, message);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another message');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: { messageId: seen.value, status: 'queued' },
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const recorded: RecordedSms = {
      messageId: randomUUID(),
      idempotencyKey: message.idempotencyKey,
      to: message.to,
      text: message.text,
      receivedAt: this.clock().toISOString(),
    };
    if (message.from) recorded.from = message.from;
    this.messages.push(recorded);
    this.byKey.remember(message.idempotencyKey, message, recorded.messageId);
    return { status: 201, body: { messageId: recorded.messageId, status: 'queued' } };
  }

  async listMessages(filter: { to?: string } = {}): Promise<RecordedSms[]> {
    return this.messages.filter((m) => filter.to === undefined || m.to === filter.to).map((m) => ({ ...m }));
  }
}
