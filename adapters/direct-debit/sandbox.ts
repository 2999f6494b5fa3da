/**
 * The direct-debit (autogiro) double: an HTTP server implementing the contract in ./client.ts.
 * - Mandates and draws are stored by idempotency key; a repeat (same key, same body — amounts
 *   compared normalised) returns the stored one with 200 and `Idempotent-Replayed: true` and does
 *   nothing new; the same key with a different body answers 409 `idempotency_conflict`.
 * - A draw settles at once (the sandbox bank answers on the spot): `paid`, or `refused` when the
 *   mandate is cancelled (`mandate_cancelled`) or when steered to refuse (`refuseDraws`: insufficient
 *   funds for the next draws, or the payer cancelling the mandate at their bank).
 * Steered through the API's `/v1/sandbox/direct-debit/...` endpoints (api/routes/sandbox.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../../domain/dates';
import { formatAmount, isAmountString, parseAmount } from '../../domain/money';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import {
  SandboxSteeringError,
  sandboxProblem,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import type { DrawRefusalReason, DrawStatus, MandateStatus, PayerAccount } from './types';

export interface MandateView {
  mandateId: string;
  reference: string;
  account: PayerAccount;
  status: MandateStatus;
  /** Draws still to be refused for insufficient funds (null: every draw until cleared). */
  refuseNext: { reason: 'insufficient_funds'; remaining: number | null } | null;
  /** Draws due on these dates are refused for insufficient funds. */
  refuseDueDates: IsoDate[];
  createdAt: string;
}

export interface DrawView {
  drawId: string;
  idempotencyKey: string;
  mandateId: string;
  mandateReference: string;
  amount: string;
  dueDate: IsoDate;
  reference: string;
  status: DrawStatus;
  refusalReason?: DrawRefusalReason;
  createdAt: string;
}

export interface DirectDebitSandboxSteering {
  listMandates(): Promise<MandateView[]>;
  /** Every draw the service took, oldest first (a replayed request is not a new draw). */
  listDraws(filter?: { mandate?: string }): Promise<DrawView[]>;
  /**
   * The next `count` draws on the mandate (its mandateId or the lender's reference) are refused
   * for insufficient funds (no count: every draw until `clearRefusals`); `mandate_cancelled`: the
   * payer cancels the mandate at their bank, so every later draw is refused. With `dueDates`, only
   * the draws due on those dates are refused for insufficient funds (the simulator's script).
   */
  refuseDraws(mandate: string, reason: DrawRefusalReason, count?: number, dueDates?: IsoDate[]): Promise<MandateView>;
  clearRefusals(mandate: string): Promise<MandateView>;
}

export interface DirectDebitSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
}

const mandateRequest = z.object({
  reference: z.string(),
  payer: z.object({ personalNumber: z.string() }),
  account: z.object({ clearingNumber: z.string(), accountNumber: z.string() }),
});
const drawRequest = z.object({
  mandateId: z.string(),
  amount: z.string(),
  currency: z.string(),
  dueDate: z.string(),
  reference: z.string(),
});

interface StoredMandate {
  mandateId: string;
  reference: string;
  account: PayerAccount;
  status: MandateStatus;
  refuseNext: MandateView['refuseNext'];
  refuseDueDates: IsoDate[];
  createdAt: string;
}

export class DirectDebitSandbox extends HttpSandboxDouble implements DirectDebitSandboxSteering {
  private readonly mandateKeys = new IdempotencyStore<string>();
  private readonly drawKeys = new IdempotencyStore<string>();
  private readonly mandates = new Map<string, StoredMandate>();
  private readonly draws = new Map<string, DrawView>();
  private readonly clock: Clock;

  private constructor(options: DirectDebitSandboxOptions) {
    super('direct-debit');
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: DirectDebitSandboxOptions = {}): Promise<DirectDebitSandbox> {
    const sandbox = new DirectDebitSandbox(options);
    await sandbox.listen(options, [
      { method: 'POST', pattern: '/v1/mandates', handler: (req) => sandbox.createMandate(req) },
      { method: 'POST', pattern: '/v1/mandates/:mandateId/cancel', handler: (req) => sandbox.cancel(req) },
      { method: 'POST', pattern: '/v1/draws', handler: (req) => sandbox.createDraw(req) },
      { method: 'GET', pattern: '/v1/draws/:drawId', handler: (req) => sandbox.readDraw(req.params.drawId!) },
    ]);
    return sandbox;
  }

  private createMandate(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = mandateRequest.safeParse(req.body);
    if (!parsed.success) return sandboxProblem(422, 'invalid_request', 'reference, payer and account are required');
    const r = parsed.data;
    if (r.reference.length < 1 || r.reference.length > 64)
      return sandboxProblem(422, 'invalid_request', 'reference must be 1–64 characters');
    if (!/^\d{12}$/.test(r.payer.personalNumber))
      return sandboxProblem(422, 'invalid_request', 'payer.personalNumber must be 12 digits');
    if (!/^\d{4,5}$/.test(r.account.clearingNumber) || !/^\d{1,12}$/.test(r.account.accountNumber))
      return sandboxProblem(422, 'invalid_account', 'clearing number 4–5 digits, account number 1–12 digits');
    const seen = this.mandateKeys.lookup(key, r);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: this.mandateWire(this.mandates.get(seen.value)!),
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const mandate: StoredMandate = {
      mandateId: `AG-${randomUUID()}`,
      reference: r.reference,
      account: { ...r.account },
      status: 'active',
      refuseNext: null,
      refuseDueDates: [],
      createdAt: this.clock().toISOString(),
    };
    this.mandates.set(mandate.mandateId, mandate);
    this.mandateKeys.remember(key, r, mandate.mandateId);
    return { status: 201, body: this.mandateWire(mandate) };
  }

