/**
 * Mina sidor (logged in with BankID): the customer's applications, loans (balance, next invoice
 * with OCR, invoices, payment plan R-LOAN-12) and the mailbox (R-LOAN-11). Reads go through the
 * same functions as GET /v1/loans… and /v1/mailbox….
 */
import type { Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { findVisibleLoan } from '../api/loan-access';
import { loanOverview, loanPaymentPlan, toInvoiceView } from '../api/routes/loans';
import { listCustomerApplications } from '../db/application-repository';
import { listCustomerLoans, listInvoices } from '../db/loan-repository';
import {
  countUnreadMailboxMessages,
  findMailboxMessage,
  listMailboxMessages,
  markMailboxMessageRead,
} from '../db/mailbox-repository';
import { webTexts } from '../texts/web';
import { selfServiceTexts } from '../texts/web-self-service';
import { listCollectionCases } from '../db/collection-case-repository';
import { customerOf, page } from './handler';
import { langOf, render } from './render';

export function myPagesRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    '/mina-sidor',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const [applications, loans, unread, cases] = await Promise.all([
        listCustomerApplications(deps.db, customer.sub, { limit: 50, offset: 0 }),
        listCustomerLoans(deps.db, customer.sub),
        countUnreadMailboxMessages(deps.db, customer.sub),
        listCollectionCases(deps.db, { customerId: customer.sub }),
      ]);
      const overviews = await Promise.all(loans.map((l) => loanOverview(deps, l)));
      await render(req, res, 'my-pages.njk', {
        title: webTexts(langOf(req)).myPages.title,
        applications,
        loans: overviews,
        unread,
        openCases: cases.filter((c) => c.status === 'OPEN').length,
        hasCases: cases.length > 0,
        ss: selfServiceTexts(langOf(req)),
      });
    }),
  );

  router.get(
    '/mina-sidor/lan/:loanId',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      let loan;
      try {
        loan = await findVisibleLoan(deps.db, customer, req.params.loanId!);
      } catch (err) {
        if (err instanceof ProblemError && err.status === 404)
          return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        throw err;
      }
      const [overview, invoices, plan] = await Promise.all([
        loanOverview(deps, loan),
        listInvoices(deps.db, loan.id),
        loanPaymentPlan(deps, loan),
      ]);
      await render(req, res, 'loan.njk', {
        title: `${webTexts(langOf(req)).myPages.contract} ${loan.contract_number}`,
        loan: overview,
        invoices: invoices.map(toInvoiceView),
        plan: plan.installments,
        p: selfServiceTexts(langOf(req)).partial,
      });
    }),
  );

  router.get(
    '/mina-sidor/brevlada',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const messages = await listMailboxMessages(deps.db, customer.sub, { limit: 100, offset: 0 });
      await render(req, res, 'mailbox.njk', { title: webTexts(langOf(req)).myPages.mailbox, messages });
    }),
  );

  router.get(
    '/mina-sidor/brevlada/:messageId',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const found = await findMailboxMessage(deps.db, req.params.messageId!);
      // R-SEC-1: someone else's letter does not exist.
      if (!found || found.customer_id !== customer.sub)
        return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      const message = (await markMailboxMessageRead(deps.db, found.id)) ?? found;
      await render(req, res, 'letter.njk', { title: message.subject, message });
    }),
  );
}
