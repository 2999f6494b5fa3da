/**
 * BankID in the browser (RP API v6 through adapters/bankid): the waiting page with the animated QR
 * code and the "open BankID on this device" link, the status the page polls about every 2 s (with
 * the user message BankID prescribes for the hint code), and cancel.
 *
 * Login orders are started here (deps.bankId) and collected here; their qrStartSecret stays in the
 * server-side session. Identification and signing orders of an application are started and
 * collected by the application workflow; the page reads their state with the workflow's `view`
 * query, and their qrStartSecret from PostgreSQL, where the start-order activity put it (never in
 * workflow history: db/bankid-qr-repository.ts). Either way the QR image is computed per second on
 * the server, for the browser whose session holds the order only.
 */
import type { Request, Response, Router } from 'express';
import QRCode from 'qrcode';
import { autoStartLink, BankIdError, qrCodeContent } from '../adapters/bankid';
import type { ApiDeps } from '../api/deps';
import { endUserIp } from '../api/routes/applications';
import { powerOfAttorneyStatus } from '../api/routes/collection';
import { directDebitMandate } from '../api/routes/direct-debit';
import { findBankIdQrSecret } from '../db/bankid-qr-repository';
import { customerIdForPersonnummer } from '../db/customer-identity-repository';
import { findApplication } from '../db/application-repository';
import { bankIdFailedMessage, bankIdPendingMessage } from '../texts/bankid';
import type { applicationWorkflow } from '../workflows/application';
import { applicationViewQuery } from '../workflows/application-messages';
import { form, page, safeReturnPath } from './handler';
import { langOf, render } from './render';
import type { PendingBankId } from './session';

type OrderState = { state: 'pending' | 'complete' | 'failed'; hintCode?: string };

export interface BankIdPageOptions {
  sandbox: boolean;
}

/** The link that opens BankID on this device: the sandbox test app in sandbox mode. */
export function autoStartHref(autoStartToken: string, sandbox: boolean): string {
  return sandbox
    ? `/sandbox/bankid-app?autostarttoken=${encodeURIComponent(autoStartToken)}`
    : autoStartLink(autoStartToken);
}

/** Polls the order once; on completion logs the browser in (a new session token). */
async function checkOrder(deps: ApiDeps, req: Request): Promise<OrderState> {
  const session = req.webSession!;
  const order = session.data.bankid;
  if (!order) return { state: 'failed', hintCode: 'cancelled' };
  if (order.kind === 'login') {
    if (!deps.bankId) return { state: 'failed', hintCode: 'internalError' };
    let result;
    try {
      result = await deps.bankId.collect(order.orderRef);
    } catch (err) {
      if (err instanceof BankIdError) return { state: 'failed', hintCode: err.errorCode };
      throw err;
    }
    if (result.status === 'pending') return { state: 'pending', hintCode: result.hintCode };
    if (result.status === 'failed') return { state: 'failed', hintCode: result.hintCode };
    const customerId = await customerIdForPersonnummer(
      deps.db,
      deps.jwtSecret,
      result.completionData.user.personalNumber,
    );
    await logIn(req, customerId);
    return { state: 'complete' };
  }
  if (order.kind === 'power-of-attorney') return powerOfAttorneyOrder(deps, req, order);
  if (order.kind === 'direct-debit') return mandateOrder(deps, req, order);
  const row = order.applicationId ? await findApplication(deps.db, order.applicationId) : undefined;
  if (!row) return { state: 'failed', hintCode: 'cancelled' };
  const view = await deps.temporal.workflow
    .getHandle<typeof applicationWorkflow>(row.workflow_id)
    .query(applicationViewQuery);
  const applicant = view.applicants[order.applicantIndex ?? -1];
  const summary = order.kind === 'identify' ? applicant?.identification : applicant?.signing;
  if (!summary || summary.orderRef !== order.orderRef) return { state: 'failed', hintCode: 'cancelled' };
  if (summary.state === 'PENDING') return { state: 'pending', hintCode: 'outstandingTransaction' };
  if (summary.state === 'FAILED') return { state: 'failed', hintCode: summary.hintCode };
  if (order.kind === 'identify' && order.customerId) await logIn(req, order.customerId);
  else {
    delete session.data.bankid;
    await session.save();
  }
  return { state: 'complete' };
}

/** R-COLL-8: a power of attorney's signature, as the API's `GET /v1/powers-of-attorney/{id}` collects it. */
async function powerOfAttorneyOrder(deps: ApiDeps, req: Request, order: PendingBankId): Promise<OrderState> {
  const session = req.webSession!;
  const customerId = session.data.customerId;
  if (!customerId || !order.powerOfAttorneyId) return { state: 'failed', hintCode: 'cancelled' };
  const poa = await powerOfAttorneyStatus(deps, { role: 'customer', sub: customerId }, order.powerOfAttorneyId);
  if (poa.status === 'PENDING_SIGNATURE') return { state: 'pending', hintCode: 'outstandingTransaction' };
  if (poa.status !== 'ACTIVE') return { state: 'failed', hintCode: 'cancelled' };
  delete session.data.bankid;
  await session.save();
  return { state: 'complete' };
}

/** R-PAY-3: an autogiro mandate's signature, collected by its workflow; the page reads the mandate. */
async function mandateOrder(deps: ApiDeps, req: Request, order: PendingBankId): Promise<OrderState> {
  const session = req.webSession!;
  const customerId = session.data.customerId;
  if (!customerId || !order.mandateId) return { state: 'failed', hintCode: 'cancelled' };
  const mandate = await directDebitMandate(deps, { role: 'customer', sub: customerId }, order.mandateId);
  if (mandate.status === 'PENDING_SIGNATURE') return { state: 'pending', hintCode: 'outstandingTransaction' };
  if (mandate.status !== 'ACTIVE') return { state: 'failed', hintCode: 'cancelled' };
  delete session.data.bankid;
  await session.save();
  return { state: 'complete' };
}

