/**
 * JWT bearer auth (R-SEC-1): HS256 only, three roles, 401 for a missing or bad token and 403 for
 * a role that may not do something.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { type Principal, requireRole, signToken, verifyToken } from '../../api/auth';
import { ProblemError } from '../../api/problem';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const OTHER_SECRET = 'another-secret-another-secret-0123456';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The ProblemError verifyToken throws, or fails the test if it does not throw one. */
function rejection(token: string, secret = SECRET): ProblemError {
  try {
    verifyToken(secret, token);
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemError);
    return err as ProblemError;
  }
  throw new Error('token was accepted');
}

describe('signToken / verifyToken', () => {
  it.each<[string, Principal]>([
    ['customer', { role: 'customer', sub: 'customer-123' }],
    ['vendor', { role: 'vendor', sub: 'vendor-user-9', vendorId: 'vendor-7' }],
    ['operator', { role: 'operator', sub: 'ops-anna' }],
  ])('round-trips a %s token', (_role, principal) => {
    const token = signToken(SECRET, principal);
    expect(verifyToken(SECRET, token)).toEqual(principal);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string };
    expect(header.alg).toBe('HS256');
  });

  it('puts the subject in `sub` and expires after 12 hours by default', () => {
    const token = signToken(SECRET, { role: 'customer', sub: 'customer-123' });
    const payload = jwt.decode(token) as jwt.JwtPayload;
    expect(payload.sub).toBe('customer-123');
    expect(payload.role).toBe('customer');
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
  });

  it('rejects a vendor token without a vendorId', () => {
    const token = jwt.sign({ role: 'vendor' }, SECRET, { algorithm: 'HS256', subject: 'vendor-user-9' });
    const err = rejection(token);
    expect(err.status).toBe(401);
    expect(err.detail).toBe('token lacks a valid role, sub or vendorId claim');
  });

  it.each([
    ['an unknown role', { role: 'admin', sub: 'x' }],
    ['no role', { sub: 'x' }],
    ['no sub', { role: 'operator' }],
    ['an empty sub', { role: 'customer', sub: '' }],
    ['an empty vendorId', { role: 'vendor', sub: 'v', vendorId: '' }],
  ])('rejects a correctly signed token with %s', (_label, claims) => {
    const err = rejection(jwt.sign(claims, SECRET, { algorithm: 'HS256' }));
    expect(err.status).toBe(401);
    expect(err.title).toBe('Unauthorized');
  });

  it('rejects a token signed with another secret', () => {
    const err = rejection(signToken(OTHER_SECRET, { role: 'operator', sub: 'ops' }));
    expect(err.status).toBe(401);
    expect(err.detail).toBe('invalid token');
  });

  it('rejects an expired token and says so', () => {
    const token = jwt.sign(
      { role: 'operator', sub: 'ops', iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 },
      SECRET,
      {
        algorithm: 'HS256',
      },
    );
    const err = rejection(token);
    expect(err.status).toBe(401);
    expect(err.detail).toBe('token expired');
  });

  it('rejects a token that is not valid yet', () => {
    const token = jwt.sign({ role: 'operator', sub: 'ops', nbf: nowSeconds() + 3600 }, SECRET, { algorithm: 'HS256' });
    expect(rejection(token).status).toBe(401);
  });

  it('rejects an unsigned token (alg none)', () => {
    const claims = { role: 'operator', sub: 'ops', iat: nowSeconds(), exp: nowSeconds() + 3600 };
    for (const token of [
      `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
      `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}`,
      jwt.sign(claims, null, { algorithm: 'none' }),
    ]) {
      const err = rejection(token);
      expect(err.status).toBe(401);
      expect(err.detail).toBe('invalid token');
    }
  });

  it('rejects an RS256 token, even one whose claims are otherwise fine', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign({ role: 'operator' }, privateKey, { algorithm: 'RS256', subject: 'ops' });
    const err = rejection(token);
    expect(err.status).toBe(401);
    expect(err.detail).toBe('invalid token');
  });

  it('rejects other HMAC algorithms than HS256 with the right secret', () => {
    const token = jwt.sign({ role: 'operator' }, SECRET, { algorithm: 'HS512', subject: 'ops' });
    expect(rejection(token).status).toBe(401);
  });

  it('rejects a token whose payload was changed after signing', () => {
    const [header, , signature] = signToken(SECRET, { role: 'customer', sub: 'customer-1' }).split('.');
    const forged = `${header}.${b64url({ role: 'operator', sub: 'customer-1', exp: nowSeconds() + 3600 })}.${signature}`;
    expect(rejection(forged).status).toBe(401);
  });

  it.each(['', 'garbage', 'a.b.c', 'Bearer x'])('rejects a malformed token %j', (token) => {
    expect(rejection(token).status).toBe(401);
  });
});

describe('requireRole', () => {
  /** Runs the middleware and returns what it passed to next(), and the request. */
  function run(roles: Parameters<typeof requireRole>[1], authorization?: string) {
    const req = { headers: authorization === undefined ? {} : { authorization } } as Request;
    let passed: unknown = 'next not called';
    const next: NextFunction = (err?: unknown) => {
      passed = err;
    };
    requireRole(SECRET, roles)(req, {} as Response, next);
    return { req, passed };
  }

  const operatorToken = signToken(SECRET, { role: 'operator', sub: 'ops-1' });
  const customerToken = signToken(SECRET, { role: 'customer', sub: 'customer-1' });

  it('lets an allowed role through and sets the principal', () => {
    const { req, passed } = run(['operator'], `Bearer ${operatorToken}`);
    expect(passed).toBeUndefined();
    expect(req.principal).toEqual({ role: 'operator', sub: 'ops-1' });
  });

  it('accepts the scheme in any case', () => {
    expect(run(['operator'], `bearer ${operatorToken}`).passed).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a bare token', operatorToken],
    ['two tokens', `Bearer ${operatorToken} ${operatorToken}`],
  ])('answers 401 for %s', (_label, header) => {
    const { req, passed } = run(['operator'], header);
    expect(passed).toBeInstanceOf(ProblemError);
    expect((passed as ProblemError).status).toBe(401);
    expect(req.principal).toBeUndefined();
  });

  it('answers 401 for a bad token', () => {
    const { passed } = run(['operator'], 'Bearer not-a-jwt');
    expect((passed as ProblemError).status).toBe(401);
  });

  it('answers 403 for a valid token of a role that is not allowed', () => {
    const { passed } = run(['operator'], `Bearer ${customerToken}`);
    expect(passed).toBeInstanceOf(ProblemError);
    expect((passed as ProblemError).status).toBe(403);
    expect((passed as ProblemError).detail).toBe('role customer may not do this');
  });

  it('allows any of several roles', () => {
    expect(run(['customer', 'operator'], `Bearer ${customerToken}`).passed).toBeUndefined();
    expect(run(['customer', 'operator'], `Bearer ${operatorToken}`).passed).toBeUndefined();
  });
});
