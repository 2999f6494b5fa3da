/**
 * The vendor's back-office, under /butik: log in with e-mail and password (argon2id;
 * lock-out after repeated failures, a rate limit per address, reset by an e-mailed link), the two
 * lists of R-APP-4 ("Förmedlade avtal": pending with days left of the 7 of R-APP-5, submitted with
 * contract number) refreshed in place every few seconds, a new application, the detail page with
 * "send reminder" (optionally to a changed e-mail or phone) and delete (R-APP-3), and the address
 * for "submitted" mail. Every action is the function the API route calls (R-SEC-1: a vendor sees
 * only the applications it created; anything else is a 404 page).
 *
 * Longer than 400 lines: login, reset and the application pages share the vendor guard and the
 * form plumbing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Request, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Principal } from '../../api/auth';
import type { ApiDeps } from '../../api/deps';
import { ProblemError } from '../../api/problem';
import {
  createApplication,
  deleteApplication,
  load,
  newApplicationBody,
  sendReminder,
  toView,
} from '../../api/routes/applications';
import {
  findVendor,
  listVendorPending,
  listVendorSubmitted,
  upsertVendor,
  type ApplicationRow,
} from '../../db/application-repository';
import {
  completePasswordReset,
  findPasswordReset,
  findVendorUserByEmail,
  insertPasswordReset,
  insertVendorUser,
  listApplicantsOf,
  recordFailedLogin,
  resetFailedLogins,
} from '../../db/vendor-user-repository';
import { type ApplicationStatus, isPending, vendorStatusOf, type ApplicantStatus } from '../../domain/application';
import { NOTICE_CHANNELS } from '../../domain/product';
import { isLocked, lockAfterFailure, MIN_PASSWORD_LENGTH, RESET_LINK_MINUTES } from '../../domain/vendor-login';
import { daysLeft } from '../../domain/vendor-lists';
import { vendorTexts, type VendorTexts } from '../../texts/backoffice';
import { fill } from '../../texts/web';
import { form, page } from '../handler';
import { type FieldError, langOf, render } from '../render';

export const VENDOR_PREFIX = '/butik';

/** Verified against when the e-mail is unknown, so both answers take as long. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$MkOfwLch9uUW7pCfK778fw$RQT3/hY3RDwXBfFmOzV5F/a+LzgJ/mNwwQF3uXX+SEY';

export const hashPassword = (password: string): Promise<string> => hash(password);

const texts = (req: Request): VendorTexts => vendorTexts(langOf(req));

/** The logged-in vendor user as the API's principal, or undefined after sending them to log in. */
function vendorOf(req: Request, res: Response): Extract<Principal, { role: 'vendor' }> | undefined {
  const { vendorUserId, vendorId } = req.webSession?.data ?? {};
  if (vendorUserId && vendorId) return { role: 'vendor', sub: vendorUserId, vendorId };
  res.redirect(303, `${VENDOR_PREFIX}/logga-in`);
  return undefined;
}

async function vendorPage(req: Request, res: Response, view: string, ctx: Record<string, unknown>, status = 200) {
  await render(
    req,
    res,
    `vendor/${view}`,
    { v: texts(req), vendorLoggedIn: Boolean(req.webSession?.data.vendorUserId), ...ctx },
    status,
  );
}

async function flashTo(req: Request, res: Response, message: string, to: string) {
  req.webSession!.data.flash = message;
  await req.webSession!.save();
  res.redirect(303, to);
}

/** The two lists of R-APP-4 with the names BankID gave (R-SEC-1: only this vendor's). */
async function vendorLists(deps: ApiDeps, vendorId: string) {
  const now = new Date();
  const page = { limit: 100, offset: 0 };
  const [pending, submitted] = await Promise.all([
    listVendorPending(deps.db, vendorId, now, page),
    listVendorSubmitted(deps.db, vendorId, page),
  ]);
  const applicants = await listApplicantsOf(
    deps.db,
    [...pending, ...submitted].map((r) => r.id),
  );
  const row = (r: ApplicationRow) => {
    const own = applicants.filter((a) => a.application_id === r.id);
    const main = own.find((a) => a.idx === 0);
    return {
      id: r.id,
      reference: r.reference,
      amount: r.amount,
      customer: main?.name ?? null,
      birth: main ? main.personnummer.slice(0, 8) : '',
      status: vendorStatusOf(
        r.status as ApplicationStatus,
        r.contract_number,
        own.map((a) => a.status as ApplicantStatus),
      ),
      daysLeft: daysLeft(r.valid_until, now),
      contractNumber: r.contract_number,
      submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
    };
  };
  return { pending: pending.map(row), submitted: submitted.map(row) };
}

