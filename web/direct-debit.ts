/**
 * Autogiro on Mina sidor (R-PAY-3; R-COLL-6 for a plan): a mandate for a loan's invoices (on the
 * loan's page) or for a collection case's plan (on the case page), signed by the account holder
 * with BankID on the shared waiting page; its status shown there, and ended by the customer. The
 * reads and acts are the API's functions (api/routes/direct-debit.ts); the mandate workflow
 * collects the signature and tells the loan or the case.
 */
import type { Request, Response, Router } from 'express';
import type { Principal } from '../api/auth';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { endUserIp } from '../api/routes/applications';
import {
  cancelDirectDebitMandate,
  directDebitMandate,
  type DirectDebitMandateView,
  giveCaseDirectDebitMandate,
  giveLoanDirectDebitMandate,
} from '../api/routes/direct-debit';
import { parsePersonnummer } from '../domain/personnummer';
import { stockholmToday } from '../api/schemas';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { selfServiceTexts } from '../texts/web-self-service';
import { awaitBankId } from './bankid';
import { caseForm, casePage, done, fieldError } from './collection';
import { customerOf, form } from './handler';
import { loanPage, myLoan } from './my-pages';
import { type FieldError, langOf, render } from './render';

const MANDATE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The personnummer normalised as the API's schema does, or undefined. */
function personnummerOf(value: string): string | undefined {
  try {
    return parsePersonnummer(value, stockholmToday()).normalised;
  } catch {
    return undefined;
  }
}

/** The mandate form's account and payer as typed, the request body the API takes, or the field errors. */
function mandateInput(req: Request) {
  const p = collectionSelfServicePageTexts(langOf(req));
  const values = {
    clearingNumber: String(req.body.clearingNumber ?? '').replace(/[\s-]/g, ''),
    accountNumber: String(req.body.accountNumber ?? '').replace(/[\s-]/g, ''),
    payerPersonnummer: String(req.body.payerPersonnummer ?? '').trim(),
  };
  const errors: FieldError[] = [];
  if (!/^\d{4,5}$/.test(values.clearingNumber)) errors.push({ field: 'clearingNumber', message: p.clearingNumber });
  if (!/^\d{1,12}$/.test(values.accountNumber)) errors.push({ field: 'accountNumber', message: p.accountNumber });
  const payer = personnummerOf(values.payerPersonnummer);
  if (!payer) errors.push({ field: 'payerPersonnummer', message: p.payerPersonnummer });
  const body = payer && errors.length === 0 ? { ...values, payerPersonnummer: payer } : undefined;
  return { values, errors, body };
}

/** A refusal by R-PAY-3 (a live mandate, an ended loan or case) as the clearing number's error. */
function mandateRefusal(req: Request, err: unknown): FieldError {
  if (!(err instanceof ProblemError) || err.status !== 409) throw err;
  return { field: 'clearingNumber', message: collectionSelfServicePageTexts(langOf(req)).mandateRefused };
}

/**
 * R-PAY-3: the customer ends their mandate, when it is the one `belongs` says the page shows;
 * false after answering with the not-found or conflict page.
 */
async function cancelled(
  deps: ApiDeps,
  req: Request,
  res: Response,
  customer: Principal,
  belongs: (mandate: DirectDebitMandateView) => boolean,
): Promise<boolean> {
  const mandateId = req.params.mandateId!;
  try {
    if (!MANDATE_ID.test(mandateId)) throw new ProblemError(404, 'Not Found');
    if (!belongs(await directDebitMandate(deps, customer, mandateId))) throw new ProblemError(404, 'Not Found');
    await cancelDirectDebitMandate(deps, customer, mandateId);
    return true;
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    if (err.status === 404) await render(req, res, 'message.njk', { kind: 'notFound' }, 404);
    else if (err.status === 409) await render(req, res, 'message.njk', { kind: 'conflict' }, 409);
    else throw err;
    return false;
  }
}

/** The account holder signs the mandate on the BankID waiting page, then comes back to `page`. */
function signOnBankIdPage(
  req: Request,
  res: Response,
  given: Awaited<ReturnType<typeof giveLoanDirectDebitMandate>>,
  page: string,
): Promise<void> {
  return awaitBankId(req, res, {
    kind: 'direct-debit',
    ...given.bankId,
    startedAt: new Date().toISOString(),
    mandateId: given.mandate.mandateId,
    returnTo: page,
    backTo: page,
  });
}

export function directDebitPages(router: Router, deps: ApiDeps): void {
  router.post(
    '/mina-sidor/inkasso/:caseNumber/autogiro',
    caseForm(deps, async (req, res, { customer, row }) => {
      const { values, errors, body } = mandateInput(req);
      if (!body) return casePage(deps, req, res, row, { values, errors }, 400);
      let given: Awaited<ReturnType<typeof giveCaseDirectDebitMandate>>;
      try {
        given = await giveCaseDirectDebitMandate(deps, customer, row.case_number!, body, endUserIp(req));
      } catch (err) {
        return fieldError(deps, req, res, row, values, mandateRefusal(req, err), 409);
      }
      await signOnBankIdPage(req, res, given, `/mina-sidor/inkasso/${row.case_number}`);
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/autogiro/:mandateId/avsluta',
    caseForm(deps, async (req, res, { customer, row }) => {
      if (!(await cancelled(deps, req, res, customer, (m) => m.caseNumber === row.case_number))) return;
      await done(req, res, row.case_number!, collectionSelfServicePageTexts(langOf(req)).mandateCancelled);
    }),
  );

  router.post(
    '/mina-sidor/lan/:loanId/autogiro',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const loan = await myLoan(deps, req, res, customer);
      if (!loan) return;
      const { values, errors, body } = mandateInput(req);
      if (!body) return loanPage(deps, req, res, loan, { values, errors }, 400);
      let given: Awaited<ReturnType<typeof giveLoanDirectDebitMandate>>;
      try {
        given = await giveLoanDirectDebitMandate(deps, customer, loan.id, body, endUserIp(req));
      } catch (err) {
        if (err instanceof ProblemError && err.status === 404)
          return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        return loanPage(deps, req, res, loan, { values, errors: [mandateRefusal(req, err)] }, 409);
      }
      await signOnBankIdPage(req, res, given, `/mina-sidor/lan/${loan.id}`);
    }),
  );

  router.post(
    '/mina-sidor/lan/:loanId/autogiro/:mandateId/avsluta',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const loan = await myLoan(deps, req, res, customer);
      if (!loan) return;
      if (!(await cancelled(deps, req, res, customer, (m) => m.loanId === loan.id && m.caseNumber === null))) return;
      req.webSession!.data.flash = selfServiceTexts(langOf(req)).directDebit.cancelled;
      await req.webSession!.save();
      res.redirect(303, `/mina-sidor/lan/${loan.id}`);
    }),
  );
}