/** The QR code's inputs: the session's own (login) or the workflow order's, stored by its activity. */
async function qrSecretOf(
  deps: ApiDeps,
  order: PendingBankId,
): Promise<{ qrStartToken: string; qrStartSecret: string; startedAt: Date } | undefined> {
  if (order.qrStartSecret)
    return {
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
      startedAt: new Date(order.startedAt),
    };
  const stored = await findBankIdQrSecret(deps.db, order.orderRef);
  return stored && stored.qrStartToken === order.qrStartToken ? stored : undefined;
}

async function logIn(req: Request, customerId: string): Promise<void> {
  const session = req.webSession!;
  delete session.data.bankid;
  session.data.customerId = customerId;
  session.data.loggedInAt = new Date().toISOString();
  await session.rotate();
}

function messageOf(req: Request, order: PendingBankId | undefined, state: OrderState): string {
  const lang = langOf(req);
  const autoStarted = Boolean(order?.autoStarted);
  return state.state === 'failed'
    ? bankIdFailedMessage(lang, state.hintCode, autoStarted)
    : bankIdPendingMessage(lang, state.hintCode, autoStarted);
}

/** Keeps an order in the session and sends the browser to the waiting page. */
export async function awaitBankId(req: Request, res: Response, order: PendingBankId): Promise<void> {
  req.webSession!.data.bankid = order;
  await req.webSession!.save();
  res.redirect(303, '/bankid');
}

export function bankIdRoutes(router: Router, deps: ApiDeps, options: BankIdPageOptions): void {
  router.get(
    '/logga-in',
    page(async (req, res) => {
      const returnTo = safeReturnPath(req.query.tillbaka, '/mina-sidor');
      if (req.webSession!.data.customerId) return res.redirect(303, returnTo);
      await render(req, res, 'login.njk', { title: undefined, returnTo, available: Boolean(deps.bankId) });
    }),
  );

  router.post(
    '/logga-in',
    form(async (req, res) => {
      if (!deps.bankId) return render(req, res, 'message.njk', { kind: 'unavailable' }, 503);
      const order = await deps.bankId.auth({ endUserIp: endUserIp(req) });
      await awaitBankId(req, res, {
        kind: 'login',
        ...order,
        startedAt: new Date().toISOString(),
        returnTo: safeReturnPath(req.body.returnTo, '/mina-sidor'),
        backTo: '/logga-in',
      });
    }),
  );

  router.get(
    '/bankid',
    page(async (req, res) => {
      const order = req.webSession!.data.bankid;
      if (!order) return res.redirect(303, '/');
      const state = await checkOrder(deps, req);
      if (state.state === 'complete') return res.redirect(303, order.returnTo);
      if (req.query.autostart === '1' && !order.autoStarted) {
        order.autoStarted = true;
        await req.webSession!.save();
      }
      await render(req, res, 'bankid.njk', {
        order,
        state: state.state,
        message: messageOf(req, order, state),
        autoStartHref: autoStartHref(order.autoStartToken, options.sandbox),
        hasQr: Boolean(await qrSecretOf(deps, order)),
      });
    }),
  );

  router.get(
    '/bankid/status',
    page(async (req, res) => {
      const order = req.webSession!.data.bankid;
      res.set('cache-control', 'no-store');
      if (!order) {
        res.json({ state: 'none' });
        return;
      }
      if (req.query.autostart === '1' && !order.autoStarted) {
        order.autoStarted = true;
        await req.webSession!.save();
      }
      const state = await checkOrder(deps, req);
      res.json({
        state: state.state,
        message: messageOf(req, order, state),
        ...(state.state === 'complete' ? { redirect: order.returnTo } : {}),
      });
    }),
  );

  router.get(
    '/bankid/qr.svg',
    page(async (req, res) => {
      const order = req.webSession!.data.bankid;
      res.set('cache-control', 'no-store');
      const qr = order ? await qrSecretOf(deps, order) : undefined;
      if (!qr) {
        res.status(404).end();
        return;
      }
      const seconds = (Date.now() - qr.startedAt.getTime()) / 1000;
      const content = qrCodeContent(qr.qrStartToken, qr.qrStartSecret, seconds);
      const svg = await QRCode.toString(content, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
      res.type('image/svg+xml').send(svg);
    }),
  );

  router.post(
    '/bankid/avbryt',
    form(async (req, res) => {
      const session = req.webSession!;
      const order = session.data.bankid;
      // A signing that ends here fails at once (a mandate, R-PAY-3: the customer may give a new one).
      const cancellable = ['login', 'power-of-attorney', 'direct-debit'];
      if (order && cancellable.includes(order.kind) && deps.bankId) {
        await deps.bankId.cancel(order.orderRef).catch(() => undefined); // already finished: nothing to cancel
      }
      delete session.data.bankid;
      await session.save();
      res.redirect(303, order?.backTo ?? '/');
    }),
  );

  router.post(
    '/logga-ut',
    form(async (req, res) => {
      const lang = req.webSession!.data.lang;
      await req.webSession!.destroy();
      if (lang) req.webSession!.data.lang = lang;
      await render(req, res, 'message.njk', { kind: 'loggedOut' });
    }),
  );
}
