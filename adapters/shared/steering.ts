/**
 * Sandbox steering over HTTP, so the API and the worker can run as separate processes in sandbox
 * mode: the process that owns the doubles serves their steering API on a small HTTP
 * endpoint (`POST /v1/steer/:system/:method` with `{ args }`, bearer token), and any other process
 * steers them through `remoteSandboxSteering` — the same async interface the API's
 * `/v1/sandbox/...` endpoints use in-process. Only the methods of the steering interfaces can be
 * called (an explicit list, checked for completeness by the compiler); steering errors keep their
 * kind (not_found | conflict | invalid) across the wire.
 */
import { SandboxSteeringError, startSandboxServer, type RunningSandboxServer } from './sandbox-server';
import type { SandboxSteering } from '../index';

type MethodTable = { [K in keyof SandboxSteering]: { [M in keyof SandboxSteering[K]]: true } };

/** Every steering method, per system (a method missing here fails to compile). */
export const STEERING_METHODS: MethodTable = {
  bankId: { listOrders: true, getOrder: true, progressOrder: true, completeOrder: true, failOrder: true },
  bureau: {
    registerPerson: true,
    getPerson: true,
    listInquiries: true,
    listLatePaymentReports: true,
    listReportWithdrawals: true,
  },
  openBanking: { listVerifications: true, getVerification: true, completeVerification: true, failVerification: true },
  bankPayout: { listPayouts: true, getPayout: true, executePayout: true },
  email: { listMessages: true },
  sms: { listMessages: true },
  post: { listLetters: true },
  directDebit: { listMandates: true, listDraws: true, refuseDraws: true, clearRefusals: true },
};

function isSteeringCall(system: string, method: string): system is keyof SandboxSteering {
  const table = (STEERING_METHODS as Record<string, Record<string, true> | undefined>)[system];
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, method);
}

const KIND_STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;

/** Serves `steering` on 127.0.0.1 (or `host`) at `port` (0: ephemeral) behind the bearer `token`. */
export function startSteeringServer(
  steering: SandboxSteering,
  options: { token: string; host?: string; port?: number },
): Promise<RunningSandboxServer> {
  return startSandboxServer({
    name: 'sandbox-steering',
    host: options.host,
    port: options.port,
    bearerToken: options.token,
    errorBody: (error, message) => ({ error, message }),
    routes: [
      { method: 'GET', pattern: '/v1/ping', handler: () => ({ status: 200, body: { sandbox: 'loan-engine' } }) },
      {
        method: 'POST',
        pattern: '/v1/steer/:system/:method',
        handler: async (req) => {
          const { system, method } = req.params as { system: string; method: string };
          if (!isSteeringCall(system, method)) {
            return { status: 404, body: { error: 'not_found', message: `no steering call ${system}.${method}` } };
          }
          const raw = (req.body as { args?: unknown } | null)?.args;
          // JSON has no undefined: a null argument means "not given".
          const args = Array.isArray(raw) ? raw.map((a) => (a === null ? undefined : a)) : [];
          const target = steering[system] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
          try {
            const result = await target[method]!.apply(target, args);
            return { status: 200, body: { result: result ?? null } };
          } catch (err) {
            if (err instanceof SandboxSteeringError) {
              return { status: KIND_STATUS[err.kind], body: { error: err.kind, message: err.message } };
            }
            return { status: 500, body: { error: 'internal_error', message: 'steering call failed' } };
          }
        },
      },
    ],
  });
}

async function call(baseUrl: string, token: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/** True when a loan-engine steering endpoint answers at `baseUrl` and accepts `token`. */
export async function pingSteering(baseUrl: string, token: string): Promise<'ok' | 'unauthorized' | 'absent'> {
  try {
    const res = await call(baseUrl, token, '/v1/ping');
    if (res.status === 401) return 'unauthorized';
    if (res.status !== 200) return 'absent';
    const body = (await res.json()) as { sandbox?: unknown };
    return body.sandbox === 'loan-engine' ? 'ok' : 'absent';
  } catch {
    return 'absent';
  }
}

/** The steering API of doubles owned by another process, over HTTP. */
export function remoteSandboxSteering(baseUrl: string, token: string): SandboxSteering {
  const system = (name: keyof SandboxSteering) =>
    Object.fromEntries(
      Object.keys(STEERING_METHODS[name]).map((method) => [
        method,
        async (...args: unknown[]) => {
          while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
          const res = await call(baseUrl, token, `/v1/steer/${name}/${method}`, { args });
          const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: string; message?: string };
          if (res.ok) return body.result;
          if (body.error === 'not_found' || body.error === 'conflict' || body.error === 'invalid') {
            throw new SandboxSteeringError(body.error, body.message ?? body.error);
          }
          throw new Error(`sandbox steering ${name}.${method}: HTTP ${res.status} ${body.error ?? ''}`.trim());
        },
      ]),
    );
  return Object.fromEntries(
    (Object.keys(STEERING_METHODS) as (keyof SandboxSteering)[]).map((name) => [name, system(name)]),
  ) as unknown as SandboxSteering;
}
