/**
 * JWT bearer authentication (HS256) with three roles (R-SEC-1):
 * `customer` (sub = customer id), `vendor` (vendorId claim) and `operator`.
 * A token must name this engine as issuer and audience and expire within a bounded lifetime.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { hasControlCharacter } from '../domain/text';
import { badRequest, forbidden, unauthorized } from './problem';

export const ROLES = ['customer', 'vendor', 'operator'] as const;
export type Role = (typeof ROLES)[number];

const principalSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('customer'), sub: z.string().min(1) }),
  z.object({ role: z.literal('vendor'), sub: z.string().min(1), vendorId: z.string().min(1) }),
  z.object({ role: z.literal('operator'), sub: z.string().min(1) }),
]);

export type Principal = z.infer<typeof principalSchema>;

/** What a token must satisfy besides its signature. */
export interface TokenPolicy {
  secret: string;
  issuer: string;
  audience: string;
  /** The longest lifetime (exp − iat) accepted, in seconds. */
  maxLifetimeSeconds: number;
}

export const DEFAULT_TOKEN_ISSUER = 'loan-engine';
export const DEFAULT_TOKEN_AUDIENCE = 'loan-engine-api';
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 24 * 3600;

export function tokenPolicy(secretOrPolicy: string | TokenPolicy): TokenPolicy {
  return typeof secretOrPolicy === 'string'
    ? {
        secret: secretOrPolicy,
        issuer: DEFAULT_TOKEN_ISSUER,
        audience: DEFAULT_TOKEN_AUDIENCE,
        maxLifetimeSeconds: DEFAULT_TOKEN_MAX_LIFETIME_SECONDS,
      }
    : secretOrPolicy;
}

/**
 * The HS256 secret as a key object, made once per secret. Given the string, jsonwebtoken first
 * tries to read it as a PEM public key on every call and falls back to a secret key when that
 * throws: about a millisecond of CPU per request, more than the rest of a read.
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size >= 16) secretKeys.clear(); // a handful of secrets per process (tests make more)
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function signToken(
  secretOrPolicy: string | TokenPolicy,
  principal: Principal,
  expiresIn: jwt.SignOptions['expiresIn'] = '12h',
): string {
  const policy = tokenPolicy(secretOrPolicy);
  const { sub, ...claims } = principal;
  return jwt.sign(claims, secretKey(policy.secret), {
    algorithm: 'HS256',
    subject: sub,
    expiresIn,
    issuer: policy.issuer,
    audience: policy.audience,
  });
}

export function verifyToken(secretOrPolicy: string | TokenPolicy, token: string): Principal {
  const policy = tokenPolicy(secretOrPolicy);
  let decoded: jwt.JwtPayload | string;
  try {
    decoded = jwt.verify(token, secretKey(policy.secret), { algorithms: ['HS256'] });
  } catch (err) {
    throw unauthorized(err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token');
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) throw unauthorized('token lacks a valid role, sub or vendorId claim');
  const claims = decoded as jwt.JwtPayload;
  if (typeof claims.exp !== 'number') throw unauthorized('token lacks an expiry (exp)');
  const issuedAt = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
  if (claims.exp - issuedAt > policy.maxLifetimeSeconds)
    throw unauthorized(`token lifetime exceeds ${policy.maxLifetimeSeconds} seconds`);
  if (claims.iss !== policy.issuer) throw unauthorized('token issuer is not accepted');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(policy.audience)) throw unauthorized('token audience is not accepted');
  // An authentic token whose claims carry control characters is bad input, named like any field.
  const errors = Object.entries(parsed.data)
    .filter(([, v]) => hasControlCharacter(v))
    .map(([k]) => ({ field: `token.${k}`, message: 'must not contain control characters' }));
  if (errors.length > 0) throw badRequest('control characters are not accepted', errors);
  return parsed.data;
}

/** Requires a bearer token whose role is one of `roles`. */
export function requireRole(secretOrPolicy: string | TokenPolicy, roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return next(unauthorized('a bearer token is required'));
    try {
      req.principal = verifyToken(secretOrPolicy, match[1]!);
    } catch (err) {
      return next(err);
    }
    if (!roles.includes(req.principal.role)) return next(forbidden(`role ${req.principal.role} may not do this`));
    next();
  };
}
