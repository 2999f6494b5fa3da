/**
 * A small JSON-over-HTTP(S) client on node:http/node:https, shared by the real clients.
 *
 * Why not fetch: the BankID RP API needs a TLS client certificate (mTLS), which node:https takes
 * through an `https.Agent` ({ pfx, passphrase, ca }) without extra dependencies; every client here
 * accepts such an agent. Bodies are never logged, only system, operation, status and duration.
 */
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { Logger } from '../../platform/logger';
import {
  AdapterTransportError,
  IdempotencyConflictError,
  isRetryableStatus,
  RemoteServiceError,
  safeRemoteText,
  type AdapterError,
  type AdapterSystem,
} from './errors';

export interface HttpClientSettings {
  /** Scheme, host, port and optional path prefix, e.g. `https://bureau.example.com/api`. */
  baseUrl: string;
  /** Connection pooling and TLS (client certificate, CA). Defaults to Node's global agent. */
  agent?: http.Agent;
  /** Whole-request deadline. Default 10 s. */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer …` when present. */
  bearerToken?: string;
  logger?: Logger;
}

export interface JsonRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export function joinUrl(baseUrl: string, path: string): URL {
  return new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
}

export function requestJson(
  system: AdapterSystem,
  settings: HttpClientSettings,
  req: JsonRequest,
): Promise<JsonResponse> {
  const url = joinUrl(settings.baseUrl, req.path);
  const transport = url.protocol === 'https:' ? https : http;
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (settings.bearerToken) headers.authorization = `Bearer ${settings.bearerToken}`;
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = process.hrtime.bigint();
  const what = `${system} ${req.operation}`;

  return new Promise<JsonResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const request = transport.request(url, { method: req.method, headers, agent: settings.agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          request.destroy(new AdapterTransportError(system, 'bad_response', `${what}: response too large`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) =>
        finish(() => reject(new AdapterTransportError(system, 'network', `${what}: response aborted`, { cause: err }))),
      );
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        settings.logger?.debug({ system, operation: req.operation, status, durationMs }, 'adapter call');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text.length > 0 && /json/i.test(res.headers['content-type'] ?? '')) {
          try {
            body = JSON.parse(text);
          } catch (err) {
            finish(() =>
              reject(
                new AdapterTransportError(system, 'bad_response', `${what}: HTTP ${status} with invalid JSON`, {
                  httpStatus: status,
                  cause: err,
                }),
              ),
            );
            return;
          }
        }
        finish(() => resolve({ status, headers: res.headers, body }));
      });
    });
    const timer = setTimeout(() => {
      request.destroy(new AdapterTransportError(system, 'timeout', `${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (err) => {
      settings.logger?.warn({ system, operation: req.operation, errorCode: codeOf(err) }, 'adapter call failed');
      finish(() =>
        reject(
          err instanceof AdapterTransportError
            ? err
            : new AdapterTransportError(system, 'network', `${what}: ${codeOf(err) ?? 'connection failed'}`, {
                cause: err,
              }),
        ),
      );
    });
    request.end(payload);
  });
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `{ error, message }` of a JSON error body, for the JSON-over-HTTP systems other than BankID. */
export function problemOf(body: unknown): { error?: string; message?: string } {
  if (body === null || typeof body !== 'object') return {};
  const { error, message } = body as { error?: unknown; message?: unknown };
  return {
    error: typeof error === 'string' ? error : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

/**
 * The typed error for a non-2xx answer of a JSON-over-HTTP system: `IdempotencyConflictError`
 * for a reused key, otherwise a `RemoteServiceError` with the remote code (or one derived from the
 * status) and retryability from the status.
 */
export function remoteError(system: AdapterSystem, operation: string, res: JsonResponse): AdapterError {
  const { error, message } = problemOf(res.body);
  if (res.status === 409 && error === 'idempotency_conflict') {
    return new IdempotencyConflictError(system, operation, { httpStatus: res.status });
  }
  const code = error ?? statusCode(res.status);
  const detail = safeRemoteText(message);
  return new RemoteServiceError(
    system,
    code,
    isRetryableStatus(res.status),
    `${system} ${operation}: HTTP ${res.status} ${code}${detail ? ` (${detail})` : ''}`,
    { httpStatus: res.status },
  );
}

function statusCode(status: number): string {
  if (status === 400) return 'invalid_request';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'unprocessable';
  if (status === 429) return 'too_many_requests';
  if (status >= 500) return 'server_error';
  return `http_${status}`;
}

/** Validates a success body against the protocol's schema; anything else is a bad response. */
export function parseBody<T>(system: AdapterSystem, operation: string, schema: z.ZodType<T>, res: JsonResponse): T {
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  // Field paths only: the values may be personal data.
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
  throw new AdapterTransportError(
    system,
    'bad_response',
    `${system} ${operation}: HTTP ${res.status} answer does not match the protocol (${fields})`,
    { httpStatus: res.status },
  );
}

/** What the clients that authenticate with an API key take (bankid uses mTLS instead). */
export interface ApiKeyClientSettings {
  baseUrl: string;
  apiKey?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  logger?: Logger;
}

/** A client of a JSON API that authenticates with a bearer API key. */
export abstract class ApiKeyHttpClient {
  protected readonly http: HttpClientSettings;

  constructor(settings: ApiKeyClientSettings) {
    this.http = {
      baseUrl: settings.baseUrl,
      agent: settings.agent,
      timeoutMs: settings.timeoutMs,
      bearerToken: settings.apiKey,
      logger: settings.logger,
    };
  }
}

/**
 * An idempotent create: POST with the key as the `Idempotency-Key` header; 201 (new) or 200 with
 * `Idempotent-Replayed: true` (the same key and body again) carry the schema's body.
 */
export async function postIdempotent<T>(
  system: AdapterSystem,
  settings: HttpClientSettings,
  req: { operation: string; path: string; idempotencyKey: string; body: unknown },
  schema: z.ZodType<T>,
): Promise<{ body: T; replayed: boolean }> {
  const res = await requestJson(system, settings, {
    operation: req.operation,
    method: 'POST',
    path: req.path,
    headers: { 'idempotency-key': req.idempotencyKey },
    body: req.body,
  });
  if (res.status !== 200 && res.status !== 201) throw remoteError(system, req.operation, res);
  return {
    body: parseBody(system, req.operation, schema, res),
    replayed: res.headers['idempotent-replayed'] === 'true',
  };
}

/** A read: GET answered 200 with the schema's body. */
export async function getJson<T>(
  system: AdapterSystem,
  settings: HttpClientSettings,
  operation: string,
  path: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const res = await requestJson(system, settings, { operation, method: 'GET', path });
  if (res.status !== 200) throw remoteError(system, operation, res);
  return parseBody(system, operation, schema, res);
}
