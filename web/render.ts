/**
 * Server-side rendering with nunjucks (autoescape on): every page extends views/layout.njk, reads
 * its copy from texts/web.ts in the visitor's language and formats amounts and dates with
 * texts/format.ts. No inline scripts or styles: the pages live under a strict CSP.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { formatDate, formatKronor, formatPercent } from '../texts/format';
import { webTexts } from '../texts/web';
import type { Lang } from '../texts/bankid';

/** web/ itself: beside this file under tsx, or the source folder when run compiled from dist/web. */
export const WEB_DIR = [__dirname, path.resolve(__dirname, '..', '..', 'web')].find((d) =>
  existsSync(path.join(d, 'views')),
)!;

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(WEB_DIR, 'views')), {
  autoescape: true,
  throwOnUndefined: false,
});
env.addFilter('kr', (v: string) => (v === null || v === undefined ? '' : formatKronor(v)));
env.addFilter('date', (v: string) => (v ? formatDate(v) : ''));
env.addFilter('percent', (v: string) => (v ? formatPercent(v) : ''));

export function langOf(req: Request): Lang {
  return req.webSession?.data.lang ?? 'sv';
}

/** A field error for the GOV.UK-style summary and the field itself. */
export interface FieldError {
  field: string;
  message: string;
}

export async function render(
  req: Request,
  res: Response,
  view: string,
  context: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const session = req.webSession;
  // Every page may carry a form (logout, language): the session must exist for its CSRF token.
  let flash: string | undefined;
  if (session) {
    flash = session.data.flash;
    if (flash !== undefined) delete session.data.flash;
    if (!session.isStored() || flash !== undefined) await session.save();
  }
  const lang = langOf(req);
  const html = env.render(view, {
    t: webTexts(lang),
    lang,
    csrf: session?.data.csrf ?? '',
    loggedIn: Boolean(session?.data.customerId),
    path: req.originalUrl,
    flash,
    ...context,
  });
  res.status(status).type('html').send(html);
}
