/**
 * Sandbox mode only: the "test bank" for open-banking income verification (R-APP-7). It plays the
 * applicant's bank against the open-banking double: the applicant agrees to share their income (as
 * the net monthly income the tester enters) or declines, and is then sent back to the application
 * like a real provider does (`/apply/<id>/inkomst/tillbaka`). Never mounted in production mode.
 */
import type { Router } from 'express';
import type { SandboxSteering } from '../adapters';
import { SandboxSteeringError } from '../adapters';
import { selfServiceTexts } from '../texts/web-self-service';
import { form, page } from './handler';
import { type FieldError, langOf, render } from './render';

const AMOUNT = /^\d{1,7}(\.\d{1,2})?$/;

export function sandboxBankRoutes(router: Router, sandbox: SandboxSteering): void {
  const find = async (id: string) => {
    try {
      return await sandbox.openBanking.getVerification(id);
    } catch (err) {
      if (err instanceof SandboxSteeringError) return undefined;
      throw err;
    }
  };

  router.get(
    '/sandbox/testbank/:verificationId',
    page(async (req, res) => {
      const v = await find(req.params.verificationId!);
      if (!v) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      const s = selfServiceTexts(langOf(req)).income;
      await render(req, res, 'sandbox-bank.njk', { title: s.sandboxTitle, s, v, income: '45000', errors: [] });
    }),
  );

  router.post(
    '/sandbox/testbank/:verificationId/:action',
    form(async (req, res) => {
      const v = await find(req.params.verificationId!);
      if (!v) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      const s = selfServiceTexts(langOf(req)).income;
      const income = String(req.body.income ?? '')
        .replace(/\s/g, '')
        .replace(',', '.');
      try {
        if (req.params.action === 'godkann') {
          if (!AMOUNT.test(income)) {
            const errors: FieldError[] = [{ field: 'income', message: s.sandboxIncome }];
            return render(req, res, 'sandbox-bank.njk', { title: s.sandboxTitle, s, v, income, errors }, 400);
          }
          await sandbox.openBanking.completeVerification(v.verificationId, Number(income).toFixed(2));
        } else {
          await sandbox.openBanking.failVerification(v.verificationId, 'consent_declined');
        }
      } catch (err) {
        if (!(err instanceof SandboxSteeringError)) throw err; // already answered: back to the application
      }
      res.redirect(303, `/apply/${encodeURIComponent(v.applicationId)}/inkomst/tillbaka`);
    }),
  );
}
