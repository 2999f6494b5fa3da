/**
 * Operators' login through the organisation's OpenID Connect provider (production mode): the
 * authorization code flow with PKCE, state and nonce (openid-client), the settings
 * OPERATOR_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _REDIRECT_URL (docs/configuration.md). The
 * operator is the ID token's `sub` (prefixed with the issuer's host), as the audit records it.
 */
import type { Request, Response } from 'express';
import type { ApiDeps } from '../../api/deps';

type OidcClient = typeof import('openid-client');

export interface OidcLogin {
  configured: boolean;
  start(req: Request, res: Response): Promise<void>;
  /** The operator's id after a completed login, or undefined. */
  callback(req: Request): Promise<string | undefined>;
}

/**
 * Plain HTTP is allowed only to a provider on this machine (a local provider or the test double,
 * adapters/oidc/sandbox.ts); any other issuer must be HTTPS, as openid-client insists.
 */
export function loopbackHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export function oidcLogin(deps: ApiDeps): OidcLogin {
  const c = deps.config;
  const configured = Boolean(c.OPERATOR_OIDC_ISSUER && c.OPERATOR_OIDC_CLIENT_ID && c.OPERATOR_OIDC_REDIRECT_URL);
  let discovered: Promise<{ lib: OidcClient; config: import('openid-client').Configuration }> | undefined;
  const provider = () => {
    // openid-client is an ES module: loaded once, on the first login.
    discovered ??= import('openid-client').then(async (lib) => ({
      lib,
      config: await lib.discovery(
        new URL(c.OPERATOR_OIDC_ISSUER!),
        c.OPERATOR_OIDC_CLIENT_ID!,
        c.OPERATOR_OIDC_CLIENT_SECRET,
        undefined,
        loopbackHttp(c.OPERATOR_OIDC_ISSUER!) ? { execute: [lib.allowInsecureRequests] } : undefined,
      ),
    }));
    discovered.catch(() => (discovered = undefined)); // a failed discovery is tried again next time
    return discovered;
  };

  return {
    configured,
    async start(req, res) {
      if (!configured) {
        res.status(503).type('text').send('operator login is not configured (OPERATOR_OIDC_*)');
        return;
      }
      const { lib, config } = await provider();
      const codeVerifier = lib.randomPKCECodeVerifier();
      const state = lib.randomState();
      const nonce = lib.randomNonce();
      req.webSession!.data.oidc = { codeVerifier, state, nonce };
      await req.webSession!.save();
      const url = lib.buildAuthorizationUrl(config, {
        redirect_uri: c.OPERATOR_OIDC_REDIRECT_URL!,
        scope: 'openid email profile',
        code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      res.redirect(303, url.href);
    },
    async callback(req) {
      const pending = req.webSession?.data.oidc;
      if (!configured || !pending) return undefined;
      // One callback per login attempt, whatever its outcome: state, nonce and verifier are spent.
      delete req.webSession!.data.oidc;
      await req.webSession!.save();
      const { lib, config } = await provider();
      const current = new URL(req.originalUrl, c.OPERATOR_OIDC_REDIRECT_URL);
      try {
        const tokens = await lib.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
        });
        const claims = tokens.claims();
        return claims?.sub ? `${new URL(c.OPERATOR_OIDC_ISSUER!).host}:${claims.sub}` : undefined;
      } catch (err) {
        deps.logger.warn({ err }, 'operator OpenID Connect login failed');
        return undefined;
      }
    },
  };
}
