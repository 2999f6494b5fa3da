/**
 * The collection case on Mina sidor (R-COLL-2, seed 001 "Min side"): the overview of the
 * customer's cases (claim itemised, next due date), a case page with the OCR reference and bankgiro
 * to pay, the loan's original invoices with "order a copy by post", postponement (R-COLL-5), an
 * installment-plan proposal (R-COLL-6; a refusal names the smallest acceptable amount) and a
 * dispute (R-COLL-7). Every read and action is the shared function the API route calls
 * (api/routes/collection.ts); the rules live in the case workflow and domain/.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Principal } from '../api/auth';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import {
  actOnCollectionCase,
  collectionCaseView,
  type CollectionCaseView,
  freshCollectionCase,
  visibleCollectionCase,
} from '../api/routes/collection';
import { collectionMessages, collectionReceipts } from '../api/routes/collection';
import { directDebitMandatesOfLoan } from '../api/routes/direct-debit';
import { stockholmToday } from '../api/schemas';
import { type CaseListRow, listCaseEvents, listCollectionCases } from '../db/collection-case-repository';
import { listInvoices } from '../db/loan-repository';
import { DEFAULT_COLLECTION_PRODUCT } from '../domain/collection';
import { smallestAcceptableMonthlyAmount } from '../domain/collection-case';
import { COLLECTION_SELF_SERVICE_PARAMETERS } from '../domain/collection-self-service';
import { addDays, isIsoDate } from '../domain/dates';
import { Decimal, formatAmount } from '../domain/money';
import { hasForbiddenControlCharacter } from '../domain/text';
import { formatDate, formatKronor } from '../texts/format';
import { fill } from '../texts/web';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { selfServiceTexts } from '../texts/web-self-service';
import {
  disputeUpdate,
  orderInvoiceCopyUpdate,
  postponeUpdate,
  proposePlanUpdate,
} from '../workflows/collection-case-messages';
import { collectionSelfServicePages } from './collection-self-service';
import { customerOf, form, page } from './handler';
import { type FieldError, langOf, render } from './render';

const CASE_NUMBER = /^\d{6,9}$/;

/** The case the logged-in customer may see, or undefined after answering with the not-found page. */
export async function myCase(
  deps: ApiDeps,
  req: Request,
  res: Response,
  customer: Principal,
): Promise<CaseListRow | undefined> {
  const caseNumber = req.params.caseNumber!;
  try {
    if (!CASE_NUMBER.test(caseNumber)) throw new ProblemError(404, 'Not Found');
    return await visibleCollectionCase(deps, customer, caseNumber);
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) {
      await render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      return undefined;
    }
    throw err;
  }
}

/** R-COLL-6: what the page tells before a proposal, from the case's claim as the ledger says today. */
function planTerms(view: CollectionCaseView) {
  const p = DEFAULT_COLLECTION_PRODUCT;
  const smallest = smallestAcceptableMonthlyAmount(new Decimal(view.claim.total).plus(p.planFee));
  return { smallest: formatAmount(smallest), months: p.planMaxMonths, min: p.planMinMonthlyAmount, fee: p.planFee };
}

/** R-COLL-2: the receipt file's size cap as the page says it, in whole megabytes. */
export function receiptFileMaxMb(): number {
  return Math.floor(COLLECTION_SELF_SERVICE_PARAMETERS.receiptFileMaxBytes / (1024 * 1024));
}

export interface CaseFormState {
  values?: Record<string, string>;
  errors?: FieldError[];
}

