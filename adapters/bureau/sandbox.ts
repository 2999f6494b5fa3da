/**
 * The credit bureau double: an HTTP server implementing the contract in ./client.ts, with a
 * registry of people steered by `registerPerson`. Anyone not registered gets a deterministic
 * default profile that passes R-APP-1 (registered in Sweden, taxed income 400 000.00, no payment
 * remarks, no enforcement debt), so demos work without set-up. Late-payment reports (R-LOAN-11)
 * are recorded and readable through `listLatePaymentReports`; a repeat under the same key is the
 * first report. Reports do not change the person's profile: a payment remark is the bureau's
 * decision, not the lender's, and steering stays explicit (`registerPerson`). A withdrawal of a
 * report (R-PAY-1) is recorded once per key and readable through `listReportWithdrawals`; a report
 * is withdrawn at most once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { compareDates, isIsoDate, stockholmDate } from '../../domain/dates';
import { formatAmount, isAmountString, parseAmount } from '../../domain/money';
import { isValidPersonnummer, parsePersonnummer } from '../../domain/personnummer';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  SandboxSteeringError,
  type SandboxRequest,
  type SandboxResponse,
  sandboxProblem,
} from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import type { CreditReport } from './types';

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

/** A late payment the lender reported (R-LOAN-11), as the sandbox bureau recorded it. */
export interface BureauLatePaymentReport {
  reportId: string;
  idempotencyKey: string;
  personalNumber: string;
  creditReference: string;
  amountOverdue: string;
  dueDate: string;
  reportedOn: string;
  receivedAt: string;
}

/** A late-payment report the lender withdrew (R-PAY-1), as the sandbox bureau recorded it. */
export interface BureauReportWithdrawal {
  reportId: string;
  idempotencyKey: string;
  reason: string;
  withdrawnAt: string;
}

export interface BureauSandboxSteering {
  /** Registers (or replaces) a person; fields not given take the default profile's values. */
  registerPerson(personalNumber: string, profile?: Partial<BureauPersonProfile>): Promise<BureauPersonProfile>;
  getPerson(personalNumber: string): Promise<{ registered: boolean; profile: BureauPersonProfile }>;
  /** Every credit report taken, oldest first (a repeat under the same key is not a new one). */
  listInquiries(): Promise<BureauInquiry[]>;
  /** Every late payment reported, oldest first (a repeat under the same key is not a new one). */
  listLatePaymentReports(): Promise<BureauLatePaymentReport[]>;
  /** Every withdrawal of a report, oldest first (a repeat under the same key is not a new one). */
  listReportWithdrawals(): Promise<BureauReportWithdrawal[]>;
}

export interface BureauSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

/** A report as the bureau keeps it; whether an answer is a replay is decided per request. */
type StoredReport = Omit<CreditReport, 'replayed'>;

const requestSchema = z.object({ personalNumber: z.string() });

const latePaymentSchema = z.object({
  personalNumber: z.string(),
  creditReference: z.string().min(1).max(100),
  amountOverdue: z
    .string()
    .refine((s) => isAmountString(s) && parseAmount(s).greaterThan(0), 'must be a positive amount string')
    .transform((s) => formatAmount(parseAmount(s))),
  dueDate: z.string().refine(isIsoDate, 'must be YYYY-MM-DD'),
  reportedOn: z.string().refine(isIsoDate, 'must be YYYY-MM-DD'),
});

const withdrawalSchema = z.object({ reason: z.string().min(1).max(100) });

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

export class BureauSandbox extends HttpSandboxDouble implements BureauSandboxSteering {
  private readonly people = new Map<string, BureauPersonProfile>();
  private readonly reports = new IdempotencyStore<StoredReport>();
  private readonly inquiries: BureauInquiry[] = [];
  private readonly latePayments = new IdempotencyStore<{ reportId: string; receivedAt: string }>();
  private readonly latePaymentLog: BureauLatePaymentReport[] = [];
  private readonly withdrawals = new IdempotencyStore<{ reportId: string; withdrawnAt: string }>();
  private readonly withdrawalLog: BureauReportWithdrawal[] = [];
  private readonly clock: Clock;

  private constructor(options: BureauSandboxOptions) {
    super('bureau');
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: BureauSandboxOptions = {}): Promise<BureauSandbox> {
    const sandbox = new BureauSandbox(options);
    await sandbox.listen(options, [
      { method: 'POST', pattern: '/v1/credit-reports', handler: (req) => sandbox.createReport(req) },
      { method: 'POST', pattern: '/v1/late-payment-reports', handler: (req) => sandbox.reportLatePayment(req) },
      {
        method: 'POST',
        pattern: '/v1/late-payment-reports/:reportId/withdrawals',
        handler: (req) => sandbox.withdrawReport(req),
      },
    ]);
    return sandbox;
  }

  private createReport(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(400, 'invalid_request', 'personalNumber required');
    const { personalNumber } = parsed.data;
    if (!/^\d{12}$/.test(personalNumber) || !isValidPersonnummer(personalNumber, this.today())) {
      return sandboxProblem(422, 'invalid_personal_number', 'not a valid 12-digit personal identity number');
    }
    const seen = this.reports.lookup(key, parsed.data);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
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

  /** R-LOAN-11: records a late payment once per key (the contract in ./client.ts). */
  private reportLatePayment(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = latePaymentSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ');
      return sandboxProblem(400, 'invalid_request', `invalid fields: ${fields}`);
    }
    const report = parsed.data;
    if (!/^\d{12}$/.test(report.personalNumber) || !isValidPersonnummer(report.personalNumber, this.today())) {
      return sandboxProblem(422, 'invalid_personal_number', 'not a valid 12-digit personal identity number');
    }
    if (compareDates(report.reportedOn, report.dueDate) < 0) {
      return sandboxProblem(400, 'invalid_request', 'reportedOn is before dueDate: nothing is late yet');
    }
    const seen = this.latePayments.lookup(key, report);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') return { status: 200, body: seen.value, headers: { 'idempotent-replayed': 'true' } };
    const receipt = { reportId: randomUUID(), receivedAt: this.clock().toISOString() };
    this.latePayments.remember(key, report, receipt);
    this.latePaymentLog.push({ ...receipt, idempotencyKey: key, ...report });
    return { status: 201, body: receipt };
  }

  /** R-PAY-1: withdraws a report once per key; a report already withdrawn under another key is refused. */
  private withdrawReport(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = withdrawalSchema.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(400, 'invalid_request', 'reason required');
    const reportId = req.params.reportId!;
    const request = { reportId, reason: parsed.data.reason };
    const seen = this.withdrawals.lookup(key, request);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') return { status: 200, body: seen.value, headers: { 'idempotent-replayed': 'true' } };
    if (!this.latePaymentLog.some((r) => r.reportId === reportId))
      return sandboxProblem(404, 'unknown_report', 'no such late-payment report');
    if (this.withdrawalLog.some((w) => w.reportId === reportId))
      return sandboxProblem(409, 'already_withdrawn', 'the report was withdrawn under another key');
    const receipt = { reportId, withdrawnAt: this.clock().toISOString() };
    this.withdrawals.remember(key, request, receipt);
    this.withdrawalLog.push({ ...receipt, idempotencyKey: key, reason: parsed.data.reason });
    return { status: 201, body: receipt };
  }

  async listReportWithdrawals(): Promise<BureauReportWithdrawal[]> {
    return this.withdrawalLog.map((w) => ({ ...w }));
  }

  async listLatePaymentReports(): Promise<BureauLatePaymentReport[]> {
    return this.latePaymentLog.map((r) => ({ ...r }));
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
