/**
 * Sandbox mode only: the "test BankID app". It plays the person's BankID app against the BankID
 * double: it lists the pending orders (the one opened by an autostart link, or whose QR content was
 * pasted, first), and approves an order as a chosen person (personnummer) or cancels it. Never
 * mounted in production mode (web/index.ts).
 */
import type { Router } from 'express';
import type { SandboxSteering } from '../adapters';
import { SandboxSteeringError } from '../adapters';
import { webTexts } from '../texts/web';
import { form, page } from './handler';
import { langOf, render } from './render';

/** `bankid.<qrStartToken>.<time>.<authCode>` → the qrStartToken. */
const qrTokenOf = (content: unknown) =>
  typeof content === 'string' ? (/^bankid\.([^.]+)\./.exec(content.trim())?.[1] ?? '') : '';

export function sandboxBankIdRoutes(router: Router, sandbox: SandboxSteering): void {
  router.get(
    '/sandbox/bankid-app',
    page(async (req, res) => {
      const autoStartToken = typeof req.query.autostarttoken === 'string' ? req.query.autostarttoken : '';
      const qrToken = qrTokenOf(req.query.qr);
      const matches = (o: { autoStartToken: string; qrStartToken: string }) =>
        (autoStartToken !== '' && o.autoStartToken === autoStartToken) ||
        (qrToken !== '' && o.qrStartToken === qrToken);
      const orders = (await sandbox.bankId.listOrders())
        .filter((o) => o.status === 'pending')
        .map((o) => ({ ...o, highlight: matches(o) }))
        .sort((a, b) => Number(b.highlight) - Number(a.highlight) || b.createdAt.localeCompare(a.createdAt));
      await render(req, res, 'sandbox-bankid.njk', {
        title: webTexts(langOf(req)).sandboxApp.title,
        orders,
        autoStartToken,
        returnToBrowser: autoStartToken !== '',
      });
    }),
  );

  router.post(
    '/sandbox/bankid-app/:orderRef/:action',
    form(async (req, res) => {
      const t = webTexts(langOf(req));
      const orderRef = req.params.orderRef!;
      try {
        if (req.params.action === 'godkann') {
          const personnummer = String(req.body.personnummer ?? '').replace(/\D/g, '');
          await sandbox.bankId.completeOrder(orderRef, personnummer || undefined);
          req.webSession!.data.flash = t.sandboxApp.completed;
        } else {
          await sandbox.bankId.failOrder(orderRef, 'userCancel');
          req.webSession!.data.flash = t.sandboxApp.failed;
        }
      } catch (err) {
        if (!(err instanceof SandboxSteeringError)) throw err;
        // Refused (another person, a finished order): the app shows why and stays open.
        req.webSession!.data.flash = err.message;
        await req.webSession!.save();
        const token = typeof req.body.autostarttoken === 'string' ? req.body.autostarttoken : '';
        return res.redirect(303, `/sandbox/bankid-app${token ? `?autostarttoken=${encodeURIComponent(token)}` : ''}`);
      }
      await req.webSession!.save();
      // Like the real app after an autostart: back to the browser that is waiting for the order.
      res.redirect(303, req.body.returnToBrowser === 'true' ? '/bankid' : '/sandbox/bankid-app');
    }),
  );
}
