/**
 * Mina sidor (logged in with BankID): the customer's applications, loans (balance, next invoice
 * with OCR, invoices, payment plan R-LOAN-12, the autogiro mandate R-PAY-3) and the mailbox
 * (R-LOAN-11). Reads go through the same functions as GET /v1/loans… and /v1/mailbox….
 */
import type { Request, Response, Router } from 'express';
import type { Principal } from '../api/auth';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { findVisibleLoan } from '../api/loan-access';
import { directDebitMandatesOfLoan } from '../api/routes/direct-debit';
import { loanOverview, loanPaymentPlan, toInvoiceView } from '../api/routes/loans';
import { listCustomerApplications } from '../db/application-repository';
import { listCustomerLoans, listInvoices, type LoanRow } from '../db/loan-repository';
import {
  countUnreadMailboxMessages,
  findMailboxMessage,
  listMailboxMessages,
  markMailboxMessageRead,
} from '../db/mailbox-repository';
import { fill, webTexts } from '../texts/web';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { selfServiceTexts } from '../texts/web-self-service';
import { listCollectionCases } from '../db/collection-case-repository';
import { customerOf, page } from './handler';
import { type FieldError, langOf, render } from './render';

/** The loan the logged-in customer may see, or undefined after answering with the not-found page. */
export async function myLoan(
  deps: ApiDeps,
  req: Request,
  res: Response,
  customer: Principal,
): Promise<LoanRow | undefined> {
  try {
    return await findVisibleLoan(deps.db, customer, req.params.loanId!);
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) {
      await render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      return undefined;
    }
    throw err;
  }
}

/** The loan's autogiro mandates (R-PAY-3), or undefined for a loan whose mandate someone else gives. */
async function loanMandates(deps: ApiDeps, customer: Principal, loan: LoanRow) {
  try {
    const all = await directDebitMandatesOfLoan(deps, customer, loan.id);
    return all.filter((m) => m.caseNumber === null);
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) return undefined;
    throw err;
  }
}

export interface LoanFormState {
  values?: Record<string, string>;
  errors?: FieldError[];
}

/** The loan's page: overview, next invoice, actions, autogiro, invoices and payment plan (R-LOAN-12). */
export async function loanPage(
  deps: ApiDeps,
  req: Request,
  res: Response,
  loan: LoanRow,
  state: LoanFormState = {},
  status = 200,
): Promise<void> {
  const lang = langOf(req);
  const customer: Principal = { role: 'customer', sub: req.webSession!.data.customerId! };
  const [overview, invoices, plan, mandates] = await Promise.all([
    loanOverview(deps, loan),
    listInvoices(deps.db, loan.id),
    loanPaymentPlan(deps, loan),
    loanMandates(deps, customer, loan),
  ]);
  const errors = state.errors ?? [];
  const dd = selfServiceTexts(lang).directDebit;
  const liveMandate = mandates?.find((m) => m.status === 'ACTIVE');
  await render(
    req,
    res,
    'loan.njk',
    {
      title: `${webTexts(lang).myPages.contract} ${loan.contract_number}`,
      loan: overview,
      invoices: invoices.map(toInvoiceView),
      plan: plan.installments,
      p: selfServiceTexts(lang).partial,
      dd,
      ddForm: collectionSelfServicePageTexts(lang),
      mandates,
      liveMandate,
      autogiroStatus: liveMandate ? fill(dd.active, { account: liveMandate.account }) : dd.none,
      // R-PAY-3: one live mandate per loan; a new one is given once none is active.
      mayGiveMandate: loan.status === 'ACTIVE' && mandates !== undefined && !liveMandate,
      values: state.values ?? {},
      errors,
      errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    },
    status,
  );
}

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
      const loan = await myLoan(deps, req, res, customer);
      if (loan) await loanPage(deps, req, res, loan);
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
