/**
 * The customer pages, mounted on the API's Express app by `mountWeb(app, deps)`: the start page,
 * BankID login, the applicant's link (`/apply/<id>?invite=…`), Mina sidor and, in sandbox mode,
 * the test BankID app. Assets come from web/static (no CDN). Pages call the same functions as the
 * API routes; no business rule lives here.
 */
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ProblemError } from '../api/problem';
import type { ApiDeps } from '../api/deps';
import { applyRoutes } from './apply';
import { bankIdRoutes } from './bankid';
import { calculatorRoutes } from './calculator';
import { collectionPages } from './collection';
import { contactPages } from './contact';
import { page, safeReturnPath } from './handler';
import { loanActionPages } from './loan-actions';
import { myPagesRoutes } from './my-pages';
import { render, WEB_DIR } from './render';
import { sandboxBankRoutes } from './sandbox-bank';
import { sandboxBankIdRoutes } from './sandbox-bankid';
import { webSessions } from './session';
import { operatorRoutes } from './operator';
import { vendorRoutes } from './vendor';

const PAGE_PREFIXES = [
  '/lanekalkyl',
  '/sprak/',
  '/logga-in',
  '/logga-ut',
  '/bankid',
  '/apply/',
  '/mina-sidor',
  '/sandbox/bankid-app',
  '/sandbox/testbank/',
  '/butik', // web/vendor
  '/operator', // web/operator
];

function isPagePath(p: string): boolean {
  return p === '/' || PAGE_PREFIXES.some((prefix) => p.startsWith(prefix));
}

export interface WebOptions {
  /** Idle minutes before a session ends (tests shorten it). */
  idleMinutes?: number;
}

export function mountWeb(app: Express, deps: ApiDeps, options: WebOptions = {}): void {
  const sandbox = deps.config.ENGINE_MODE === 'sandbox';
  app.use('/static', express.static(path.join(WEB_DIR, 'static'), { maxAge: '1h', index: false }));

  const router = express.Router();
  // Only the pages' paths get sessions and form parsing; everything else (the JSON API) passes by.
  router.use((req, _res, next) => (isPagePath(req.path) ? next() : next('router')));
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use(
    webSessions({
      db: deps.db,
      production: !sandbox,
      ...(options.idleMinutes ? { idleMinutes: options.idleMinutes } : {}),
    }),
  );
  router.use((_req, res, next) => {
    // Pages show personal data: never cached, never framed.
    res.set('cache-control', 'no-store');
    res.set('x-frame-options', 'DENY');
    next();
  });

  router.get(
    '/',
    page(async (req, res) => render(req, res, 'start.njk')),
  );
  router.get(
    '/sprak/:lang',
    page(async (req, res) => {
      const lang = req.params.lang === 'en' ? 'en' : 'sv';
      req.webSession!.data.lang = lang;
      await req.webSession!.save();
      res.redirect(303, safeReturnPath(req.query.tillbaka, '/'));
    }),
  );
  bankIdRoutes(router, deps, { sandbox });
  applyRoutes(router, deps);
  calculatorRoutes(router);
  myPagesRoutes(router, deps);
  loanActionPages(router, deps);
  collectionPages(router, deps);
  contactPages(router, deps);
  vendorRoutes(router, deps);
  operatorRoutes(router, deps, { sandbox });
  if (sandbox && deps.sandbox) {
    sandboxBankIdRoutes(router, deps.sandbox);
    sandboxBankRoutes(router, deps.sandbox);
  }

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err instanceof ProblemError ? err.status : 500;
    if (status >= 500) deps.logger.error({ err }, 'page failed');
    // The API's problem details are English and technical: pages say it in the visitor's words.
    const kind = status === 404 ? 'notFound' : status >= 500 ? 'unavailable' : 'conflict';
    render(req, res, 'message.njk', { kind }, status).catch(next);
  });
  app.use(router);
}
