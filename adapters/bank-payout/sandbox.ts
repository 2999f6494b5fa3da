/**
 * The bank payout double: an HTTP server implementing the contract in ./client.ts, and the
 * reason a retried activity can never pay twice in sandbox mode either:
 * - payouts are stored by idempotency key; a repeat (same key, same body — compared after
 *   normalising the amount, so "100.5" and "100.50" are the same) returns the stored payout with
 *   200 and `Idempotent-Replayed: true`, and records nothing new;
 * - the same key with a different body answers 409 `idempotency_conflict`.
 * A payout is `accepted` with an execution date (the requested date or the next Swedish banking
 * day, moved forward to a banking day) and counts as `executed` once the clock's Stockholm date has
 * reached it, or `executeAfterMs` after it was accepted (the sandbox default: a bank that confirms
 * within seconds, so the application's wait for execution ends quickly), or when steered with
 * `executePayout`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bankingDayOnOrAfter, nextBankingDayAfter } from '../../domain/calendar';
import { compareDates, isIsoDate, stockholmDate, type IsoDate } from '../../domain/dates';
import { formatAmount, isAmountString, parseAmount } from '../../domain/money';
import { isValidOcr } from '../../domain/ocr';
import { systemClock, type Clock } from '../shared/clock';
import { IdempotencyStore, isValidIdempotencyKey } from '../shared/idempotency';
import {
  SandboxSteeringError,
  type SandboxRequest,
  type SandboxResponse,
  sandboxProblem,
} from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import type { PayoutDestination, PayoutStatus } from './types';

export interface PayoutView {
  payoutId: string;
  idempotencyKey: string;
  amount: string;
  toAccount: PayoutDestination;
  reference: string;
  status: PayoutStatus;
  executionDate: IsoDate;
  createdAt: string;
}

export interface BankPayoutSandboxSteering {
  /** Every payout the bank accepted, oldest first (a replayed request is not a new payout). */
  listPayouts(): Promise<PayoutView[]>;
  getPayout(payoutId: string): Promise<PayoutView>;
  /** Marks a payout executed now (as if its execution date had come). */
  executePayout(payoutId: string): Promise<PayoutView>;
}

export interface BankPayoutSandboxOptions {
  clock?: Clock;
  apiKey?: string;
  host?: string;
  port?: number;
  /** When set, a payout counts as executed this long after it was accepted (on the clock). */
  executeAfterMs?: number;
}

const requestSchema = z.object({
  amount: z.string(),
  currency: z.string(),
  reference: z.string(),
  to: z.discriminatedUnion('type', [
    z.object({ type: z.literal('bankAccount'), clearingNumber: z.string(), accountNumber: z.string() }),
    z.object({ type: z.literal('bankgiro'), bankgiroNumber: z.string(), ocr: z.string() }),
  ]),
  requestedExecutionDate: z.string().optional(),
});

type WireRequest = z.infer<typeof requestSchema>;

interface StoredPayout extends Omit<PayoutView, 'status'> {
  executedAt?: string;
}

export class BankPayoutSandbox extends HttpSandboxDouble implements BankPayoutSandboxSteering {
  private readonly byKey = new IdempotencyStore<string>();
  private readonly payouts = new Map<string, StoredPayout>();
  private readonly clock: Clock;
  private readonly executeAfterMs: number | undefined;

  private constructor(options: BankPayoutSandboxOptions) {
    super('bank-payout');
    this.clock = options.clock ?? systemClock;
    this.executeAfterMs = options.executeAfterMs;
  }

  static async start(options: BankPayoutSandboxOptions = {}): Promise<BankPayoutSandbox> {
    const sandbox = new BankPayoutSandbox(options);
    await sandbox.listen(options, [
      { method: 'POST', pattern: '/v1/payouts', handler: (req) => sandbox.create(req) },
      { method: 'GET', pattern: '/v1/payouts/:payoutId', handler: (req) => sandbox.read(req.params.payoutId!) },
    ]);
    return sandbox;
  }

  private create(req: SandboxRequest): SandboxResponse {
    const key = req.headers['idempotency-key'];
    if (!isValidIdempotencyKey(key)) return sandboxProblem(400, 'invalid_request', 'Idempotency-Key header required');
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success)
      return sandboxProblem(422, 'invalid_request', 'amount, currency, reference and to are required');
    const invalid = this.validate(parsed.data);
    if (invalid) return invalid;
    // Compare requests in normalised form: "100.5" and "100.50" are the same payout.
    const normalised: WireRequest = { ...parsed.data, amount: formatAmount(parseAmount(parsed.data.amount)) };
    const seen = this.byKey.lookup(key, normalised);
    if (seen.kind === 'conflict') return sandboxProblem(409, 'idempotency_conflict', 'key used with another request');
    if (seen.kind === 'replay') {
      return {
        status: 200,
        body: this.wire(this.payouts.get(seen.value)!),
        headers: { 'idempotent-replayed': 'true' },
      };
    }