export async function casePage(
  deps: ApiDeps,
  req: Request,
  res: Response,
  row: CaseListRow,
  state: CaseFormState = {},
  status = 200,
): Promise<void> {
  const lang = langOf(req);
  const s = selfServiceTexts(lang).collection;
  const [view, events, invoices, receipts, messages, mandates] = await Promise.all([
    collectionCaseView(deps, row),
    listCaseEvents(deps.db, row.id),
    listInvoices(deps.db, row.loan_id),
    collectionReceipts(deps, row),
    collectionMessages(deps, row),
    directDebitMandatesOfLoan(deps, { role: 'customer', sub: row.customer_id }, row.loan_id),
  ]);
  const terms = planTerms(view);
  const latest = addDays(stockholmToday(), DEFAULT_COLLECTION_PRODUCT.postponementMaxDays);
  const errors = state.errors ?? [];
  await render(
    req,
    res,
    'collection-case.njk',
    {
      title: fill(s.caseTitle, { caseNumber: view.caseNumber }),
      s,
      c: view,
      plan: view.plan as { installments?: { number: number; dueDate: string; amount: string }[]; fee?: string } | null,
      events: events.map((e) => ({ date: e.date, label: s.timeline[e.kind] ?? s.otherEvent })),
      invoices,
      receipts,
      messages,
      mandates: mandates.filter((m) => m.caseNumber === row.case_number),
      p: collectionSelfServicePageTexts(lang),
      receiptFileLabel: fill(collectionSelfServicePageTexts(lang).receiptFile, { mb: receiptFileMaxMb() }),
      open: view.status === 'OPEN',
      postponeLead: fill(s.postponeLead, {
        days: DEFAULT_COLLECTION_PRODUCT.postponementMaxDays,
        latest: formatDate(latest),
      }),
      planLead: fill(s.planProposalLead, {
        months: terms.months,
        min: formatKronor(terms.min, 0),
        fee: formatKronor(terms.fee),
        smallest: formatKronor(terms.smallest),
      }),
      latest,
      values: state.values ?? {},
      errors,
      errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    },
    status,
  );
}

/** After an action: the notice on the case page (post/redirect/get). */
export async function done(req: Request, res: Response, caseNumber: string, notice: string): Promise<void> {
  req.webSession!.data.flash = notice;
  await req.webSession!.save();
  res.redirect(303, `/mina-sidor/inkasso/${caseNumber}`);
}

/** A refusal (409) or a value the workflow found invalid (400) comes back as the field's error. */
export function refusedOrInvalid(err: unknown): ProblemError | undefined {
  return err instanceof ProblemError && (err.status === 409 || err.status === 400) ? err : undefined;
}

/**
 * A free text (a dispute's reason, a message) as the API's edge takes it: 1–4000 characters and
 * no control characters, since it reaches the workflow and the database.
 */
export function acceptableFreeText(text: string): boolean {
  return text.length > 0 && text.length <= 4000 && !hasForbiddenControlCharacter(text);
}

/** Who acts on which case: the logged-in customer (the debtor or their helper, R-COLL-8) and the case. */
export interface CaseActor {
  customer: Principal;
  row: CaseListRow;
}

/**
 * A form posted from a case page: the CSRF token checked, then the logged-in customer (else the
 * login page) and a case they may see (else the not-found page), then `fn`.
 */
export function caseForm(
  deps: ApiDeps,
  fn: (req: Request, res: Response, actor: CaseActor) => Promise<void>,
): RequestHandler {
  return form(async (req, res) => {
    const customer = customerOf(req, res);
    if (!customer) return;
    const row = await myCase(deps, req, res, customer);
    if (row) await fn(req, res, { customer, row });
  });
}

/** The case page again with the form's values and one field's error (400 invalid, 409 refused). */
export function fieldError(
  deps: ApiDeps,
  req: Request,
  res: Response,
  row: CaseListRow,
  values: Record<string, string>,
  error: FieldError,
  status: number,
): Promise<void> {
  return casePage(deps, req, res, row, { values, errors: [error] }, status);
}

