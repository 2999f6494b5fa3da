/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every invalid field is named
 * in `errors`; no stack trace ever reaches a client.
 */
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import { asRefusal, type Refusal, REFUSED, type RefusalKind } from '../domain/refusal';
import type { Logger } from '../platform/logger';

export interface FieldError {
  /** JSON-pointer-like dotted path, prefixed by where it came from: `body.amount`, `query.limit`. */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  /** A refusal's rule id (R-…), when a rule refused. */
  rule?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly type = 'about:blank',
    readonly rule?: string,
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  /** The problem's members, without `instance` (the request's URL). */
  toDetails(): ProblemDetails {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.rule ? { rule: this.rule } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, 'Bad Request', detail, errors, '/problems/validation-error');
export const unauthorized = (detail: string) => new ProblemError(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'Forbidden', detail);
export const notFound = (detail: string) => new ProblemError(404, 'Not Found', detail);
export const conflict = (detail: string) => new ProblemError(409, 'Conflict', detail, undefined, '/problems/conflict');
/** 503: the workflow service (Temporal) could not be reached; `detail` says what was kept or undone. */
export const workflowUnavailable = (detail = 'the workflow service is unavailable, try again') =>
  new ProblemError(503, 'Service Unavailable', detail, undefined, '/problems/workflow-unavailable');

export function fieldErrors(source: string, error: ZodError): FieldError[] {
  return error.issues
    .map((issue) => {
      // Unknown keys are reported on the object; name each unknown field instead.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ field: [source, ...issue.path, k].join('.'), message: 'unknown field' }));
      }
      return [{ field: [source, ...issue.path].join('.'), message: issue.message }];
    })
    .flat();
}

/** Seconds a client waits before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

export function sendProblem(res: Response, problem: ProblemDetails): void {
  if (problem.status === 503 && !res.hasHeader('retry-after'))
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** gRPC codes that mean Temporal could not be reached in time: UNAVAILABLE, DEADLINE_EXCEEDED. */
const UNREACHABLE_GRPC_CODES = new Set([14, 4]);

/**
 * The 503 for an error that says the workflow service (Temporal) could not be reached (down,
 * restarting, too slow), wherever in the error's cause chain it sits; undefined for any other error.
 */
export function temporalUnavailableProblem(err: unknown): ProblemError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const unreachable =
      e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      e.name === 'ConnectionError' ||
      (isGrpcServiceError(e) && UNREACHABLE_GRPC_CODES.has(e.code));
    if (unreachable) return workflowUnavailable();
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: `no route ${req.method} ${req.path}`,
    instance: req.originalUrl,
  });
};

/** Node's socket errors and PostgreSQL's connection, shutdown and too-many-connections states. */
const DATABASE_UNREACHABLE_CODES = /^(08...|57P0.|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/;

/**
 * The 503 for an error that says PostgreSQL could not be reached (down, restarting, refusing
 * connections, the connection dropped); undefined for any other error, a query's own error included.
 */
export function databaseUnavailableProblem(err: unknown): ProblemError | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  const unreachable =
    (typeof code === 'string' && DATABASE_UNREACHABLE_CODES.test(code)) ||
    /^Connection terminated|not currently accepting connections|is not queryable/.test(err.message);
  if (!unreachable) return undefined;
  return new ProblemError(
    503,
    'Service Unavailable',
    'the database is unavailable, try again',
    undefined,
    '/problems/database-unavailable',
  );
}