    const today = stockholmDate(this.clock());
    const requested = normalised.requestedExecutionDate;
    const earliest = nextBankingDayAfter(today);
    const executionDate = bankingDayOnOrAfter(
      requested && compareDates(requested, earliest) > 0 ? requested : earliest,
    );
    const payout: StoredPayout = {
      payoutId: randomUUID(),
      idempotencyKey: key,
      amount: normalised.amount,
      toAccount:
        normalised.to.type === 'bankAccount'
          ? {
              kind: 'bankAccount',
              clearingNumber: normalised.to.clearingNumber,
              accountNumber: normalised.to.accountNumber,
            }
          : { kind: 'bankgiro', bankgiro: normalised.to.bankgiroNumber, ocr: normalised.to.ocr },
      reference: normalised.reference,
      executionDate,
      createdAt: this.clock().toISOString(),
    };
    this.payouts.set(payout.payoutId, payout);
    this.byKey.remember(key, normalised, payout.payoutId);
    return { status: 201, body: this.wire(payout) };
  }

  private validate(r: WireRequest): SandboxResponse | undefined {
    if (!isAmountString(r.amount) || !parseAmount(r.amount).greaterThan(0)) {
      return sandboxProblem(
        422,
        'invalid_amount',
        'amount must be a positive decimal string with at most two decimals',
      );
    }
    if (r.currency !== 'SEK') return sandboxProblem(422, 'invalid_request', 'only SEK is supported');
    if (r.reference.length < 1 || r.reference.length > 35) {
      return sandboxProblem(422, 'invalid_request', 'reference must be 1–35 characters');
    }
    if (r.requestedExecutionDate !== undefined && !isIsoDate(r.requestedExecutionDate)) {
      return sandboxProblem(422, 'invalid_request', 'requestedExecutionDate must be YYYY-MM-DD');
    }
    if (r.to.type === 'bankAccount') {
      if (!/^\d{4,5}$/.test(r.to.clearingNumber) || !/^\d{1,12}$/.test(r.to.accountNumber)) {
        return sandboxProblem(422, 'invalid_account', 'clearing number 4–5 digits, account number 1–12 digits');
      }
    } else {
      if (!/^\d{7,8}$/.test(r.to.bankgiroNumber))
        return sandboxProblem(422, 'invalid_account', 'bankgiro number 7–8 digits');
      if (!isValidOcr(r.to.ocr))
        return sandboxProblem(422, 'invalid_ocr', 'OCR reference fails its check digit or length');
    }
    return undefined;
  }

  private read(payoutId: string): SandboxResponse {
    const payout = this.payouts.get(payoutId);
    if (!payout) return sandboxProblem(404, 'not_found', 'no such payout');
    return { status: 200, body: this.wire(payout) };
  }

  private statusOf(p: StoredPayout): PayoutStatus {
    if (p.executedAt) return 'executed';
    if (this.executeAfterMs !== undefined && this.clock().getTime() - Date.parse(p.createdAt) >= this.executeAfterMs) {
      return 'executed';
    }
    return compareDates(stockholmDate(this.clock()), p.executionDate) >= 0 ? 'executed' : 'accepted';
  }

  private wire(p: StoredPayout) {
    return {
      payoutId: p.payoutId,
      status: this.statusOf(p),
      executionDate: p.executionDate,
      amount: p.amount,
      currency: 'SEK',
    };
  }

  private view(p: StoredPayout): PayoutView {
    return {
      payoutId: p.payoutId,
      idempotencyKey: p.idempotencyKey,
      amount: p.amount,
      toAccount: { ...p.toAccount },
      reference: p.reference,
      status: this.statusOf(p),
      executionDate: p.executionDate,
      createdAt: p.createdAt,
    };
  }

  async listPayouts(): Promise<PayoutView[]> {
    return [...this.payouts.values()].map((p) => this.view(p));
  }

  async getPayout(payoutId: string): Promise<PayoutView> {
    const payout = this.payouts.get(payoutId);
    if (!payout) throw new SandboxSteeringError('not_found', 'no such payout');
    return this.view(payout);
  }

  async executePayout(payoutId: string): Promise<PayoutView> {
    const payout = this.payouts.get(payoutId);
    if (!payout) throw new SandboxSteeringError('not_found', 'no such payout');
    payout.executedAt ??= this.clock().toISOString();
    return this.view(payout);
  }
}
