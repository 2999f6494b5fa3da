/**
 * JWT bearer authentication (HS256) with three roles (R-SEC-1):
 * `customer` (sub = customer id), `vendor` (vendorId claim) and `operator`.
 */
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { forbidden, unauthorized } from './problem';

export const ROLES = ['customer', 'vendor', 'operator'] as const;
export type Role = (typeof ROLES)[number];

const principalSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('customer'), sub: z.string().min(1) }),
  z.object({ role: z.literal('vendor'), sub: z.string().min(1), vendorId: z.string().min(1) }),
  z.object({ role: z.literal('operator'), sub: z.string().min(1) }),
]);

export type Principal = z.infer<typeof principalSchema>;

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function signToken(
  secret: string,
  principal: Principal,
  expiresIn: jwt.SignOptions['expiresIn'] = '12h',
): string {
  const { sub, ...claims } = principal;
  return jwt.sign(claims, secret, { algorithm: 'HS256', subject: sub, expiresIn });
}

export function verifyToken(secret: string, token: string): Principal {
  let decoded: jwt.JwtPayload | string;
  try {
    decoded = jwt.verify(token, secret, { algorithms: ['HS256'] });
  } catch (err) {
    throw unauthorized(err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token');
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) throw unauthorized('token lacks a valid role, sub or vendorId claim');
  return parsed.data;
}

/** Requires a bearer token whose role is one of `roles`. */
export function requireRole(secret: string, roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return next(unauthorized('a bearer token is required'));
    try {
      req.principal = verifyToken(secret, match[1]!);
    } catch (err) {
      return next(err);
    }
    if (!roles.includes(req.principal.role)) return next(forbidden(`role ${req.principal.role} may not do this`));
    next();
  };
}