/** Last handler: maps every error to a problem; unexpected ones are logged and answered 500. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof ProblemError) {
      sendProblem(res, { ...err.toDetails(), instance: req.originalUrl });
      return;
    }
    // body-parser errors carry a `type` and an HTTP status.
    const parserType = (err as { type?: string }).type;
    if (parserType === 'entity.parse.failed') {
      sendProblem(res, {
        type: '/problems/validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'request body is not valid JSON',
        instance: req.originalUrl,
        errors: [{ field: 'body', message: 'malformed JSON' }],
      });
      return;
    }
    const unavailable = temporalUnavailableProblem(err) ?? databaseUnavailableProblem(err);
    if (unavailable) {
      logger.warn({ err, path: req.path, method: req.method }, unavailable.detail ?? 'unavailable');
      sendProblem(res, {
        type: unavailable.type,
        title: unavailable.title,
        status: unavailable.status,
        detail: unavailable.detail,
        instance: req.originalUrl,
      });
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendProblem(res, {
        type: 'about:blank',
        title: (err as Error).message || 'Bad Request',
        status,
        instance: req.originalUrl,
      });
      return;
    }
    logger.error({ err, path: req.path, method: req.method }, 'unhandled error');
    sendProblem(res, { type: 'about:blank', title: 'Internal Server Error', status: 500, instance: req.originalUrl });
  };
}

/**
 * The answer when a workflow could not be started after its row was written: the row is deleted
 * (`remove`), the failure logged, and the client told to try again (503). A failed delete is logged
 * too; the answer stays the 503.
 */
export async function undoCreate(
  logger: Logger,
  what: string,
  id: string,
  startError: unknown,
  remove: () => Promise<unknown>,
): Promise<never> {
  logger.error({ err: startError, id }, `${what} workflow could not be started; removing the ${what}`);
  try {
    await remove();
  } catch (err) {
    logger.error({ err, id }, `${what} could not be removed after its workflow failed to start`);
  }
  throw workflowUnavailable();
}

// --- refused workflow updates ---------------------------------------------------------------------

const REFUSAL_STATUS: Record<RefusalKind, { status: number; title: string; type: string }> = {
  invalid: { status: 400, title: 'Bad Request', type: '/problems/validation-error' },
  'not-found': { status: 404, title: 'Not Found', type: 'about:blank' },
  forbidden: { status: 403, title: 'Forbidden', type: 'about:blank' },
  conflict: { status: 409, title: 'Conflict', type: '/problems/update-refused' },
};

/** Where a refused field sits in the request. */
export interface RefusalFields {
  /** Path parameters: a refused field among them is `params.<field>`. */
  params?: readonly string[];
  /**
   * The fields the body carries (default: any field). A field that is neither a path parameter
   * nor one of these is the workflow's own input and is not blamed on the request.
   */
  body?: readonly string[];
  /** Prefix of the body field, e.g. `body.answers.` for fields inside `answers` (default `body.`). */
  bodyPrefix?: string;
}

/**
 * The refusal inside a failed update (the validator's or the handler's), looking down the cause
 * chain (a refusal may arrive wrapped); undefined when the failure is not a refusal.
 */
export function refusalOf(err: unknown): Refusal | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  let cause: unknown = err.cause;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof ApplicationFailure && cause.type === REFUSED)
      return asRefusal(cause.details?.[0]) ?? { kind: 'conflict', message: cause.message };
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The problem for a refusal: its kind gives the status (400, 404, 403, 409), its message the
 * detail, its rule the `rule` member, and each field it names an entry of `errors`.
 */
export function refusalProblem(refusal: Refusal, fields: RefusalFields = {}): ProblemError {
  const { status, title, type } = REFUSAL_STATUS[refusal.kind];
  const where = (field: string): string | undefined =>
    fields.params?.includes(field)
      ? `params.${field}`
      : !fields.body || fields.body.includes(field)
        ? `${fields.bodyPrefix ?? 'body.'}${field}`
        : undefined;
  const named = refusal.violations ?? (refusal.field ? [{ field: refusal.field, message: refusal.message }] : []);
  const errors = named.flatMap((v) => {
    const field = where(v.field);
    return field ? [{ field, message: v.message }] : [];
  });
  return new ProblemError(status, title, refusal.message, errors.length > 0 ? errors : undefined, type, refusal.rule);
}

/** A domain decision's value; a refusal is thrown as its problem (fields placed by `fields`). */
export function orProblem<T>(
  decision: { ok: true; value: T } | { ok: false; refusal: Refusal },
  fields: RefusalFields = {},
): T {
  if (decision.ok) return decision.value;
  throw refusalProblem(decision.refusal, fields);
}

/** gRPC's NOT_FOUND: what an update to a workflow that has just completed is answered with. */
const GRPC_NOT_FOUND = 5;

/** True when the workflow an update or query was sent to is not running (any more). */
export function isWorkflowGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: unknown }).code === GRPC_NOT_FOUND;
}
