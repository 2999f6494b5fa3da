/**
 * Mina sidor's loan actions: paying off the whole loan early without a fee (R-LOAN-7), quoted by
 * the loan workflow and confirmed by the customer, a payment-free month (R-LOAN-6), withdrawal
 * within 14 days (R-LOAN-8), and a complaint (R-LOAN-9). The same shared
 * functions as `POST /v1/loans/{loanId}/early-repayment/...` (actionableLoan, actOnLoan) and
 * `POST /v1/loans/{loanId}/complaints` (fileComplaint).
 */
import type { Request, Response, Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { fileComplaint, newComplaintBody } from '../api/routes/complaints';
import { actionableLoan, actOnLoan, LoanActionProblemError } from '../api/routes/loan-actions';
import { findVisibleLoan } from '../api/loan-access';
import {
  confirmEarlyRepaymentUpdate,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  withdrawUpdate,
} from '../workflows/loan-messages';
import { webTexts } from '../texts/web';
import { customerOf, form, page } from './handler';
import { type FieldError, langOf, render } from './render';
import { fill } from '../texts/web';
import { selfServiceTexts } from '../texts/web-self-service';
import { Decimal, formatAmount } from '../domain/money';

/** A refused or impossible action is a page in the visitor's words; anything else propagates. */
async function refusedPage(req: Request, res: Response, err: unknown): Promise<void> {
  if (err instanceof LoanActionProblemError) return render(req, res, 'message.njk', { kind: 'conflict' }, 409);
  if (err instanceof ProblemError && err.status === 404)
    return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
  throw err;
}

export function loanActionPages(router: Router, deps: ApiDeps): void {
  router.post(
    '/mina-sidor/lan/:loanId/losen',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      try {
        const loan = await actionableLoan(deps, customer, req.params.loanId!);
        const quote = await actOnLoan(
          deps,
          loan,
          (h) => h.executeUpdate(quoteEarlyRepaymentUpdate, { args: [{ kind: 'whole' }] }),
          { body: ['kind'] },
        );
        await render(req, res, 'early-repayment.njk', {
          title: webTexts(langOf(req)).earlyRepayment.title,
          loan,
          quote,
        });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  // R-LOAN-7 partial: an extra amount quoted (principal reduced, term shortened, payment kept), then confirmed.
  router.post(
    '/mina-sidor/lan/:loanId/extra-amortering',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const p = selfServiceTexts(langOf(req)).partial;
      const raw = String(req.body.amount ?? '').trim();
      const amount = raw.replace(/\s/g, '').replace(',', '.');
      try {
        const loan = await actionableLoan(deps, customer, req.params.loanId!);
        const again = (message: string, status: number) =>
          render(
            req,
            res,
            'early-repayment.njk',
            {
              title: p.title,
              loan,
              partialForm: true,
              p,
              values: { amount: raw },
              errors: [{ field: 'amount', message }],
              errorOf: { amount: message },
            },
            status,
          );
        if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) return again(p.invalidAmount, 400);
        let quote;
        try {
          quote = await actOnLoan(
            deps,
            loan,
            (h) =>
              h.executeUpdate(quoteEarlyRepaymentUpdate, {
                args: [{ kind: 'partial', amount: formatAmount(new Decimal(amount)) }],
              }),
            { body: ['kind', 'amount'] },
          );
        } catch (err) {
          const status =
            err instanceof LoanActionProblemError ? err.problem.status : err instanceof ProblemError ? err.status : 0;
          if (status === 409 || status === 400) return again(p.refused, 409);
          throw err;
        }
        await render(req, res, 'early-repayment.njk', { title: p.title, loan, quote, p });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  router.post(
    '/mina-sidor/lan/:loanId/losen/:quoteId',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      try {
        const loan = await actionableLoan(deps, customer, req.params.loanId!);
        const order = await actOnLoan(
          deps,
          loan,
          (h) => h.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: req.params.quoteId! }] }),
          { params: ['loanId', 'quoteId'], body: [] },
        );
        await render(req, res, 'early-repayment.njk', {
          title: webTexts(langOf(req)).earlyRepayment.title,
          loan,
          order,
        });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  router.get(
    '/mina-sidor/lan/:loanId/klagomal',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      try {
        const loan = await findVisibleLoan(deps.db, customer, req.params.loanId!);
        await render(req, res, 'complaint.njk', {
          title: webTexts(langOf(req)).complaint.title,
          loan,
          values: {},
          errors: [],
          errorOf: {},
        });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  router.post(
    '/mina-sidor/lan/:loanId/klagomal',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const t = webTexts(langOf(req));
      try {
        const loan = await findVisibleLoan(deps.db, customer, req.params.loanId!);
        const values = { subject: String(req.body.subject ?? ''), text: String(req.body.text ?? '') };
        const parsed = newComplaintBody.safeParse(values);
        if (!parsed.success) {
          const errors: FieldError[] = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].map((field) => ({
            field,
            message: fill(values[field as 'subject' | 'text']?.trim() ? t.errors.invalid : t.errors.required, {
              field: field === 'subject' ? t.complaint.subject : t.complaint.text,
            }),
          }));
          const errorOf = Object.fromEntries(errors.map((e) => [e.field, e.message]));
          return render(req, res, 'complaint.njk', { title: t.complaint.title, loan, values, errors, errorOf }, 400);
        }
        const row = await fileComplaint(deps, customer, loan, parsed.data);
        await render(req, res, 'complaint.njk', { title: t.complaint.title, loan, filed: row });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  // R-LOAN-6 and R-LOAN-8 change the loan at once: a page explains, its button confirms.
  for (const action of ['betalningsfri-manad', 'angra'] as const) {
    router.get(
      `/mina-sidor/lan/:loanId/${action}`,
      page(async (req, res) => {
        const customer = customerOf(req, res);
        if (!customer) return;
        try {
          const loan = await actionableLoan(deps, customer, req.params.loanId!);
          await render(req, res, 'loan-action.njk', {
            title: webTexts(langOf(req)).loanAction[action].title,
            loan,
            action,
          });
        } catch (err) {
          await refusedPage(req, res, err);
        }
      }),
    );
  }

  router.post(
    '/mina-sidor/lan/:loanId/betalningsfri-manad',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      try {
        const loan = await actionableLoan(deps, customer, req.params.loanId!);
        const grant = await actOnLoan(
          deps,
          loan,
          (h) => h.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{}] }),
          {
            body: ['installmentNumber'],
          },
        );
        const t = webTexts(langOf(req)).loanAction['betalningsfri-manad'];
        await render(req, res, 'loan-action.njk', { title: t.title, loan, action: 'betalningsfri-manad', grant });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );

  router.post(
    '/mina-sidor/lan/:loanId/angra',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      try {
        const loan = await actionableLoan(deps, customer, req.params.loanId!);
        const order = await actOnLoan(deps, loan, (h) => h.executeUpdate(withdrawUpdate, { args: [{}] }), { body: [] });
        const t = webTexts(langOf(req)).loanAction.angra;
        await render(req, res, 'loan-action.njk', { title: t.title, loan, action: 'angra', withdrawal: order });
      } catch (err) {
        await refusedPage(req, res, err);
      }
    }),
  );
}
