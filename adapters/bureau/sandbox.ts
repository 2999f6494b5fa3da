/**
 * The credit bureau double: an HTTP server implementing the contract in ./client.ts, with a
 * registry of people steered by `registerPerson`. Anyone not registered gets a deterministic
 * default profile that passes R-APP-1 (registered in Sweden, taxed income 400 000.00, no payment
 * remarks, no enforcement debt), so demos work without set-up.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { stockholmDate } from '../../domain/dates';
import { formatAmount, isAmountString, parseAmount } from '../../domain/money';
import { isValidPersonnummer, parsePersonnummer } from '../../domain/personnummer';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  SandboxSteeringError,
  startSandboxServer,
  type RunningSandboxServer,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';

export interface BureauPersonProfile {
  registeredInSweden: boolean;
  taxedAnnualIncome: string;
  paymentRemarks: number;
  enforcementDebt: string;
}

export const DEFAULT_BUREAU_PROFILE: Readonly<BureauPersonProfile> = Object.freeze({
  registeredInSweden: true,
  taxedAnnualIncome: '400000.00',
  paymentRemarks: 0,
  enforcementDebt: '0.00',
});

export interface BureauInquiry {
  reportId: string;
  personalNumber: string;
  idempotencyKey: string;
  createdAt: string;
}

export interface BureauSandboxSteering {
  /** Registers (or replaces) a person; fields not given take the default profile's values. */
  registerPerson(personalNumber: string, profile?: Partial<BureauPersonProfile>): Promise<BureauPersonProfile>;
  getPerson(personalNumber: string): Promise<{ registered: boolean; profile: BureauPersonProfile }>;
  /** Every credit report taken, oldest first (a repeat under the same key is not a new one). */
  listInquiries(): Promise<BureauInquiry[]>;
}

export interface BureauSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

interface StoredReport {
  reportId: string;
  registeredInSweden: boolean;
  taxedAnnualIncome: string;
  paymentRemarks: number;
  enforcementDebt: string;
  createdAt: string;
}

const requestSchema = z.object({ personalNumber: z.string() });

const nonNegativeAmount = z
  .string()
  .refine((s) => isAmountString(s) && !parseAmount(s).isNegative(), 'must be a non-negative amount string')
  .transform((s) => formatAmount(parseAmount(s)));

const profileSchema = z.strictObject({
  registeredInSweden: z.boolean().optional(),
  taxedAnnualIncome: nonNegativeAmount.optional(),
  paymentRemarks: z.number().int().min(0).optional(),
  enforcementDebt: nonNegativeAmount.optional(),
});

const problem = (status: number, error: string, message: string): SandboxResponse => ({
  status,
  body: { error, message },
});

export class BureauSandbox implements BureauSandboxSteering {
  private readonly people = new Map<string, BureauPersonProfile>();
  private readonly reports = new IdempotencyStore<StoredReport>();
  private readonly inquiries: BureauInquiry[] = [];
  private readonly clock: Clock;
  private server?: RunningSandboxServer;

  private constructor(options: BureauSandboxOptions) {
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: BureauSandboxOptions = {}): Promise<BureauSandbox> {
    const sandbox = new BureauSandbox(options);
    sandbox.server = await startSandboxServer({
      name: 'bureau',
      host: options.host,
      port: options.port,
      bearerToken: options.apiKey,
      errorBody: (error, message) => ({ error, message }),
      routes: [{ method: 'POST', pattern: '/v1/credit-reports', handler: (req) => sandbox.createReport(req) }],
    });
    return sandbox;
  }

  get url(): string {
    if (!this.server) throw new Error('bureau sandbox not started');
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private createReport(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return problem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return problem(400, 'invalid_request', 'personalNumber required');
    const { personalNumber } = parsed.data;
    if (!/^\d{12}$/.test(personalNumber) || !isValidPersonnummer(personalNumber, this.today())) {
      return problem(422, 'invalid_personal_number', 'not a valid 12-digit personal identity number');
    }
    const seen = this.reports.lookup(key, parsed.data);
    if (seen.kind === 'conflict') return problem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') {
      return { status: 200, body: seen.value, headers: { 'idempotent-replayed': 'true' } };
    }
    const profile = this.people.get(personalNumber) ?? DEFAULT_BUREAU_PROFILE;
    const report: StoredReport = { reportId: randomUUID(), ...profile, createdAt: this.clock().toISOString() };
    this.reports.remember(key, parsed.data, report);
    this.inquiries.push({
      reportId: report.reportId,
      personalNumber,
      idempotencyKey: key,
      createdAt: report.createdAt,
    });
    return { status: 201, body: report };
  }

  async registerPerson(
    personalNumber: string,
    profile: Partial<BureauPersonProfile> = {},
  ): Promise<BureauPersonProfile> {
    const normalised = this.normalise(personalNumber);
    const parsed = profileSchema.safeParse(profile);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new SandboxSteeringError('invalid', `invalid bureau profile (${fields})`);
    }
    const full: BureauPersonProfile = { ...DEFAULT_BUREAU_PROFILE };
    for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) Object.assign(full, { [k]: v });
    this.people.set(normalised, full);
    return { ...full };
  }

  async getPerson(personalNumber: string): Promise<{ registered: boolean; profile: BureauPersonProfile }> {
    const found = this.people.get(this.normalise(personalNumber));
    return { registered: found !== undefined, profile: { ...(found ?? DEFAULT_BUREAU_PROFILE) } };
  }

  async listInquiries(): Promise<BureauInquiry[]> {
    return this.inquiries.map((i) => ({ ...i }));
  }

  private today(): string {
    return stockholmDate(this.clock());
  }

  /** Steering accepts any form of personnummer and stores the 12-digit one. */
  private normalise(personalNumber: string): string {
    try {
      return parsePersonnummer(personalNumber, this.today()).normalised;
    } catch {
      throw new SandboxSteeringError('invalid', 'not a valid personal identity number');
    }
  }
}
