/**
 * Powers of attorney on Mina sidor (R-COLL-8): give one to a helper (their personnummer, valid
 * until) and sign it with BankID on the shared waiting page; list and revoke the ones given; and,
 * for a helper logged in as themself, "Cases I help with", whose case pages they act on as
 * themself. Every read and act is the API's function (api/routes/collection/).
 */
import type { Request, Response, Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { endUserIp } from '../api/routes/applications';
import { givePowerOfAttorney, powersOfAttorney, revokePowerOfAttorney } from '../api/routes/collection';
import { fill } from '../texts/web';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { awaitBankId } from './bankid';
import { customerOf, form, page } from './handler';
import { type FieldError, langOf, render } from './render';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function powersPage(
  deps: ApiDeps,
  req: Request,
  res: Response,
  state: { values?: Record<string, string>; errors?: FieldError[] } = {},
  status = 200,
): Promise<void> {
  const customer = { role: 'customer' as const, sub: req.webSession!.data.customerId! };
  const p = collectionSelfServicePageTexts(langOf(req));
  const { given, held } = await powersOfAttorney(deps, customer);
  const errors = state.errors ?? [];
  await render(
    req,
    res,
    'powers-of-attorney.njk',
    {
      title: p.powersTitle,
      p,
      given: given.map((g) => ({ ...g, revokeLabel: fill(p.revokeLabel, { birthDate: g.helperBirthDate }) })),
      held,
      values: state.values ?? {},
      errors,
      errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    },
    status,
  );
}

export function powerOfAttorneyPages(router: Router, deps: ApiDeps): void {
  router.get(
    '/mina-sidor/fullmakter',
    page(async (req, res) => {
      if (!customerOf(req, res)) return;
      await powersPage(deps, req, res);
    }),
  );

  router.post(
    '/mina-sidor/fullmakter',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const p = collectionSelfServicePageTexts(langOf(req));
      const values = {
        helperPersonnummer: String(req.body.helperPersonnummer ?? '').trim(),
        validUntil: String(req.body.validUntil ?? '').trim(),
      };
      if (!deps.bankId) return render(req, res, 'message.njk', { kind: 'unavailable' }, 503);
      let given: Awaited<ReturnType<typeof givePowerOfAttorney>>;
      try {
        given = await givePowerOfAttorney(deps, customer, values, endUserIp(req));
      } catch (err) {
        if (!(err instanceof ProblemError) || (err.status !== 400 && err.status !== 409)) throw err;
        const field = err.errors?.[0]?.field.replace(/^body\./, '') ?? 'helperPersonnummer';
        const self = err.status === 409 && field === 'helperPersonnummer' && /someone else/.test(err.detail ?? '');
        const errors = [{ field, message: self ? p.selfRefused : p.powerRefused }];
        return powersPage(deps, req, res, { values, errors }, err.status);
      }
      await awaitBankId(req, res, {
        kind: 'power-of-attorney',
        orderRef: given.order.orderRef,
        autoStartToken: given.order.autoStartToken,
        qrStartToken: given.order.qrStartToken,
        qrStartSecret: given.order.qrStartSecret,
        startedAt: new Date().toISOString(),
        powerOfAttorneyId: given.id,
        returnTo: '/mina-sidor/fullmakter',
        backTo: '/mina-sidor/fullmakter',
      });
    }),
  );

  router.post(
    '/mina-sidor/fullmakter/:id/aterkalla',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const id = req.params.id!;
      try {
        if (!ID.test(id)) throw new ProblemError(404, 'Not Found');
        await revokePowerOfAttorney(deps, customer, id);
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        if (err.status === 404) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        if (err.status === 409) return render(req, res, 'message.njk', { kind: 'conflict' }, 409);
        throw err;
      }
      req.webSession!.data.flash = collectionSelfServicePageTexts(langOf(req)).revoked;
      await req.webSession!.save();
      res.redirect(303, '/mina-sidor/fullmakter');
    }),
  );
}
