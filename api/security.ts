/**
 * What guards the API before any route runs: which proxies are believed, the security headers,
 * and the rate limits on identification, quotes and bad tokens (answered 429 problem+json).
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Config } from '../platform/config';
import { sendProblem } from './problem';

/**
 * Express `trust proxy` from TRUST_PROXY: unset trusts no proxy (the client address is the
 * connection's, so a client cannot choose the BankID `endUserIp` with X-Forwarded-For).
 */
export function trustProxySetting(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * helmet's headers: nosniff, frame and referrer policies, a CSP that same-origin scripts and styles
 * live with, HSTS in production only (the sandbox runs on plain http://localhost).
 */
export function securityHeaders(config: Pick<Config, 'ENGINE_MODE'>): RequestHandler {
  const production = config.ENGINE_MODE === 'production';
  return helmet({
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: production ? [] : null,
      },
    },
  });
}

/** API answers carry personal data and account state: never stored by a browser or proxy cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export interface RateLimits {
  /** BankID identification and signing starts. */
  identification: RequestHandler;
  /** Loan quotes and early-repayment quotes. */
  quotes: RequestHandler;
  /** Counts only requests answered 401: a client guessing tokens is stopped. */
  badTokens: RequestHandler;
}

export function rateLimits(
  config: Pick<
    Config,
    'RATE_LIMIT_IDENTIFICATION_PER_MINUTE' | 'RATE_LIMIT_QUOTES_PER_MINUTE' | 'RATE_LIMIT_BAD_TOKENS_PER_MINUTE'
  >,
): RateLimits {
  const limiter = (limit: number, what: string, onlyUnauthorized = false) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // The proxy setting is checked where it is made (TRUST_PROXY); a stray header is no error.
      validate: { xForwardedForHeader: false, trustProxy: false },
      ...(onlyUnauthorized
        ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => res.statusCode !== 401 }
        : {}),
      handler: (req, res, _next, options) =>
        sendProblem(res, {
          type: '/problems/rate-limited',
          title: 'Too Many Requests',
          status: options.statusCode,
          detail: `too many ${what} from this address; try again later`,
          instance: req.originalUrl,
        }),
    });
  return {
    identification: limiter(config.RATE_LIMIT_IDENTIFICATION_PER_MINUTE, 'identification requests'),
    quotes: limiter(config.RATE_LIMIT_QUOTES_PER_MINUTE, 'quote requests'),
    badTokens: limiter(config.RATE_LIMIT_BAD_TOKENS_PER_MINUTE, 'requests with an invalid token', true),
  };
}

/** The BankID `endUserIp`: the connection's address (IPv4 when mapped), never one a client chose. */
export function endUserIp(req: Request): string {
  const ip = req.ip ?? '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip === '::1' ? '127.0.0.1' : ip;
}
