/**
 * Mina sidor's loan actions: paying off the whole loan early without a fee (R-LOAN-7), quoted by
 * the loan workflow and confirmed by the customer. The same shared functions as
 * `POST /v1/loans/{loanId}/early-repayment/...` (actionableLoan, actOnLoan).
 */
import type { Request, Response, Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { actionableLoan, actOnLoan, LoanActionProblemError } from '../api/routes/loan-actions';
import { confirmEarlyRepaymentUpdate, quoteEarlyRepaymentUpdate } from '../workflows/loan-messages';
import { webTexts } from '../texts/web';
import { customerOf, form } from './handler';
import { langOf, render } from './render';

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
}
