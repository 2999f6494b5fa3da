/**
 * Contact details on Mina sidor: view and change the e-mail and mobile number where new-mail
 * notices go (R-LOAN-11), through the same functions as `GET/PUT /v1/me/contact-details`.
 */
import type { Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { changeContactDetails, readContactDetails } from '../api/routes/contact';
import { selfServiceTexts } from '../texts/web-self-service';
import { customerOf, form, page } from './handler';
import { type FieldError, langOf, render } from './render';

const PATH = '/mina-sidor/kontaktuppgifter';

export function contactPages(router: Router, deps: ApiDeps): void {
  router.get(
    PATH,
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const s = selfServiceTexts(langOf(req)).contact;
      const current = await readContactDetails(deps, customer.sub);
      await render(req, res, 'contact.njk', {
        title: s.title,
        s,
        current,
        values: { email: current.email ?? '', phone: current.phone ?? '' },
        errors: [],
        errorOf: {},
      });
    }),
  );

  router.post(
    PATH,
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const s = selfServiceTexts(langOf(req)).contact;
      const values = { email: String(req.body.email ?? '').trim(), phone: String(req.body.phone ?? '').trim() };
      try {
        // An empty field keeps what is stored (notices need somewhere to go).
        await changeContactDetails(deps, customer.sub, {
          ...(values.email ? { email: values.email } : {}),
          ...(values.phone ? { phone: values.phone } : {}),
        });
      } catch (err) {
        if (!(err instanceof ProblemError) || err.status !== 400) throw err;
        const errors: FieldError[] = (err.errors ?? []).map((e) => {
          const field = e.field.replace(/^body\./, '');
          return { field, message: field === 'email' ? s.invalidEmail : s.invalidPhone };
        });
        const current = await readContactDetails(deps, customer.sub);
        return render(
          req,
          res,
          'contact.njk',
          {
            title: s.title,
            s,
            current,
            values,
            errors,
            errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
          },
          400,
        );
      }
      req.webSession!.data.flash = s.saved;
      await req.webSession!.save();
      res.redirect(303, PATH);
    }),
  );
}
