/**
 * The BankID sandbox double: a local HTTP server speaking the RP API v6.0, so the real
 * `BankIdHttpClient` is exercised against it. What a person does in the BankID app is done through
 * the steering functions (`completeOrder`, `failOrder`, `progressOrder`).
 *
 * Behaviour modelled on the real service:
 * - a new order is `pending` / `outstandingTransaction`;
 * - `auth`/`sign` with a `requirement.personalNumber` while a pending order for that person exists
 *   answer 400 `alreadyInProgress`, and the earlier order fails with hintCode `cancelled`;
 * - a pending order fails with `expiredTransaction` once `orderTtlMs` (default 3 minutes) has
 *   passed on the injected clock;
 * - a finished order can be collected (repeatedly) for a while after it finished (3 minutes when
 *   complete, 5 when failed); after that, and for an order the RP cancelled, `collect` answers 400
 *   `invalidParameters`, as for an unknown orderRef;
 * - `cancel` of a pending order answers `{}`; of anything else `invalidParameters`;
 * - bad input answers 400 `invalidParameters`, a wrong Content-Type 415 `unsupportedMediaType`.
 * No mTLS here: the double listens on plain HTTP on 127.0.0.1.
 */
import { createHash, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { stockholmDate } from '../../domain/dates';
import { isValidPersonnummer } from '../../domain/personnummer';
import { systemClock, type Clock } from '../shared/clock';
import { SandboxSteeringError, type SandboxErrorKind, type SandboxResponse } from '../shared/sandbox-server';
import { HttpSandboxDouble } from '../shared/sandbox-double';
import { BANKID_API_PATH } from './client';
import {
  FAILED_HINT_CODES,
  PENDING_HINT_CODES,
  type BankIdCompletionData,
  type BankIdErrorCode,
  type BankIdFailedHintCode,
  type BankIdPendingHintCode,
  type BankIdRequirement,
} from './types';

export interface BankIdSandboxOptions {
  clock?: Clock;
  /** Lifetime of a pending order. Default 180 000 ms. */
  orderTtlMs?: number;
  /** How long a complete order can still be collected. Default 180 000 ms. */
  completedRetentionMs?: number;
  /** How long a failed order can still be collected. Default 300 000 ms. */
  failedRetentionMs?: number;
  host?: string;
  port?: number;
}

export type BankIdOrderStatus = 'pending' | 'failed' | 'complete' | 'cancelled';

/** What the sandbox shows about an order (steering API; sandbox data only). */
export interface BankIdOrderView {
  orderRef: string;
  kind: 'auth' | 'sign';
  /** `cancelled`: the RP called /cancel. */
  status: BankIdOrderStatus;
  hintCode?: string;
  requiredPersonalNumber?: string;
  /** The decoded userVisibleData: what the user sees (and signs). */
  userVisibleText?: string;
  createdAt: string;
  finishedAt?: string;
  completedBy?: string;
  /** What the app receives by the autostart link and by scanning the QR code (sandbox test app). */
  autoStartToken: string;
  qrStartToken: string;
}

export interface BankIdSandboxSteering {
  listOrders(): Promise<BankIdOrderView[]>;
  getOrder(orderRef: string): Promise<BankIdOrderView>;
  /** The user advances in the app: `noClient`, `started`, `userSign`, … */
  progressOrder(orderRef: string, hintCode: BankIdPendingHintCode): Promise<BankIdOrderView>;
  /**
   * The user identifies or signs. `personalNumber` defaults to the order's required one; when the
   * order requires a person, another person cannot complete it.
   */
  completeOrder(
    orderRef: string,
    personalNumber?: string,
    names?: { givenName: string; surname: string },
  ): Promise<BankIdOrderView>;
  /** The order fails: `userCancel`, `expiredTransaction`, `certificateErr`, `startFailed`, … */
  failOrder(orderRef: string, hintCode: BankIdFailedHintCode): Promise<BankIdOrderView>;
}

interface OrderState {
  orderRef: string;
  kind: 'auth' | 'sign';
  endUserIp: string;
  requirement?: BankIdRequirement;
  userVisibleData?: string;
  userNonVisibleData?: string;
  returnRisk: boolean;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
  createdAt: Date;
  status: 'pending' | 'failed' | 'complete';
  hintCode?: string;
  completionData?: BankIdCompletionData;
  finishedAt?: Date;
  cancelledByRp: boolean;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const requirementSchema = z.strictObject({
  personalNumber: z
    .string()
    .regex(/^\d{12}$/, 'Invalid personalNumber')
    .optional(),
  pinCode: z.boolean().optional(),
  mrtd: z.boolean().optional(),
  cardReader: z.enum(['class1', 'class2']).optional(),
  certificatePolicies: z.array(z.string()).optional(),
});

const startSchema = z.object({
  endUserIp: z.string().refine((ip) => isIP(ip) !== 0, 'Invalid endUserIp'),
  requirement: requirementSchema.optional(),
  userVisibleData: z
    .string()
    .min(1, 'Invalid userVisibleData')
    .max(1500, 'Invalid userVisibleData')
    .regex(BASE64, 'Invalid userVisibleData')
    .optional(),
  userNonVisibleData: z
    .string()
    .min(1, 'Invalid userNonVisibleData')
    .max(200_000, 'Invalid userNonVisibleData')
    .regex(BASE64, 'Invalid userNonVisibleData')
    .optional(),
  userVisibleDataFormat: z.literal('simpleMarkdownV1', 'Invalid userVisibleDataFormat').optional(),
  returnUrl: z.url('Invalid returnUrl').optional(),
  returnRisk: z.boolean('Invalid returnRisk').optional(),
});

const orderRefSchema = z.object({ orderRef: z.string().min(1, 'Invalid orderRef') });

const ERROR_CODES: Record<SandboxErrorKind, BankIdErrorCode> = {
  not_found: 'notFound',
  method_not_allowed: 'methodNotAllowed',
  unsupported_media_type: 'unsupportedMediaType',
  invalid_json: 'invalidParameters',
  payload_too_large: 'invalidParameters',
  unauthorized: 'unauthorized',
  internal_error: 'internalError',
};

const DEFAULT_NAMES = { givenName: 'Test', surname: 'Testsson' };

function invalid(details: string): SandboxResponse {
  return { status: 400, body: { errorCode: 'invalidParameters', details } };
}

export class BankIdSandbox extends HttpSandboxDouble implements BankIdSandboxSteering {
  private readonly orders = new Map<string, OrderState>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly completedRetentionMs: number;
  private readonly failedRetentionMs: number;

  private constructor(options: BankIdSandboxOptions) {
    super('bankid');
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.orderTtlMs ?? 180_000;
    this.completedRetentionMs = options.completedRetentionMs ?? 180_000;
    this.failedRetentionMs = options.failedRetentionMs ?? 300_000;
  }

  static async start(options: BankIdSandboxOptions = {}): Promise<BankIdSandbox> {
    const sandbox = new BankIdSandbox(options);
    await sandbox.listen(
      { host: options.host, port: options.port },
      [
        { method: 'POST', pattern: `${BANKID_API_PATH}/auth`, handler: (req) => sandbox.startOrder('auth', req.body) },
        { method: 'POST', pattern: `${BANKID_API_PATH}/sign`, handler: (req) => sandbox.startOrder('sign', req.body) },
        { method: 'POST', pattern: `${BANKID_API_PATH}/collect`, handler: (req) => sandbox.collect(req.body) },
        { method: 'POST', pattern: `${BANKID_API_PATH}/cancel`, handler: (req) => sandbox.cancel(req.body) },
      ],
      (kind, message) => ({ errorCode: ERROR_CODES[kind], details: message }),
    );
    return sandbox;
  }

  // --- the RP API ------------------------------------------------------------------------------

  private startOrder(kind: 'auth' | 'sign', body: unknown): SandboxResponse {
    const parsed = startSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error.issues[0]?.message ?? 'Invalid parameters');
    const request = parsed.data;
    if (kind === 'sign' && !request.userVisibleData) return invalid('Invalid userVisibleData');
    const personalNumber = request.requirement?.personalNumber;
    if (personalNumber !== undefined && !isValidPersonnummer(personalNumber, stockholmDate(this.clock()))) {
      return invalid('Invalid personalNumber');
    }
    if (personalNumber !== undefined) {
      const running = [...this.orders.values()].find(
        (o) => this.refresh(o).status === 'pending' && o.requirement?.personalNumber === personalNumber,
      );
      if (running) {
        // As BankID does: the new order is refused and the running one is cancelled too.
        this.finish(running, 'failed', 'cancelled');
        return { status: 400, body: { errorCode: 'alreadyInProgress', details: 'Order already in progress for pno' } };
      }
    }
    const order: OrderState = {
      orderRef: randomUUID(),
      kind,
      endUserIp: request.endUserIp,
      requirement: request.requirement,
      userVisibleData: request.userVisibleData,
      userNonVisibleData: request.userNonVisibleData,
      returnRisk: request.returnRisk ?? false,
      autoStartToken: randomUUID(),
      qrStartToken: randomUUID(),
      qrStartSecret: randomUUID(),
      createdAt: this.clock(),
      status: 'pending',
      hintCode: 'outstandingTransaction',
      cancelledByRp: false,
    };
    this.orders.set(order.orderRef, order);
    return {
      status: 200,
      body: {
        orderRef: order.orderRef,
        autoStartToken: order.autoStartToken,
        qrStartToken: order.qrStartToken,
        qrStartSecret: order.qrStartSecret,
      },
    };
  }

  private collect(body: unknown): SandboxResponse {
    const parsed = orderRefSchema.safeParse(body);
    if (!parsed.success) return invalid('Invalid orderRef');
    const order = this.orders.get(parsed.data.orderRef);
    if (!order || !this.collectable(this.refresh(order))) return invalid('No such order');
    if (order.status === 'complete') {
      return {
        status: 200,
        body: { orderRef: order.orderRef, status: 'complete', completionData: order.completionData },
      };
    }
    return { status: 200, body: { orderRef: order.orderRef, status: order.status, hintCode: order.hintCode } };
  }

  private cancel(body: unknown): SandboxResponse {
    const parsed = orderRefSchema.safeParse(body);
    if (!parsed.success) return invalid('Invalid orderRef');
    const order = this.orders.get(parsed.data.orderRef);
    if (!order || order.cancelledByRp || this.refresh(order).status !== 'pending') return invalid('No such order');
    order.cancelledByRp = true;
    this.finish(order, 'failed', 'cancelled');
    return { status: 200, body: {} };
  }

  // --- steering --------------------------------------------------------------------------------

  async listOrders(): Promise<BankIdOrderView[]> {
    return [...this.orders.values()].map((o) => this.view(this.refresh(o)));
  }

  async getOrder(orderRef: string): Promise<BankIdOrderView> {
    return this.view(this.refresh(this.find(orderRef)));
  }

  async progressOrder(orderRef: string, hintCode: BankIdPendingHintCode): Promise<BankIdOrderView> {
    if (!(PENDING_HINT_CODES as readonly string[]).includes(hintCode)) {
      throw new SandboxSteeringError('invalid', `not a pending hintCode: ${hintCode}`);
    }
    const order = this.pending(orderRef);
    order.hintCode = hintCode;
    return this.view(order);
  }

  async completeOrder(
    orderRef: string,
    personalNumber?: string,
    names: { givenName: string; surname: string } = DEFAULT_NAMES,
  ): Promise<BankIdOrderView> {
    const order = this.pending(orderRef);
    const required = order.requirement?.personalNumber;
    const who = personalNumber ?? required;
    if (!who) throw new SandboxSteeringError('invalid', 'the order names no person: give a personalNumber');
    if (!/^\d{12}$/.test(who) || !isValidPersonnummer(who, stockholmDate(this.clock()))) {
      throw new SandboxSteeringError('invalid', 'personalNumber must be a valid 12-digit personnummer');
    }
    if (required && who !== required) {
      throw new SandboxSteeringError('conflict', 'the order requires another person');
    }
    const now = this.clock();
    const completionData: BankIdCompletionData = {
      user: {
        personalNumber: who,
        name: `${names.givenName} ${names.surname}`,
        givenName: names.givenName,
        surname: names.surname,
      },
      device: {
        ipAddress: order.endUserIp,
        uhi: createHash('sha1').update(`uhi:${who}`).digest('base64'),
      },
      bankIdIssueDate: stockholmDate(new Date(now.getTime() - 2 * 365 * 86_400_000)),
      signature: Buffer.from(this.signatureXml(order, now), 'utf8').toString('base64'),
      ocspResponse: Buffer.from(`sandbox-ocsp-response:${order.orderRef}`, 'utf8').toString('base64'),
    };
    if (order.requirement?.mrtd) completionData.stepUp = { mrtd: true };
    if (order.returnRisk) completionData.risk = 'low';
    order.completionData = completionData;
    this.finish(order, 'complete', undefined);
    return this.view(order);
  }

  async failOrder(orderRef: string, hintCode: BankIdFailedHintCode): Promise<BankIdOrderView> {
    if (!(FAILED_HINT_CODES as readonly string[]).includes(hintCode)) {
      throw new SandboxSteeringError('invalid', `not a failed hintCode: ${hintCode}`);
    }
    const order = this.pending(orderRef);
    this.finish(order, 'failed', hintCode);
    return this.view(order);
  }

  // --- internals -------------------------------------------------------------------------------

  private find(orderRef: string): OrderState {
    const order = this.orders.get(orderRef);
    if (!order) throw new SandboxSteeringError('not_found', 'no such BankID order');
    return order;
  }

  private pending(orderRef: string): OrderState {
    const order = this.refresh(this.find(orderRef));
    if (order.status !== 'pending') {
      throw new SandboxSteeringError('conflict', `the order is ${order.cancelledByRp ? 'cancelled' : order.status}`);
    }
    return order;
  }

  /** Applies the expiry of a pending order, as of the clock. */
  private refresh(order: OrderState): OrderState {
    if (order.status === 'pending') {
      const expiresAt = order.createdAt.getTime() + this.ttlMs;
      if (this.clock().getTime() >= expiresAt) {
        order.status = 'failed';
        order.hintCode = 'expiredTransaction';
        order.finishedAt = new Date(expiresAt);
      }
    }
    return order;
  }

  private collectable(order: OrderState): boolean {
    if (order.cancelledByRp) return false;
    if (order.status === 'pending' || !order.finishedAt) return true;
    const retention = order.status === 'complete' ? this.completedRetentionMs : this.failedRetentionMs;
    return this.clock().getTime() - order.finishedAt.getTime() <= retention;
  }

  private finish(order: OrderState, status: 'failed' | 'complete', hintCode: string | undefined): void {
    order.status = status;
    order.hintCode = hintCode;
    order.finishedAt = this.clock();
  }

  private view(order: OrderState): BankIdOrderView {
    const view: BankIdOrderView = {
      orderRef: order.orderRef,
      kind: order.kind,
      status: order.cancelledByRp ? 'cancelled' : order.status,
      createdAt: order.createdAt.toISOString(),
      autoStartToken: order.autoStartToken,
      qrStartToken: order.qrStartToken,
    };
    if (order.hintCode) view.hintCode = order.hintCode;
    if (order.requirement?.personalNumber) view.requiredPersonalNumber = order.requirement.personalNumber;
    if (order.userVisibleData) view.userVisibleText = Buffer.from(order.userVisibleData, 'base64').toString('utf8');
    if (order.finishedAt) view.finishedAt = order.finishedAt.toISOString();
    if (order.completionData) view.completedBy = order.completionData.user.personalNumber;
    return view;
  }

  /** A stand-in for the signature XML: marked as sandbox, carrying what was signed. */
  private signatureXml(order: OrderState, at: Date): string {
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Signature xmlns="urn:loan-engine:bankid-sandbox">',
      `<bankIdSignedData><usrVisibleData>${order.userVisibleData ?? ''}</usrVisibleData>`,
      `<usrNonVisibleData>${order.userNonVisibleData ?? ''}</usrNonVisibleData>`,
      `<srvInfo><orderRef>${order.orderRef}</orderRef><timestamp>${at.toISOString()}</timestamp></srvInfo>`,
      '</bankIdSignedData></Signature>',
    ].join('');
  }
}
