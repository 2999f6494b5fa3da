/**
 * The open-banking double: an HTTP server implementing the contract in ./client.ts. A started
 * verification stays `pending` until steered: `completeVerification(id, monthlyIncome)` (the
 * applicant consented and income was found) or `failVerification(id, reason)`. The redirect URL
 * points at a plain page on the double that says so.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { stockholmDate } from '../../domain/dates';
import { formatAmount, isAmountString, parseAmount } from '../../domain/money';
import { isValidPersonnummer } from '../../domain/personnummer';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  SandboxSteeringError,
  type SandboxRequest,
  type SandboxResponse,
  sandboxProblem,
} from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import type { Verification, VerificationStatus } from './types';

export interface OpenBankingVerificationView {
  verificationId: string;
  applicationId: string;
  personalNumber: string;
  status: VerificationStatus;
  verifiedMonthlyIncome?: string;
  failureReason?: string;
  createdAt: string;
  finishedAt?: string;
}

export interface OpenBankingSandboxSteering {
  listVerifications(): Promise<OpenBankingVerificationView[]>;
  getVerification(verificationId: string): Promise<OpenBankingVerificationView>;
  /** The applicant consented; the provider found this net monthly income (decimal string). */
  completeVerification(verificationId: string, monthlyIncome: string): Promise<OpenBankingVerificationView>;
  /** Consent declined or no income found. Default reason `consent_declined`. */
  failVerification(verificationId: string, reason?: string): Promise<OpenBankingVerificationView>;
}

export interface OpenBankingSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

const requestSchema = z.object({
  applicationId: z.string().min(1).max(200),
  personalNumber: z.string(),
  returnUrl: z.url().optional(),
});

export class OpenBankingSandbox extends HttpSandboxDouble implements OpenBankingSandboxSteering {
  private readonly verifications = new Map<string, OpenBankingVerificationView>();
  private readonly started = new IdempotencyStore<{ verificationId: string; redirectUrl: string }>();
  private readonly clock: Clock;

  private constructor(options: OpenBankingSandboxOptions) {
    super('open-banking');
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: OpenBankingSandboxOptions = {}): Promise<OpenBankingSandbox> {
    const sandbox = new OpenBankingSandbox(options);
    await sandbox.listen(options, [
      { method: 'POST', pattern: '/v1/income-verifications', handler: (req) => sandbox.create(req) },
      { method: 'GET', pattern: '/v1/income-verifications/:id', handler: (req) => sandbox.read(req.params.id!) },
      // The applicant's browser has no API key.
      { method: 'GET', pattern: '/consent/:id', handler: (req) => sandbox.consentPage(req.params.id!), public: true },
    ]);
    return sandbox;
  }

  private create(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(400, 'invalid_request', 'applicationId and personalNumber required');
    const { personalNumber, applicationId } = parsed.data;
    if (!/^\d{12}$/.test(personalNumber) || !isValidPersonnummer(personalNumber, stockholmDate(this.clock()))) {
      return sandboxProblem(422, 'invalid_personal_number', 'not a valid 12-digit personal identity number');
    }
    const seen = this.started.lookup(key, parsed.data);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: { ...seen.value, status: this.verifications.get(seen.value.verificationId)?.status ?? 'pending' },
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const verificationId = randomUUID();
    const redirectUrl = `${this.url}/consent/${verificationId}`;
    this.verifications.set(verificationId, {
      verificationId,
      applicationId,
      personalNumber,
      status: 'pending',
      createdAt: this.clock().toISOString(),
    });
    this.started.remember(key, parsed.data, { verificationId, redirectUrl });
    return { status: 201, body: { verificationId, status: 'pending', redirectUrl } };
  }

  private read(id: string): SandboxResponse {
    const v = this.verifications.get(id);
    if (!v) return sandboxProblem(404, 'not_found', 'no such verification');
    const body: Verification = { verificationId: v.verificationId, status: v.status };
    if (v.verifiedMonthlyIncome) body.verifiedMonthlyIncome = v.verifiedMonthlyIncome;
    if (v.failureReason) body.failureReason = v.failureReason;
    if (v.finishedAt) body.finishedAt = v.finishedAt;
    return { status: 200, body };
  }

  private consentPage(id: string): SandboxResponse {
    const v = this.verifications.get(id);
    if (!v) return { status: 404, text: 'No such verification.', contentType: 'text/plain; charset=utf-8' };
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      text:
        '<!doctype html><title>Sandbox income verification</title>' +
        `<p>Sandbox open-banking consent for verification <code>${v.verificationId}</code>: ${v.status}.</p>` +
        '<p>Complete or fail it through the sandbox steering endpoints.</p>',
    };
  }

  async listVerifications(): Promise<OpenBankingVerificationView[]> {
    return [...this.verifications.values()].map((v) => ({ ...v }));
  }

  async getVerification(verificationId: string): Promise<OpenBankingVerificationView> {
    return { ...this.find(verificationId) };
  }

  async completeVerification(verificationId: string, monthlyIncome: string): Promise<OpenBankingVerificationView> {
    if (!isAmountString(monthlyIncome) || parseAmount(monthlyIncome).isNegative()) {
      throw new SandboxSteeringError('invalid', 'monthlyIncome must be a non-negative amount string');
    }
    const v = this.pending(verificationId);
    v.status = 'completed';
    v.verifiedMonthlyIncome = formatAmount(parseAmount(monthlyIncome));
    v.finishedAt = this.clock().toISOString();
    return { ...v };
  }

  async failVerification(verificationId: string, reason = 'consent_declined'): Promise<OpenBankingVerificationView> {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(reason)) {
      throw new SandboxSteeringError('invalid', 'reason must be a snake_case code');
    }
    const v = this.pending(verificationId);
    v.status = 'failed';
    v.failureReason = reason;
    v.finishedAt = this.clock().toISOString();
    return { ...v };
  }

  private find(verificationId: string): OpenBankingVerificationView {
    const v = this.verifications.get(verificationId);
    if (!v) throw new SandboxSteeringError('not_found', 'no such verification');
    return v;
  }

  private pending(verificationId: string): OpenBankingVerificationView {
    const v = this.find(verificationId);
    if (v.status !== 'pending') throw new SandboxSteeringError('conflict', `the verification is ${v.status}`);
    return v;
  }
}
