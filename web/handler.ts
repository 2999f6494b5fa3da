/** Plumbing shared by the page routes: async handlers, CSRF checks, login guard, safe redirects. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Principal } from '../api/auth';
import { render } from './render';
import { csrfValid } from './session';

type AsyncHandler = (req: Request, res: Response) => Promise<void>;

export function page(fn: AsyncHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** A POST handler that first checks the form's CSRF token (403 page otherwise). */
export function form(fn: AsyncHandler): RequestHandler {
  return page(async (req, res) => {
    if (!csrfValid(req)) {
      await render(req, res, 'message.njk', { kind: 'csrf' }, 403);
      return;
    }
    await fn(req, res);
  });
}

/** The logged-in customer, or undefined after sending them to the login page. */
export function customerOf(req: Request, res: Response): Principal | undefined {
  const customerId = req.webSession?.data.customerId;
  if (customerId) return { role: 'customer', sub: customerId };
  res.redirect(303, `/logga-in?tillbaka=${encodeURIComponent(req.originalUrl)}`);
  return undefined;
}

/** Only same-site paths (`/…`, never `//host` or a scheme) are followed after login or language change. */
export function safeReturnPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}