  private cancel(req: SandboxRequest): SandboxResponse {
    const mandate = this.mandates.get(req.params.mandateId!);
    if (!mandate) return sandboxProblem(404, 'not_found', 'no such mandate');
    mandate.status = 'cancelled';
    return { status: 200, body: this.mandateWire(mandate) };
  }

  private createDraw(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = drawRequest.safeParse(req.body);
    if (!parsed.success)
      return sandboxProblem(422, 'invalid_request', 'mandateId, amount, currency, dueDate and reference are required');
    const r = parsed.data;
    if (!isAmountString(r.amount) || !parseAmount(r.amount).greaterThan(0))
      return sandboxProblem(
        422,
        'invalid_amount',
        'amount must be a positive decimal string with at most two decimals',
      );
    if (r.currency !== 'SEK') return sandboxProblem(422, 'invalid_request', 'only SEK is supported');
    if (!isIsoDate(r.dueDate)) return sandboxProblem(422, 'invalid_request', 'dueDate must be YYYY-MM-DD');
    if (r.reference.length < 1 || r.reference.length > 35)
      return sandboxProblem(422, 'invalid_request', 'reference must be 1–35 characters');
    const mandate = this.mandates.get(r.mandateId);
    if (!mandate) return sandboxProblem(422, 'unknown_mandate', 'no such mandate');
    const normalised = { ...r, amount: formatAmount(parseAmount(r.amount)) };
    const seen = this.drawKeys.lookup(key, normalised);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: this.drawWire(this.draws.get(seen.value)!),
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const refusal = this.refusalFor(mandate, r.dueDate);
    const draw: DrawView = {
      drawId: randomUUID(),
      idempotencyKey: key,
      mandateId: mandate.mandateId,
      mandateReference: mandate.reference,
      amount: normalised.amount,
      dueDate: r.dueDate,
      reference: r.reference,
      status: refusal ? 'refused' : 'paid',
      ...(refusal ? { refusalReason: refusal } : {}),
      createdAt: this.clock().toISOString(),
    };
    this.draws.set(draw.drawId, draw);
    this.drawKeys.remember(key, normalised, draw.drawId);
    return { status: 201, body: this.drawWire(draw) };
  }

  /** Why the payer's bank refuses the next draw on this mandate, if it does. */
  private refusalFor(mandate: StoredMandate, dueDate: string): DrawRefusalReason | undefined {
    if (mandate.status === 'cancelled') return 'mandate_cancelled';
    if (mandate.refuseDueDates.includes(dueDate)) return 'insufficient_funds';
    const refuse = mandate.refuseNext;
    if (!refuse) return undefined;
    if (refuse.remaining !== null) {
      refuse.remaining--;
      if (refuse.remaining <= 0) mandate.refuseNext = null;
    }
    return refuse.reason;
  }

  private readDraw(drawId: string): SandboxResponse {
    const draw = this.draws.get(drawId);
    if (!draw) return sandboxProblem(404, 'not_found', 'no such draw');
    return { status: 200, body: this.drawWire(draw) };
  }

  private mandateWire(m: StoredMandate) {
    return { mandateId: m.mandateId, reference: m.reference, status: m.status };
  }

  private drawWire(d: DrawView) {
    return {
      drawId: d.drawId,
      status: d.status,
      ...(d.refusalReason ? { refusalReason: d.refusalReason } : {}),
      amount: d.amount,
      currency: 'SEK',
      dueDate: d.dueDate,
    };
  }

  private find(mandate: string): StoredMandate {
    const found = this.mandates.get(mandate) ?? [...this.mandates.values()].find((m) => m.reference === mandate);
    if (!found) throw new SandboxSteeringError('not_found', 'no such mandate');
    return found;
  }

  private view(m: StoredMandate): MandateView {
    return {
      mandateId: m.mandateId,
      reference: m.reference,
      account: { ...m.account },
      status: m.status,
      refuseNext: m.refuseNext ? { ...m.refuseNext } : null,
      refuseDueDates: [...m.refuseDueDates],
      createdAt: m.createdAt,
    };
  }

  async listMandates(): Promise<MandateView[]> {
    return [...this.mandates.values()].map((m) => this.view(m));
  }

  async listDraws(filter: { mandate?: string } = {}): Promise<DrawView[]> {
    const mandate = filter.mandate === undefined ? undefined : this.find(filter.mandate);
    return [...this.draws.values()]
      .filter((d) => mandate === undefined || d.mandateId === mandate.mandateId)
      .map((d) => ({ ...d }));
  }

  async refuseDraws(
    mandate: string,
    reason: DrawRefusalReason,
    count?: number,
    dueDates?: IsoDate[],
  ): Promise<MandateView> {
    const m = this.find(mandate);
    if (dueDates !== undefined) {
      if (reason !== 'insufficient_funds' || !dueDates.every(isIsoDate))
        throw new SandboxSteeringError('invalid', 'dueDates are dates of draws refused for insufficient funds');
      m.refuseDueDates = [...new Set([...m.refuseDueDates, ...dueDates])];
      return this.view(m);
    }
    if (count !== undefined && (!Number.isInteger(count) || count < 1))
      throw new SandboxSteeringError('invalid', 'count must be a positive whole number');
    if (reason === 'mandate_cancelled') m.status = 'cancelled';
    else m.refuseNext = { reason, remaining: count ?? null };
    return this.view(m);
  }

  async clearRefusals(mandate: string): Promise<MandateView> {
    const m = this.find(mandate);
    m.refuseNext = null;
    m.refuseDueDates = [];
    return this.view(m);
  }
}
