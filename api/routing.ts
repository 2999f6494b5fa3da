/**
 * One declaration per endpoint: the same zod schemas validate the request and generate the
 * OpenAPI 3.1 document, so the docs cannot drift from what the API accepts.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { AuditOutcome, OperatorAuditEntry } from '../db/audit-repository';
import { type Logger, redactText } from '../platform/logger';
import { z, type ZodObject, type ZodType } from './zod';
import { type Principal, type Role, requireRole, type TokenPolicy, verifyToken } from './auth';
import { controlCharacterErrors } from './control-characters';
import { badRequest, fieldErrors, PROBLEM_CONTENT_TYPE } from './problem';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<TBody, TQuery, TParams> {
  body: TBody;
  query: TQuery;
  params: TParams;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<TBody extends ZodType, TQuery extends ZodObject, TParams extends ZodObject> {
  method: HttpMethod;
  /** Express style: `/v1/applications/:id` */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `public` or the roles allowed (R-SEC-1). */
  auth: 'public' | readonly Role[];
  body?: TBody;
  /**
   * A binary body instead of JSON (e.g. an uploaded file): the media types the document names. The
   * handler gets the bytes as a Buffer (the route mounts its own parser, with its own size limit).
   */
  rawBody?: { mediaTypes: readonly string[]; description: string };
  query?: TQuery;
  params?: TParams;
  /**
   * Success and specific error answers. An error (4xx/5xx) is a problem (`application/problem+json`,
   * {@link problemSchema} unless a schema is given) unless `mediaType` says otherwise.
   */
  responses: Record<number, { description: string; schema?: ZodType; mediaType?: string | readonly string[] }>;
  handler: (ctx: RouteContext<z.infer<TBody>, z.infer<TQuery>, z.infer<TParams>>) => Promise<RouteResult>;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    rule: z.string().optional().describe('a refused update: the rule (R-…) that refused it, when one did'),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

const PROBLEM_RESPONSES: Record<number, string> = {
  400: 'Invalid input; `errors` names every invalid field',
  401: 'Missing or invalid bearer token',
  403: 'The token’s role may not do this',
  404: 'Not found (or not yours)',
  413: 'The request body is larger than the API accepts',
  429: 'Too many requests from this address; wait for `Retry-After` seconds',
  503: 'A service the API depends on (the workflow service) is unavailable; retry after `Retry-After` seconds',
};

/**
 * R-SEC-1: where operator requests are recorded. `record` writes one row; a failure is reported to
 * `logger` and never changes the response.
 */
export interface OperatorAudit {
  record(entry: OperatorAuditEntry): Promise<void>;
  logger: Pick<Logger, 'error'>;
}

/** 2xx/3xx: done; 4xx: the engine declined (invalid, not allowed, not found, conflict); 5xx: failed. */
export function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status < 500) return 'refused';
  return 'error';
}

/** `/v1/loans/:loanId` → `/v1/loans/{loanId}` (the OpenAPI form, also the audit's route). */
const routeTemplate = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/**
 * Path parameters are ids. A value that is itself a personal identity number, an email or a phone
 * number (as the log redaction recognises them) is stored masked all the same (R-SEC-2); ids that
 * merely contain digits (uuids) are kept as they are.
 */
function auditParams(params: Record<string, string>): Record<string, string> {
  const mask = (v: string): string =>
    /^\[(personnummer|email|phone)\]$/.test(redactText(v.trim())) ? '[redacted]' : v.replace(/\p{Cc}/gu, '\uFFFD'); // PostgreSQL stores no NUL (22021)
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, mask(String(v)).slice(0, 200)]));
}

function parseOrThrow<T extends ZodType>(source: string, schema: T | undefined, value: unknown): z.infer<T> {
  if (!schema) return value as z.infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`invalid ${source}`, fieldErrors(source, result.error));
  return result.data;
}

/** Control characters anywhere in the request are a 400 naming each field, before any schema runs. */
function refuseControlCharacters(req: Request, rawBody: boolean): void {
  const errors = [
    ...controlCharacterErrors('params', req.params),
    ...controlCharacterErrors('query', req.query),
    ...(rawBody ? [] : controlCharacterErrors('body', req.body)),
  ];
  if (errors.length > 0) throw badRequest('control characters are not accepted', errors);
}

