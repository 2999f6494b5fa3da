/**
 * A tiny OpenID Connect provider double (the organisation's identity provider the operators log in
 * with, web/operator/oidc.ts): discovery document, JWKS, an authorization endpoint that redirects
 * straight back with a code for the person steered by `logInAs`, and a token endpoint that checks
 * the client, the redirect URI and PKCE (S256) and issues an RS256-signed ID token carrying the
 * request's nonce. Speaks the real protocol (RFC 6749, RFC 7636, OpenID Connect Core 1.0), so the
 * real client (openid-client) runs against it unchanged. node:crypto signs; no extra dependency.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OidcProviderDoubleOptions {
  clientId: string;
  clientSecret: string;
  /** The one redirect URI registered for the client. */
  redirectUri: string;
  /** The issuer's path under the double's origin (like Keycloak's `/realms/<name>`). */
  realmPath?: string;
}

/** One token request as the double judged it. */
export interface TokenRequestRecord {
  grantType: string;
  pkce: 'valid' | 'invalid' | 'missing';
  outcome: 'issued' | 'invalid_grant' | 'invalid_client' | 'invalid_request';
}

interface PendingCode {
  sub: string;
  nonce?: string;
  codeChallenge?: string;
  redirectUri: string;
  expiresAt: number;
}

export interface OidcProviderDouble {
  /** The issuer identifier, e.g. `http://127.0.0.1:41234/realms/bank`. */
  issuer: string;
  /** The `sub` the next authorization requests approve (a person logging in at the provider). */
  logInAs(sub: string): void;
  /** Test steering: the next ID token carries this nonce instead of the request's. */
  nextNonceOverride(nonce: string): void;
  tokenRequests: TokenRequestRecord[];
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
  return `${head}.${body}.${b64url(signature)}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
      if (data.length > 64 * 1024) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startOidcProviderDouble(options: OidcProviderDoubleOptions): Promise<OidcProviderDouble> {
  const realmPath = options.realmPath ?? '/realms/operators';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const codes = new Map<string, PendingCode>();
  const tokenRequests: TokenRequestRecord[] = [];
  let subject = 'operator-1';
  let nonceOverride: string | undefined;
  let issuer = '';

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer || 'http://localhost');
      const path = url.pathname.startsWith(realmPath) ? url.pathname.slice(realmPath.length) : undefined;
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          jwks_uri: `${issuer}/protocol/openid-connect/certs`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: ['authorization_code'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          scopes_supported: ['openid', 'email', 'profile'],
        });
      }
      if (req.method === 'GET' && path === '/protocol/openid-connect/certs') {
        return json(res, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] });
      }
      if (req.method === 'GET' && path === '/protocol/openid-connect/auth') {
        const q = url.searchParams;
        if (q.get('client_id') !== options.clientId || q.get('redirect_uri') !== options.redirectUri) {
          // Never redirect to an unregistered address (RFC 6749 §4.1.2.1).
          return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
        }
        const back = new URL(options.redirectUri);
        const state = q.get('state');
        if (state) back.searchParams.set('state', state);
        if (q.get('response_type') !== 'code' || !(q.get('scope') ?? '').split(' ').includes('openid')) {
          back.searchParams.set('error', 'invalid_request');
        } else if (q.has('code_challenge') && q.get('code_challenge_method') !== 'S256') {
          back.searchParams.set('error', 'invalid_request');
        } else {
          const code = randomBytes(24).toString('base64url');
          codes.set(code, {
            sub: subject,
            nonce: q.get('nonce') ?? undefined,
            codeChallenge: q.get('code_challenge') ?? undefined,
            redirectUri: options.redirectUri,
            expiresAt: Date.now() + 60_000,
          });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.href });
        return res.end();
      }
      if (req.method === 'POST' && path === '/protocol/openid-connect/token') {
        const form = new URLSearchParams(await readBody(req));
        const grantType = form.get('grant_type') ?? '';
        const record = (pkce: TokenRequestRecord['pkce'], outcome: TokenRequestRecord['outcome']) =>
          tokenRequests.push({ grantType, pkce, outcome });
        let clientId = form.get('client_id');
        let secret = form.get('client_secret');
        const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
        if (basic) {
          const [id, pw] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
          clientId = decodeURIComponent(id ?? '');
          secret = decodeURIComponent(pw ?? '');
        }
        if (clientId !== options.clientId || secret !== options.clientSecret) {
          record('missing', 'invalid_client');
          return json(res, 401, { error: 'invalid_client' });
        }
        if (grantType !== 'authorization_code') {
          record('missing', 'invalid_request');
          return json(res, 400, { error: 'unsupported_grant_type' });
        }
        const code = form.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code); // a code is redeemed once
        const verifier = form.get('code_verifier');
        const pkce: TokenRequestRecord['pkce'] = !verifier
          ? 'missing'
          : pending?.codeChallenge === createHash('sha256').update(verifier).digest('base64url')
            ? 'valid'
            : 'invalid';
        if (
          !pending ||
          pending.expiresAt < Date.now() ||
          form.get('redirect_uri') !== pending.redirectUri ||
          (pending.codeChallenge !== undefined && pkce !== 'valid')
        ) {
          record(pkce, 'invalid_grant');
          return json(res, 400, { error: 'invalid_grant' });
        }
        const now = Math.floor(Date.now() / 1000);
        const nonce = nonceOverride ?? pending.nonce;
        nonceOverride = undefined;
        const idToken = signJwt(privateKey, kid, {
          iss: issuer,
          sub: pending.sub,
          aud: options.clientId,
          iat: now,
          exp: now + 300,
          auth_time: now,
          ...(nonce ? { nonce } : {}),
        });
        record(pkce, 'issued');
        return json(res, 200, {
          access_token: randomBytes(24).toString('base64url'),
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken,
          scope: 'openid email profile',
        });
      }
      return json(res, 404, { error: 'not_found' });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'server_error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${realmPath}`;

  return {
    issuer,
    logInAs(sub) {
      subject = sub;
    },
    nextNonceOverride(nonce) {
      nonceOverride = nonce;
    },
    tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