export function collectionPages(router: Router, deps: ApiDeps): void {
  collectionSelfServicePages(router, deps);
  router.get(
    '/mina-sidor/inkasso',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const rows = await listCollectionCases(deps.db, { customerId: customer.sub });
      const s = selfServiceTexts(langOf(req)).collection;
      await render(req, res, 'collection-cases.njk', {
        title: s.title,
        s,
        cases: await Promise.all(rows.map((r) => collectionCaseView(deps, r))),
        openCount: rows.filter((r) => r.status === 'OPEN').length,
        p: collectionSelfServicePageTexts(langOf(req)),
      });
    }),
  );

  router.get(
    '/mina-sidor/inkasso/:caseNumber',
    page(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const row = await myCase(deps, req, res, customer);
      if (row) await casePage(deps, req, res, row);
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/uppskov',
    caseForm(deps, async (req, res, { customer, row }) => {
      const s = selfServiceTexts(langOf(req)).collection;
      const newDueDate = String(req.body.newDueDate ?? '').trim();
      const invalid = (message: string, status: number) =>
        fieldError(deps, req, res, row, { newDueDate }, { field: 'newDueDate', message }, status);
      if (!isIsoDate(newDueDate)) return invalid(s.newDueDate, 400);
      try {
        await actOnCollectionCase(deps, row, (h) =>
          h.executeUpdate(postponeUpdate, { args: [{ actor: customer.sub, newDueDate }] }),
        );
      } catch (err) {
        const refused = refusedOrInvalid(err);
        if (!refused) throw err;
        return invalid(fill(s.postponeRefused, { days: DEFAULT_COLLECTION_PRODUCT.postponementMaxDays }), 409);
      }
      await done(req, res, row.case_number!, fill(s.postponed, { date: formatDate(newDueDate) }));
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/avbetalningsplan',
    caseForm(deps, async (req, res, { customer, row }) => {
      const s = selfServiceTexts(langOf(req)).collection;
      const values = {
        monthlyAmount: String(req.body.monthlyAmount ?? '').trim(),
        dayOfMonth: String(req.body.dayOfMonth ?? '').trim(),
      };
      const amount = values.monthlyAmount.replace(/\s/g, '').replace(',', '.');
      const day = Number(values.dayOfMonth);
      const errors: FieldError[] = [];
      if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0)
        errors.push({ field: 'monthlyAmount', message: s.monthlyAmount });
      if (!/^\d{1,2}$/.test(values.dayOfMonth) || day < 1 || day > 28)
        errors.push({ field: 'dayOfMonth', message: s.dayOfMonth });
      if (errors.length > 0) return casePage(deps, req, res, row, { values, errors }, 400);
      try {
        await actOnCollectionCase(deps, row, (h) =>
          h.executeUpdate(proposePlanUpdate, {
            args: [{ actor: customer.sub, monthlyAmount: formatAmount(new Decimal(amount)), dayOfMonth: day }],
          }),
        );
      } catch (err) {
        const refused = refusedOrInvalid(err);
        if (!refused) throw err;
        // R-COLL-6: a too small amount is refused with the smallest acceptable one, read from the ledger now.
        const tooSmall = refused.errors?.some((e) => e.field.endsWith('monthlyAmount')) && refused.rule === 'R-COLL-6';
        const terms = planTerms(await collectionCaseView(deps, row));
        const tooLow = tooSmall && new Decimal(amount).lessThan(terms.smallest);
        const message = tooLow ? fill(s.planRefusedAmount, { smallest: formatKronor(terms.smallest) }) : s.planRefused;
        return fieldError(deps, req, res, row, values, { field: 'monthlyAmount', message }, 409);
      }
      const fresh = await freshCollectionCase(deps, row);
      const first = (fresh.plan as { installments?: { amount: string; dueDate: string }[] } | null)?.installments?.[0];
      await done(
        req,
        res,
        row.case_number!,
        first
          ? fill(s.planAccepted, { amount: formatKronor(first.amount), date: formatDate(first.dueDate) })
          : s.planTitle,
      );
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/bestrid',
    caseForm(deps, async (req, res, { customer, row }) => {
      const s = selfServiceTexts(langOf(req)).collection;
      const reason = String(req.body.reason ?? '').trim();
      const invalid = (message: string, status: number) =>
        fieldError(deps, req, res, row, { reason }, { field: 'reason', message }, status);
      if (!acceptableFreeText(reason)) return invalid(s.disputeReason, 400);
      try {
        await actOnCollectionCase(deps, row, (h) =>
          h.executeUpdate(disputeUpdate, { args: [{ actor: customer.sub, reason }] }),
        );
      } catch (err) {
        if (!refusedOrInvalid(err)) throw err;
        return invalid(s.disputeRefused, 409);
      }
      await done(req, res, row.case_number!, s.disputed);
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/fakturor/:invoiceNumber/kopia',
    caseForm(deps, async (req, res, { customer, row }) => {
      const s = selfServiceTexts(langOf(req)).collection;
      const invoiceNumber = Number(req.params.invoiceNumber);
      const invoices = await listInvoices(deps.db, row.loan_id);
      if (!invoices.some((i) => i.number === invoiceNumber))
        return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      try {
        await actOnCollectionCase(deps, row, (h) =>
          h.executeUpdate(orderInvoiceCopyUpdate, { args: [{ actor: customer.sub, invoiceNumber }] }),
        );
      } catch (err) {
        if (!refusedOrInvalid(err)) throw err;
        return render(req, res, 'message.njk', { kind: 'conflict' }, 409);
      }
      await done(req, res, row.case_number!, fill(s.copyOrdered, { n: invoiceNumber }));
    }),
  );
}
