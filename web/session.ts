/**
 * Browser sessions for the pages, stored in PostgreSQL (db/web-session-repository.ts) rather than
 * in a signed cookie, so that logout and idle expiry end a session on the server: a copied cookie
 * is worth nothing afterwards, and a BankID order's QR secret never leaves the server.
 *
 * The cookie: a random 256-bit token, HttpOnly, SameSite=Lax, Secure (and `__Host-` prefixed) in
 * production. CSRF: a synchronizer token kept in the session; every POST form carries it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/database';
import {
  deleteExpiredWebSessions,
  deleteWebSession,
  findWebSession,
  saveWebSession,
} from '../db/web-session-repository';
import type { Lang } from '../texts/bankid';

/** A BankID order this browser is waiting for. */
export interface PendingBankId {
  kind: 'login' | 'identify' | 'sign' | 'power-of-attorney' | 'direct-debit';
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  /** Only for orders the web layer started itself (login); workflow orders keep theirs. */
  qrStartSecret?: string;
  startedAt: string;
  /** Where to go when the order completes. */
  returnTo: string;
  /** Where "cancel" and "try again" lead. */
  backTo: string;
  applicationId?: string;
  applicantIndex?: number;
  /** A power of attorney being signed on Mina sidor (web/powers-of-attorney.ts). */
  powerOfAttorneyId?: string;
  /** An autogiro mandate being signed on Mina sidor (web/direct-debit.ts). */
  mandateId?: string;
  /** The customer id the applicant becomes once identified. */
  customerId?: string;
  /** Set once the person pressed "open BankID on this device" (changes the hint messages). */
  autoStarted?: boolean;
}

export interface WebSessionData {
  csrf: string;
  lang?: Lang;
  /** The logged-in customer (after BankID). */
  customerId?: string;
  loggedInAt?: string;
  /** applicationId → invite code from the link (R-APP-3). */
  invites?: Record<string, string>;
  bankid?: PendingBankId;
  /** A one-time notice for the next page. */
  flash?: string;
  /** The logged-in vendor user (web/vendor) and their vendor (R-SEC-1). */
  vendorUserId?: string;
  vendorId?: string;
  /** The logged-in operator (web/operator): the OIDC subject, or the sandbox login's name. */
  operator?: string;
  /** A running OpenID Connect login (web/operator): PKCE verifier, state and nonce. */
  oidc?: { codeVerifier: string; state: string; nonce: string };
}

export const IDLE_MINUTES = 15;
const ABSOLUTE_HOURS = 12;

export interface WebSession {
  data: WebSessionData;
  /** Persists `data` (and renews the idle expiry). */
  save(): Promise<void>;
  /** A new token for the same data: call on login, so a token planted before it is worthless. */
  rotate(): Promise<void>;
  destroy(): Promise<void>;
  /** False until the session has a row (and the browser a cookie). */
  isStored(): boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    webSession?: WebSession;
  }
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export interface SessionOptions {
  db: Db;
  production: boolean;
  /** For tests of idle expiry. */
  idleMinutes?: number;
}

export function sessionCookieName(production: boolean): string {
  return production ? '__Host-loan_session' : 'loan_session';
}

/** Loads (or starts) the browser's session. */
export function webSessions(options: SessionOptions): RequestHandler {
  const { db, production } = options;
  const idleMs = (options.idleMinutes ?? IDLE_MINUTES) * 60_000;
  const cookieName = sessionCookieName(production);
  let lastSweep = 0;

  const setCookie = (res: Response, token: string | null) => {
    res.cookie(cookieName, token ?? '', {
      httpOnly: true,
      sameSite: 'lax',
      secure: production,
      path: '/',
      ...(token === null ? { maxAge: 0 } : {}),
    });
  };

  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const now = new Date();
      if (now.getTime() - lastSweep > 10 * 60_000) {
        lastSweep = now.getTime();
        await deleteExpiredWebSessions(db, now);
      }
      let token = readCookie(req, cookieName);
      const stored = token ? await findWebSession(db, hash(token), now) : undefined;
      let data: WebSessionData = stored ? (stored.data as unknown as WebSessionData) : { csrf: newToken() };
      const tooOld = data.loggedInAt && now.getTime() - Date.parse(data.loggedInAt) > ABSOLUTE_HOURS * 3_600_000;
      if (tooOld) data = { csrf: newToken(), ...(data.lang ? { lang: data.lang } : {}) };
      let persisted = Boolean(stored) && !tooOld;
      if (!stored) token = undefined;

      const session: WebSession = {
        data,
        async save() {
          if (!token) {
            token = newToken();
            setCookie(res, token);
          }
          await saveWebSession(
            db,
            hash(token),
            session.data as unknown as Record<string, unknown>,
            new Date(Date.now() + idleMs),
          );
          persisted = true;
        },
        async rotate() {
          if (token) await deleteWebSession(db, hash(token));
          token = undefined;
          session.data.csrf = newToken();
          await session.save();
        },
        async destroy() {
          if (token) await deleteWebSession(db, hash(token));
          token = undefined;
          persisted = false;
          session.data = { csrf: newToken(), ...(session.data.lang ? { lang: session.data.lang } : {}) };
          setCookie(res, null);
        },
        isStored: () => persisted && token !== undefined,
      };
      req.webSession = session;
      // Idle expiry is renewed by any page, at most once a minute.
      if (persisted && stored && stored.expiresAt.getTime() - now.getTime() < idleMs - 60_000) await session.save();
      next();
    })().catch(next);
  };
}

/** Rejects a POST whose `_csrf` field does not match the session's token (403). */
export function csrfValid(req: Request): boolean {
  const sent = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : '';
  const expected = req.webSession?.data.csrf ?? '';
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