export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly router: Router = express.Router();

  constructor(
    private readonly tokens: string | TokenPolicy,
    private readonly audit: OperatorAudit,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  }

  add<TBody extends ZodType = ZodType, TQuery extends ZodObject = ZodObject, TParams extends ZodObject = ZodObject>(
    spec: RouteSpec<TBody, TQuery, TParams>,
  ): void {
    this.register(spec);
    const guards = spec.auth === 'public' ? [] : [requireRole(this.tokens, spec.auth)];
    const audit = this.auditOperatorRequests(spec.method.toUpperCase(), routeTemplate(spec.path));
    this.router[spec.method](spec.path, audit, ...guards, async (req, res, next) => {
      try {
        refuseControlCharacters(req, !!spec.rawBody);
        const body = parseOrThrow('body', spec.body, req.body);
        const query = parseOrThrow('query', spec.query, req.query);
        const params = parseOrThrow('params', spec.params, req.params);
        const result = await spec.handler({ body, query, params, principal: req.principal, req, res });
        for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
        if (result.body === undefined) res.status(result.status).end();
        else res.status(result.status).json(result.body);
      } catch (err) {
        next(err);
      }
    });
  }

  /**
   * R-SEC-1: first on every route, so none can forget it. Once the response has finished (or the
   * connection closed before it could: outcome `error`), a request the auth guard identified as an
   * operator's is recorded: reads, refusals and failures alike. Other roles are not recorded here.
   */
  private auditOperatorRequests(method: string, route: string): RequestHandler {
    return (req, res, next) => {
      res.locals.operatorAudited = true;
      // Express resets req.params when an error leaves the route, so they are taken now.
      const params = auditParams(req.params);
      let recorded = false;
      const record = (finished: boolean): void => {
        if (recorded) return;
        recorded = true;
        const principal = req.principal;
        if (principal?.role !== 'operator') return;
        const status = res.statusCode;
        const entry: OperatorAuditEntry = {
          operator: principal.sub,
          method,
          route,
          params,
          status,
          outcome: finished ? auditOutcome(status) : 'error',
        };
        Promise.resolve()
          .then(() => this.audit.record(entry))
          .catch((err: unknown) => this.audit.logger.error({ err, audit: entry }, 'operator audit row not written'));
      };
      res.once('finish', () => record(true));
      res.once('close', () => record(res.writableFinished));
      next();
    };
  }

  /**
   * R-SEC-1: first in the app, for what no route records: a body the JSON parser refused (400,
   * 413) and an unknown route. When such a request carries a valid operator token it is recorded
   * with its path (masked like the ids) as the route.
   */
  auditUnroutedOperatorRequests(): RequestHandler {
    return (req, res, next) => {
      res.once('finish', () => {
        if (res.locals.operatorAudited) return;
        const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        if (!match) return;
        let principal: Principal;
        try {
          principal = verifyToken(this.tokens, match[1]!);
        } catch {
          return;
        }
        if (principal.role !== 'operator') return;
        const entry: OperatorAuditEntry = {
          operator: principal.sub,
          method: req.method,
          route: auditParams({ path: redactText(req.path) }).path!,
          params: {},
          status: res.statusCode,
          outcome: auditOutcome(res.statusCode),
        };
        Promise.resolve()
          .then(() => this.audit.record(entry))
          .catch((err: unknown) => this.audit.logger.error({ err, audit: entry }, 'operator audit row not written'));
      });
      next();
    };
  }

  private register(spec: RouteSpec<ZodType, ZodObject, ZodObject>): void {
    const errorStatuses = [
      ...(spec.body || spec.rawBody || spec.query || spec.params ? [400] : []),
      ...(spec.auth === 'public' ? [] : [401, 403]),
      ...(spec.params ? [404] : []),
      ...(spec.body || spec.rawBody ? [413] : []),
      // Every route is rate limited for clients with bad tokens, and may find a dependency down.
      429,
      503,
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      const error = Number(status) >= 400;
      const mediaTypes = [r.mediaType ?? (error ? PROBLEM_CONTENT_TYPE : 'application/json')].flat();
      const schema = r.schema ?? (error ? problemSchema : undefined);
      // A binary answer (a file) names its media types without a schema.
      responses[status] = schema
        ? { description: r.description, content: Object.fromEntries(mediaTypes.map((t) => [t, { schema }])) }
        : r.mediaType
          ? { description: r.description, content: Object.fromEntries(mediaTypes.map((t) => [t, {}])) }
          : { description: r.description };
    }
    for (const status of errorStatuses) {
      responses[status] ??= {
        description: PROBLEM_RESPONSES[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      };
    }
    // A body whose every field is optional may be left out: the document says what the API does.
    const bodyRequired = spec.body ? !spec.body.safeParse({}).success : false;
    this.registry.registerPath({
      method: spec.method,
      path: routeTemplate(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      description: spec.description
        ? `${spec.description}${spec.auth === 'public' ? '' : `\n\nRoles: ${spec.auth.join(', ')}.`}`
        : spec.auth === 'public'
          ? undefined
          : `Roles: ${spec.auth.join(', ')}.`,
      tags: spec.tags,
      security: spec.auth === 'public' ? [] : [{ bearer: [] }],
      request: {
        ...(spec.body
          ? { body: { required: bodyRequired, content: { 'application/json': { schema: spec.body } } } }
          : {}),
        ...(spec.rawBody
          ? {
              body: {
                required: true,
                description: spec.rawBody.description,
                content: Object.fromEntries(
                  spec.rawBody.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
                ),
              },
            }
          : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.params ? { params: spec.params } : {}),
      },
      responses: responses as never,
    });
  }

  openApiDocument(info: { title: string; version: string; description: string }): object {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info,
      servers: [{ url: '/' }],
    });
  }
}
