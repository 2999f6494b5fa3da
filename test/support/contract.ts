/**
 * The contract check of the API tests: every response an app under test sends is compared with
 * its own OpenAPI document (/openapi.json): the status must be documented for the operation, the
 * media type must be the documented one, and the body must validate against the documented schema
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses, with ajv). Violations are collected and reported by
 * the harness when the test file ends.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express, { type Express } from 'express';

interface MediaObject {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaObject>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: object;
}

interface Route {
  template: string;
  pattern: RegExp;
  literal: number;
  operations: Record<string, Operation>;
}

export interface ContractViolation {
  request: string;
  status: number;
  problem: string;
}

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();
  readonly violations: ContractViolation[] = [];

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'openapi.json' } as object);
    this.routes = Object.entries(document.paths)
      .map(([template, operations]) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
        literal: template.split('/').filter((s) => s && !s.startsWith('{')).length,
        operations,
      }))
      // Express declares literal segments before parameters where both could match.
      .sort((a, b) => b.literal - a.literal);
  }

  private operationFor(method: string, path: string): { route: Route; operation: Operation } | undefined {
    for (const route of this.routes) {
      if (!route.pattern.test(path)) continue;
      const operation = route.operations[method.toLowerCase()];
      if (operation) return { route, operation };
    }
    return undefined;
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi.json#${pointer}` });
      this.validators.set(pointer, v);
    }
    return v;
  }

  /** Checks one response; returns the problems found (also recorded in `violations`). */
  check(method: string, path: string, status: number, contentType: string | undefined, body: string): string[] {
    const found = this.operationFor(method, path);
    if (!found) return []; // unknown routes and the docs: not part of the contract
    const problems: string[] = [];
    const documented = found.operation.responses[String(status)];
    if (!documented) problems.push(`status ${status} is not documented`);
    else {
      const mediaType = contentType?.split(';')[0]?.trim();
      const content = documented.content;
      if (!content) {
        if (body.length > 0) problems.push(`documented without a body, sent ${mediaType} ${body.slice(0, 200)}`);
      } else if (!mediaType || !content[mediaType]) {
        problems.push(`sent ${mediaType ?? 'no body'}, documented ${Object.keys(content).join(', ')}`);
      } else if (content[mediaType]?.schema) {
        const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
        const pointer = `/paths/${escape(found.route.template)}/${method.toLowerCase()}/responses/${status}/content/${escape(mediaType)}/schema`;
        const validate = this.validator(pointer);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          problems.push('body is not JSON');
        }
        if (parsed !== undefined && !validate(parsed)) {
          problems.push(
            `body does not match: ${this.ajv.errorsText(validate.errors, { separator: '; ' })} in ${body.slice(0, 300)}`,
          );
        }
      }
    }
    for (const problem of problems)
      this.violations.push({ request: `${method} ${found.route.template} (${path})`, status, problem });
    return problems;
  }
}

/**
 * `app` behind a check of every response it sends against `checker`'s document. The wrapper is
 * what the test's requests reach; the app itself is unchanged.
 */
export function contractChecked(app: Express, checker: ContractChecker): Express {
  const wrapper = express();
  wrapper.disable('x-powered-by');
  wrapper.set('trust proxy', app.get('trust proxy'));
  wrapper.use((req, res, next) => {
    const send = res.send.bind(res);
    let body = '';
    res.send = ((chunk?: unknown) => {
      if (typeof chunk === 'string') body = chunk;
      else if (Buffer.isBuffer(chunk)) body = chunk.toString('utf8');
      else if (chunk !== undefined && chunk !== null && typeof chunk === 'object') body = JSON.stringify(chunk);
      return send(chunk as never);
    }) as typeof res.send;
    res.once('finish', () => {
      checker.check(req.method, req.path, res.statusCode, res.getHeader('content-type') as string | undefined, body);
    });
    next();
  });
  wrapper.use(app);
  return wrapper;
}
