/**
 * The enforcement authority double: an HTTP server implementing the contract in ./client.ts that
 * records every application instead of filing it. A repeat under the same idempotency key (same
 * application) returns the first applicationId with `Idempotent-Replayed: true`; a different
 * application under the same key answers 409.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  startSandboxServer,
  type RunningSandboxServer,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';

const amount = z.string().regex(/^\d+\.\d{2}$/);
const requestSchema = z.object({
  caseNumber: z.string().min(1),
  debtor: z.object({ customerId: z.string().min(1) }),
  claim: z.object({
    principal: amount,
    interest: amount,
    fees: amount,
    defaultInterest: amount,
    collectionFee: amount,
  }),
  defaultInterest: z.object({ ratePercent: z.string(), from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
});

export interface RecordedApplication extends z.infer<typeof requestSchema> {
  applicationId: string;
  idempotencyKey: string;
  receivedAt: string;
}

export interface EnforcementSandboxSteering {
  /** Applications received, oldest first; `caseNumber` filters. */
  listApplications(filter?: { caseNumber?: string }): Promise<RecordedApplication[]>;
}

export interface EnforcementSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

const problem = (status: number, error: string, message: string): SandboxResponse => ({
  status,
  body: { error, message },
});

export class EnforcementSandbox implements EnforcementSandboxSteering {
  private readonly applications: RecordedApplication[] = [];
  private readonly byKey = new IdempotencyStore<string>();
  private readonly clock: Clock;
  private server?: RunningSandboxServer;

  private constructor(options: EnforcementSandboxOptions) {
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: EnforcementSandboxOptions = {}): Promise<EnforcementSandbox> {
    const sandbox = new EnforcementSandbox(options);
    sandbox.server = await startSandboxServer({
      name: 'enforcement',
      host: options.host,
      port: options.port,
      bearerToken: options.apiKey,
      errorBody: (error, message) => ({ error, message }),
      routes: [{ method: 'POST', pattern: '/v1/payment-order-applications', handler: (req) => sandbox.receive(req) }],
    });
    return sandbox;
  }

  get url(): string {
    if (!this.server) throw new Error('enforcement sandbox not started');
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private receive(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return problem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success)
      return problem(422, 'invalid_application', 'caseNumber, debtor, claim and defaultInterest are required');
    const seen = this.byKey.lookup(key, parsed.data);
    if (seen.kind === 'conflict') return problem(409, 'idempotency_conflict', 'key used with another application');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: { applicationId: seen.value, status: 'received' },
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const recorded: RecordedApplication = {
      ...parsed.data,
      applicationId: `KFM-${randomUUID().slice(0, 8)}`,
      idempotencyKey: key,
      receivedAt: this.clock().toISOString(),
    };
    this.applications.push(recorded);
    this.byKey.remember(key, parsed.data, recorded.applicationId);
    return { status: 201, body: { applicationId: recorded.applicationId, status: 'received' } };
  }

  async listApplications(filter: { caseNumber?: string } = {}): Promise<RecordedApplication[]> {
    return this.applications
      .filter((a) => filter.caseNumber === undefined || a.caseNumber === filter.caseNumber)
      .map((a) => structuredClone(a));
  }
}