/** The form's field ids for the API's field names (`body.applicants.1.email` → `a1-email`). */
function fieldIdOf(field: string): string {
  const f = field.replace(/^body\./, '');
  const applicant = /^applicants\.(\d)\.(\w+)$/.exec(f);
  if (applicant) return `a${applicant[1]}-${applicant[2]}`;
  if (f.startsWith('applicants')) return 'a0-personnummer';
  return f;
}

function labelOf(v: VendorTexts, id: string): string {
  const m = /^a(\d)-(\w+)$/.exec(id);
  if (m) {
    const who = m[1] === '0' ? v.create.applicant : v.create.coApplicant;
    return `${who}: ${(v.create as unknown as Record<string, string>)[m[2]!] ?? m[2]}`;
  }
  return { amount: v.create.amount, termMonths: v.create.term, noticeChannel: v.create.noticeChannel }[id] ?? id;
}

function fieldErrors(v: VendorTexts, errors: { field: string; message: string }[]): FieldError[] {
  const seen = new Set<string>();
  return errors.flatMap((e) => {
    const id = fieldIdOf(e.field);
    if (seen.has(id)) return [];
    seen.add(id);
    const template = e.message.startsWith('required') ? v.errors.required : v.errors.invalid;
    return [{ field: id, message: fill(template, { field: labelOf(v, id) }) }];
  });
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export function vendorRoutes(router: Router, deps: ApiDeps): void {
  const P = VENDOR_PREFIX;
  const loginLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.config.RATE_LIMIT_VENDOR_LOGIN_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false, trustProxy: false },
    handler: (req, res) => {
      vendorPage(
        req,
        res,
        'login.njk',
        { title: texts(req).login.title, error: texts(req).login.rateLimited },
        429,
      ).catch(() => res.status(429).end());
    },
  });

  // --- login, logout, password reset ------------------------------------------------------------

  router.get(
    `${P}/logga-in`,
    page(async (req, res) => vendorPage(req, res, 'login.njk', { title: texts(req).login.title })),
  );

  router.post(
    `${P}/logga-in`,
    loginLimit,
    form(async (req, res) => {
      const v = texts(req);
      const email = str(req.body.email);
      const password = typeof req.body.password === 'string' ? req.body.password : '';
      const user = email ? await findVendorUserByEmail(deps.db, email) : undefined;
      const now = new Date();
      const matches = await verify(user?.password_hash ?? DUMMY_HASH, password).catch(() => false);
      if (user && isLocked(user.locked_until, now)) {
        return vendorPage(req, res, 'login.njk', { title: v.login.title, error: v.login.locked, email }, 401);
      }
      if (!user || !matches) {
        if (user) {
          const next = lockAfterFailure(user.failed_logins, now);
          await recordFailedLogin(deps.db, user.id, next.failed, next.lockedUntil);
          if (next.lockedUntil)
            return vendorPage(req, res, 'login.njk', { title: v.login.title, error: v.login.locked, email }, 401);
        }
        return vendorPage(req, res, 'login.njk', { title: v.login.title, error: v.login.failed, email }, 401);
      }
      await resetFailedLogins(deps.db, user.id);
      const session = req.webSession!;
      session.data.vendorUserId = user.id;
      session.data.vendorId = user.vendor_id;
      session.data.loggedInAt = now.toISOString();
      await session.rotate(); // no fixation
      res.redirect(303, P);
    }),
  );

  router.post(
    `${P}/logga-ut`,
    form(async (req, res) => {
      await req.webSession!.destroy();
      res.redirect(303, `${P}/logga-in`);
    }),
  );

  router.get(
    `${P}/glomt-losenord`,
    page(async (req, res) => vendorPage(req, res, 'forgot.njk', { title: texts(req).reset.title })),
  );

  router.post(
    `${P}/glomt-losenord`,
    loginLimit,
    form(async (req, res) => {
      const v = texts(req);
      if (!deps.email)
        return vendorPage(req, res, 'forgot.njk', { title: v.reset.title, error: v.reset.unavailable }, 503);
      const user = await findVendorUserByEmail(deps.db, str(req.body.email));
      if (user) {
        const token = randomBytes(32).toString('base64url');
        await insertPasswordReset(deps.db, user.id, token, new Date(Date.now() + RESET_LINK_MINUTES * 60_000));
        const base = deps.config.APPLICATION_LINK_BASE_URL.replace(/\/apply\/?$/, '');
        const link = `${base}${P}/nytt-losenord?token=${token}`;
        await deps.email.send({
          idempotencyKey: `vendor-password-reset:${token}`,
          to: user.email,
          subject: v.resetMail.subject,
          text: fill(v.resetMail.text, { link }),
        });
      }
      // The same answer whether or not the address has an account.
      await flashTo(req, res, v.reset.sent, `${P}/logga-in`);
    }),
  );

  router.get(
    `${P}/nytt-losenord`,
    page(async (req, res) => {
      const v = texts(req);
      const token = str(req.query.token);
      const user = token ? await findPasswordReset(deps.db, token, new Date()) : undefined;
      if (!user) return vendorPage(req, res, 'forgot.njk', { title: v.reset.title, error: v.reset.invalid }, 404);
      await vendorPage(req, res, 'new-password.njk', { title: v.reset.title, token, min: MIN_PASSWORD_LENGTH });
    }),
  );

  router.post(
    `${P}/nytt-losenord`,
    form(async (req, res) => {
      const v = texts(req);
      const token = str(req.body.token);
      const password = typeof req.body.password === 'string' ? req.body.password : '';
      if (password.length < MIN_PASSWORD_LENGTH) {
        const errors = [{ field: 'password', message: fill(v.reset.tooShort, { n: MIN_PASSWORD_LENGTH }) }];
        return vendorPage(
          req,
          res,
          'new-password.njk',
          { title: v.reset.title, token, min: MIN_PASSWORD_LENGTH, errors },
          400,
        );
      }
      const done = await completePasswordReset(deps.db, token, await hashPassword(password), new Date());
      if (!done) return vendorPage(req, res, 'forgot.njk', { title: v.reset.title, error: v.reset.invalid }, 404);
      await flashTo(req, res, v.reset.done, `${P}/logga-in`);
    }),
  );

  // --- Förmedlade avtal -------------------------------------------------------------------------

  router.get(
    P,
    page(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      await vendorPage(req, res, 'lists.njk', {
        title: texts(req).lists.title,
        ...(await vendorLists(deps, vendor.vendorId)),
      });
    }),
  );

  // The lists alone, for the page's script to swap in place (no reload).
  router.get(
    `${P}/listor`,
    page(async (req, res) => {
      const { vendorUserId, vendorId } = req.webSession?.data ?? {};
      if (!vendorUserId || !vendorId) {
        res.status(401).end();
        return;
      }
      await vendorPage(req, res, 'lists-fragment.njk', await vendorLists(deps, vendorId));
    }),
  );

  router.get(
    `${P}/ny`,
    page(async (req, res) => {
      if (!vendorOf(req, res)) return;
      await vendorPage(req, res, 'create.njk', {
        title: texts(req).create.title,
        values: { noticeChannel: 'e-invoice', termMonths: '60' },
        channels: NOTICE_CHANNELS,
        errorOf: {},
      });
    }),
  );

  router.post(
    `${P}/ny`,
    form(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const v = texts(req);
      const b = req.body as Record<string, unknown>;
      const values = Object.fromEntries(Object.entries(b).map(([k, val]) => [k, str(val)]));
      const applicant = (i: number) => ({
        personnummer: str(b[`a${i}-personnummer`]),
        email: str(b[`a${i}-email`]),
        phone: str(b[`a${i}-phone`]),
      });
      const co = applicant(1);
      const withCo = Boolean(co.personnummer || co.email || co.phone);
      const term = str(b.termMonths);
      const candidate = {
        amount: str(b.amount).replace(/\s/g, '').replace(',', '.'),
        termMonths: /^\d+$/.test(term) ? Number(term) : term,
        noticeChannel: str(b.noticeChannel),
        applicants: withCo ? [applicant(0), co] : [applicant(0)],
      };
      const fail = async (errors: { field: string; message: string }[]) => {
        const fieldErrs = fieldErrors(v, errors);
        await vendorPage(
          req,
          res,
          'create.njk',
          {
            title: v.create.title,
            values,
            channels: NOTICE_CHANNELS,
            errors: fieldErrs,
            errorOf: Object.fromEntries(fieldErrs.map((e) => [e.field, e.message])),
          },
          400,
        );
      };
      const parsed = newApplicationBody.safeParse(candidate);
      if (!parsed.success)
        return fail(parsed.error.issues.map((i) => ({ field: ['body', ...i.path].join('.'), message: i.message })));
      let created;
      try {
        created = await createApplication(deps, vendor, parsed.data);
      } catch (err) {
        if (err instanceof ProblemError && err.status === 400 && err.errors?.length) return fail(err.errors);
        throw err;
      }
      await flashTo(req, res, fill(v.create.created, { ref: created.reference }), `${P}/ansokan/${created.id}`);
    }),
  );

  // --- one application --------------------------------------------------------------------------

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  /** R-SEC-1: another vendor's application (or none) is a 404 page. */
  async function ownApplication(req: Request, res: Response, vendor: Principal) {
    const id = req.params.id!;
    try {
      if (!UUID.test(id)) throw new ProblemError(404, 'Not Found');
      return await load(deps, id, vendor);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 404) {
        await render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        return undefined;
      }
      throw err;
    }
  }

  router.get(
    `${P}/ansokan/:id`,
    page(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const loaded = await ownApplication(req, res, vendor);
      if (!loaded) return;
      const view = await toView(deps, loaded, vendor);
      const names = await listApplicantsOf(deps.db, [loaded.row.id]);
      await vendorPage(req, res, 'detail.njk', {
        title: fill(texts(req).detail.title, { ref: view.reference }),
        app: view,
        names: Object.fromEntries(names.map((n) => [n.idx, n.name])),
        pending: isPending(loaded.row.status as ApplicationStatus),
        daysLeft: daysLeft(loaded.row.valid_until, new Date()),
      });
    }),
  );

  router.post(
    `${P}/ansokan/:id/paminnelse`,
    form(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const loaded = await ownApplication(req, res, vendor);
      if (!loaded) return;
      const v = texts(req);
      const index = str(req.body.applicantIndex) === '1' ? 1 : 0;
      const current = loaded.applicants[index];
      const email = str(req.body.email);
      const phone = str(req.body.phone);
      try {
        await sendReminder(deps, vendor, loaded.row.id, {
          applicantIndex: index,
          // Only a changed address is sent as a change (it gets a fresh invitation code).
          ...(email && email !== current?.email ? { email } : {}),
          ...(phone && phone !== current?.phone ? { phone } : {}),
        });
      } catch (err) {
        if (err instanceof ProblemError && (err.status === 400 || err.status === 409)) {
          const message =
            err.status === 400 && err.errors?.length
              ? fill(v.create.invalid, {
                  field: err.errors
                    .map((e) => (e.field.endsWith('phone') ? v.create.phone : v.create.email))
                    .join(', '),
                })
              : v.detail.refused;
          return flashTo(req, res, message, `${P}/ansokan/${loaded.row.id}`);
        }
        throw err;
      }
      await flashTo(req, res, v.detail.reminderSent, `${P}/ansokan/${loaded.row.id}`);
    }),
  );

  router.post(
    `${P}/ansokan/:id/radera`,
    form(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const loaded = await ownApplication(req, res, vendor);
      if (!loaded) return;
      const v = texts(req);
      try {
        await deleteApplication(deps, vendor, loaded.row.id);
      } catch (err) {
        if (err instanceof ProblemError && err.status === 409)
          return flashTo(req, res, v.detail.refused, `${P}/ansokan/${loaded.row.id}`);
        throw err;
      }
      await flashTo(req, res, fill(v.detail.deleted, { ref: loaded.row.reference }), P);
    }),
  );

  // --- settings ---------------------------------------------------------------------------------

  router.get(
    `${P}/installningar`,
    page(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const row = await findVendor(deps.db, vendor.vendorId);
      await vendorPage(req, res, 'settings.njk', {
        title: texts(req).settings.title,
        values: { name: row?.name ?? '', email: row?.email ?? '' },
        errorOf: {},
      });
    }),
  );

  router.post(
    `${P}/installningar`,
    form(async (req, res) => {
      const vendor = vendorOf(req, res);
      if (!vendor) return;
      const v = texts(req);
      const values = { name: str(req.body.name), email: str(req.body.email) };
      const errors: FieldError[] = [];
      if (!values.name || values.name.length > 200)
        errors.push({ field: 'name', message: fill(v.errors.required, { field: v.settings.name }) });
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email) || values.email.length > 254)
        errors.push({ field: 'email', message: fill(v.errors.invalid, { field: v.settings.email }) });
      if (errors.length > 0)
        return vendorPage(
          req,
          res,
          'settings.njk',
          {
            title: v.settings.title,
            values,
            errors,
            errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
          },
          400,
        );
      await upsertVendor(deps.db, { id: vendor.vendorId, ...values });
      await flashTo(req, res, v.settings.saved, `${P}/installningar`);
    }),
  );
}

/** Sandbox mode only: printed by `npm start` and in the README. */
export const DEMO_VENDOR_LOGIN = { email: 'demo@butik.example', password: 'demo-butik-2026' };

/** Sandbox mode: the demo shop and its user, for `npm start` (idempotent). */
export async function seedDemoVendor(
  deps: Pick<ApiDeps, 'db'>,
  login: { email: string; password: string },
): Promise<void> {
  if (await findVendorUserByEmail(deps.db, login.email)) return;
  if (!(await findVendor(deps.db, 'demo-butik')))
    await upsertVendor(deps.db, { id: 'demo-butik', name: 'Demobutiken', email: 'butik@sandbox.loan-engine.local' });
  await insertVendorUser(deps.db, {
    id: randomUUID(),
    vendorId: 'demo-butik',
    email: login.email,
    passwordHash: await hashPassword(login.password),
    createdBy: 'sandbox',
  });
}
