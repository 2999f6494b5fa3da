/**
 * A minimal JSON HTTP server for the sandbox doubles (node:http, no framework): exact-path and
 * `:param` routes, JSON bodies, 404/405/415 and malformed-JSON answers in the double's own error
 * format, optional bearer-token check, ephemeral port on 127.0.0.1 by default, and a `close()`
 * that also drops keep-alive connections so tests end promptly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface SandboxResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with `contentType` (for the odd HTML page). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An error answer in the doubles' `{ error, message }` shape. */
export function sandboxProblem(status: number, error: string, message: string): SandboxResponse {
  return { status, body: { error, message } };
}

export type SandboxHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface SandboxRoute {
  method: 'GET' | 'POST';
  /** `/v1/payouts/:payoutId` */
  pattern: string;
  handler: SandboxHandler;
  /** Served without the bearer token (a page a person's browser opens). */
  public?: boolean;
}

export type SandboxErrorKind =
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unauthorized'
  | 'internal_error';

export interface SandboxServerOptions {
  name: string;
  routes: SandboxRoute[];
  /** The double's error body for the framework-level errors. */
  errorBody: (kind: SandboxErrorKind, message: string) => unknown;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  host?: string;
  port?: number;
}

export interface RunningSandboxServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATUS: Record<SandboxErrorKind, number> = {
  not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  invalid_json: 400,
  payload_too_large: 413,
  unauthorized: 401,
  internal_error: 500,
};

const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute extends SandboxRoute {
  regex: RegExp;
  names: string[];
}

function compile(route: SandboxRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}/?$`), names };
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandboxServer> {
  const routes = options.routes.map(compile);

  const send = (res: http.ServerResponse, response: SandboxResponse) => {
    const headers: Record<string, string> = { ...response.headers };
    let payload: Buffer | undefined;
    if (response.text !== undefined) {
      headers['content-type'] = response.contentType ?? 'text/plain; charset=utf-8';
      payload = Buffer.from(response.text, 'utf8');
    } else if (response.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    }
    if (payload) headers['content-length'] = String(payload.length);
    res.writeHead(response.status, headers);
    res.end(payload);
  };
  const fail = (res: http.ServerResponse, kind: SandboxErrorKind, message: string) =>
    send(res, { status: STATUS[kind], body: options.errorBody(kind, message) });

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const method = req.method ?? 'GET';
      const matching = routes.filter((r) => r.regex.test(url.pathname));
      if (matching.length === 0) return fail(res, 'not_found', 'no such resource');
      const route = matching.find((r) => r.method === method);
      if (!route) return fail(res, 'method_not_allowed', `${method} not allowed`);
      if (options.bearerToken && !route.public && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
        return fail(res, 'unauthorized', 'missing or wrong bearer token');
      }

      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) return fail(res, 'payload_too_large', 'request body too large');
        chunks.push(chunk);
      }
      let body: unknown;
      if (method === 'POST') {
        if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
          return fail(res, 'unsupported_media_type', 'Content-Type must be application/json');
        }
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return fail(res, 'invalid_json', 'request body is not valid JSON');
        }
      }

      const match = route.regex.exec(url.pathname)!;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
      const response = await route.handler({
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      send(res, response);
    })().catch(() => {
      if (!res.headersSent) fail(res, 'internal_error', 'internal error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Thrown by a double's steering functions; the API maps `kind` to 404/409/400. */
export class SandboxSteeringError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxSteeringError';
  }
}
