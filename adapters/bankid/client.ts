/**
 * The real BankID RP API v6.0 client over HTTPS.
 *
 * Production: `baseUrl` https://appapi2.bankid.com (test environment: https://appapi2.test.bankid.com)
 * and the RP's client certificate for mutual TLS, given either as `tls` ({ pfx, passphrase, ca }:
 * the PKCS#12 file from the bank and BankID's issuing CA) from which an `https.Agent` is built, or
 * as a ready `agent`. In sandbox mode the same client talks plain HTTP to the local double.
 */
import type http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import { AdapterError } from '../shared/errors';
import { parseBody, requestJson, type HttpClientSettings, type JsonResponse } from '../shared/http-client';
import { BankIdError, bankIdErrorCodeForStatus } from './errors';
import type {
  BankIdAuthRequest,
  BankIdClient,
  BankIdCollectResult,
  BankIdCompletionData,
  BankIdOrder,
  BankIdSignRequest,
} from './types';

export interface BankIdClientSettings {
  /** Server root; the client appends `/rp/v6.0/...`. */
  baseUrl: string;
  /** RP client certificate (mTLS). Ignored when `agent` is given. */
  tls?: { pfx: Buffer; passphrase?: string; ca?: string | Buffer };
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

export const BANKID_API_PATH = '/rp/v6.0';

const orderSchema = z.object({
  orderRef: z.string().min(1),
  autoStartToken: z.string().min(1),
  qrStartToken: z.string().min(1),
  qrStartSecret: z.string().min(1),
});

const completionDataSchema = z.object({
  user: z.object({
    personalNumber: z.string(),
    name: z.string(),
    givenName: z.string(),
    surname: z.string(),
  }),
  device: z.object({ ipAddress: z.string(), uhi: z.string().optional() }),
  bankIdIssueDate: z.string(),
  stepUp: z.object({ mrtd: z.boolean() }).optional(),
  signature: z.string(),
  ocspResponse: z.string(),
  risk: z.enum(['low', 'moderate', 'high']).optional(),
}) satisfies z.ZodType<BankIdCompletionData>;

const collectSchema = z.discriminatedUnion('status', [
  z.object({ orderRef: z.string(), status: z.literal('pending'), hintCode: z.string() }),
  z.object({ orderRef: z.string(), status: z.literal('failed'), hintCode: z.string() }),
  z.object({ orderRef: z.string(), status: z.literal('complete'), completionData: completionDataSchema }),
]);

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export class BankIdHttpClient implements BankIdClient {
  private readonly http: HttpClientSettings;

  constructor(settings: BankIdClientSettings) {
    const agent =
      settings.agent ??
      (settings.tls
        ? new https.Agent({
            pfx: settings.tls.pfx,
            passphrase: settings.tls.passphrase,
            ca: settings.tls.ca,
            keepAlive: true,
          })
        : undefined);
    this.http = { baseUrl: settings.baseUrl, agent, timeoutMs: settings.timeoutMs, logger: settings.logger };
  }

  auth(request: BankIdAuthRequest): Promise<BankIdOrder> {
    return this.start('auth', request);
  }

  async sign(request: BankIdSignRequest): Promise<BankIdOrder> {
    if (!request.userVisibleData) {
      throw new AdapterError('bankid', 'invalidParameters', false, 'bankid sign: userVisibleData is required');
    }
    return this.start('sign', request);
  }

  async collect(orderRef: string): Promise<BankIdCollectResult> {
    const res = await this.call('collect', { orderRef });
    return parseBody('bankid', 'collect', collectSchema, res);
  }

  async cancel(orderRef: string): Promise<void> {
    await this.call('cancel', { orderRef });
  }

  private async start(operation: 'auth' | 'sign', request: BankIdAuthRequest): Promise<BankIdOrder> {
    const body: Record<string, unknown> = { endUserIp: request.endUserIp };
    if (request.requirement) body.requirement = request.requirement;
    if (request.userVisibleData !== undefined) body.userVisibleData = base64(request.userVisibleData);
    if (request.userNonVisibleData !== undefined) body.userNonVisibleData = base64(request.userNonVisibleData);
    if (request.userVisibleDataFormat) body.userVisibleDataFormat = request.userVisibleDataFormat;
    if (request.returnUrl) body.returnUrl = request.returnUrl;
    if (request.returnRisk !== undefined) body.returnRisk = request.returnRisk;
    const res = await this.call(operation, body);
    return parseBody('bankid', operation, orderSchema, res);
  }

  private async call(operation: string, body: unknown): Promise<JsonResponse> {
    const res = await requestJson('bankid', this.http, {
      operation,
      method: 'POST',
      path: `${BANKID_API_PATH}/${operation}`,
      body,
    });
    if (res.status === 200) return res;
    const { errorCode, details } = (res.body ?? {}) as { errorCode?: unknown; details?: unknown };
    throw new BankIdError(
      typeof errorCode === 'string' ? errorCode : bankIdErrorCodeForStatus(res.status),
      typeof details === 'string' ? details : '',
      operation,
      res.status,
    );
  }
}
