/**
 * The collection self-service on Mina sidor, part 2 (R-COLL-2, R-COLL-6, R-COLL-8): on a case page
 * a receipt of a payment made elsewhere and the message thread; over all the customer's open cases
 * the suggested solution (a monthly amount, per case the amount and plan length, accept). Every
 * read and act is the function the API route calls (api/routes/collection-self-service.ts); a
 * helper with a power of attorney acts as themself, the way the API records it.
 */
import type { Request, Response, Router } from 'express';
import type { Principal } from '../api/auth';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import {
  acceptCollectionSolution,
  type CollectionSuggestionView,
  sendCollectionMessage,
  submitCollectionReceipt,
  suggestCollectionSolution,
} from '../api/routes/collection';
import type { CaseListRow } from '../db/collection-case-repository';
import { recordHelperAct } from '../db/collection-self-service-repository';
import { storeCollectionReceiptFile } from '../api/collection-receipt-files';
import { COLLECTION_SELF_SERVICE_PARAMETERS } from '../domain/collection-self-service';
import { isIsoDate } from '../domain/dates';
import { Decimal, formatAmount } from '../domain/money';
import { hasForbiddenControlCharacter } from '../domain/text';
import { fill } from '../texts/web';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { findCaseAccess } from '../api/collection-access';
import {
  acceptableFreeText,
  caseForm,
  casePage,
  done,
  fieldError,
  receiptFileMaxMb,
  refusedOrInvalid,
} from './collection';
import { directDebitPages } from './direct-debit';
import { customerOf, form, page } from './handler';
import { multipartForm, uploadOf } from './multipart';
import { powerOfAttorneyPages } from './powers-of-attorney';
import { type FieldError, langOf, render } from './render';

/** `1 234,50` or `1234.50` → `1234.50`, or undefined when it is not a positive amount in öre. */
function amountOf(value: string): string | undefined {
  const amount = value.replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) return undefined;
  return formatAmount(new Decimal(amount));
}

/**
 * R-COLL-8: an act a helper makes on someone else's case is recorded as theirs, as the API's
 * `helperActAudit` does for `POST /v1/collection-cases/{caseNumber}/…`.
 */
async function recordIfHelper(deps: ApiDeps, customer: Principal, row: CaseListRow, action: string, status: number) {
  const access = await findCaseAccess(deps.db, customer, row.case_number!);
  if (access.as !== 'helper' || !access.powerOfAttorneyId) return;
  await recordHelperAct(deps.db, {
    powerOfAttorneyId: access.powerOfAttorneyId,
    helperCustomerId: customer.sub,
    caseId: row.id,
    action,
    status,
  });
}

interface SuggestionState {
  values: { monthlyAmount: string; dayOfMonth: string };
  errors?: FieldError[];
  suggestion?: CollectionSuggestionView;
}

async function suggestionPage(req: Request, res: Response, state: SuggestionState, status = 200): Promise<void> {
  const p = collectionSelfServicePageTexts(langOf(req));
  const errors = state.errors ?? [];
  await render(
    req,
    res,
    'collection-suggestion.njk',
    {
      title: p.suggestionTitle,
      p,
      values: state.values,
      errors,
      errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      suggestion: state.suggestion,
      excluded: state.suggestion?.excluded.length
        ? fill(p.suggestionExcluded, { cases: state.suggestion.excluded.map((e) => e.caseNumber).join(', ') })
        : undefined,
    },
    status,
  );
}

/** The form's amount and day, or the field errors. */
function suggestionInput(req: Request) {
  const p = collectionSelfServicePageTexts(langOf(req));
  const values = {
    monthlyAmount: String(req.body.monthlyAmount ?? '').trim(),
    dayOfMonth: String(req.body.dayOfMonth ?? '').trim(),
  };
  const monthlyAmount = amountOf(values.monthlyAmount);
  const day = Number(values.dayOfMonth);
  const errors: FieldError[] = [];
  if (!monthlyAmount) errors.push({ field: 'monthlyAmount', message: p.suggestionAmount });
  if (!/^\d{1,2}$/.test(values.dayOfMonth) || day < 1 || day > 28)
    errors.push({ field: 'dayOfMonth', message: p.suggestionDay });
  return { values, errors, body: monthlyAmount ? { monthlyAmount, dayOfMonth: day } : undefined };
}

/** The refusal of a suggestion as the amount field's error (R-COLL-6), or rethrown. */
function suggestionRefusal(req: Request, err: unknown): FieldError[] {
  const p = collectionSelfServicePageTexts(langOf(req));
  if (err instanceof ProblemError && err.status === 404) return [{ field: 'monthlyAmount', message: p.noOpenCases }];
  if (!(err instanceof ProblemError) || err.status !== 409) throw err;
  return [{ field: 'monthlyAmount', message: p.tooLowPlain }];
}

export function collectionSelfServicePages(router: Router, deps: ApiDeps): void {
  powerOfAttorneyPages(router, deps);
  directDebitPages(router, deps);
  router.get(
    '/mina-sidor/inkasso/forslag',
    page(async (req, res) => {
      if (!customerOf(req, res)) return;
      await suggestionPage(req, res, { values: { monthlyAmount: '', dayOfMonth: '25' } });
    }),
  );

  router.post(
    '/mina-sidor/inkasso/forslag',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const { values, errors, body } = suggestionInput(req);
      if (!body || errors.length > 0) return suggestionPage(req, res, { values, errors }, 400);
      try {
        const suggestion = await suggestCollectionSolution(deps, customer, body);
        await suggestionPage(req, res, { values, suggestion });
      } catch (err) {
        await suggestionPage(req, res, { values, errors: suggestionRefusal(req, err) }, 409);
      }
    }),
  );

  router.post(
    '/mina-sidor/inkasso/forslag/godkann',
    form(async (req, res) => {
      const customer = customerOf(req, res);
      if (!customer) return;
      const p = collectionSelfServicePageTexts(langOf(req));
      const { values, errors, body } = suggestionInput(req);
      if (!body || errors.length > 0) return suggestionPage(req, res, { values, errors }, 400);
      let answer: Awaited<ReturnType<typeof acceptCollectionSolution>>;
      try {
        answer = await acceptCollectionSolution(deps, customer, body);
      } catch (err) {
        return suggestionPage(req, res, { values, errors: suggestionRefusal(req, err) }, 409);
      }
      const accepted = answer.results.filter((r) => r.accepted).map((r) => r.caseNumber);
      const refused = answer.results.filter((r) => !r.accepted).map((r) => r.caseNumber);
      req.webSession!.data.flash =
        refused.length === 0
          ? fill(p.accepted, { cases: accepted.join(', ') })
          : fill(p.partlyAccepted, { accepted: accepted.join(', ') || '–', refused: refused.join(', ') });
      await req.webSession!.save();
      res.redirect(303, '/mina-sidor/inkasso');
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/kvitto',
    multipartForm({ fileField: 'receiptFile', maxFileBytes: COLLECTION_SELF_SERVICE_PARAMETERS.receiptFileMaxBytes }),
    caseForm(deps, async (req, res, { customer, row }) => {
      const p = collectionSelfServicePageTexts(langOf(req));
      const values = {
        bankReference: String(req.body.bankReference ?? '').trim(),
        paidOn: String(req.body.paidOn ?? '').trim(),
        receiptAmount: String(req.body.receiptAmount ?? '').trim(),
      };
      const amount = amountOf(values.receiptAmount);
      const errors: FieldError[] = [];
      if (
        values.bankReference.length === 0 ||
        values.bankReference.length > 100 ||
        hasForbiddenControlCharacter(values.bankReference)
      )
        errors.push({ field: 'bankReference', message: p.bankReference });
      if (!isIsoDate(values.paidOn)) errors.push({ field: 'paidOn', message: p.paidOn });
      if (!amount) errors.push({ field: 'receiptAmount', message: p.receiptAmount });
      if (errors.length > 0) return casePage(deps, req, res, row, { values, errors }, 400);
      // R-COLL-2: the scan of the receipt, if one is attached, is decided and stored first, then named by the receipt.
      const upload = uploadOf(req);
      const file = upload ? await storeCollectionReceiptFile(deps, customer, row, upload) : undefined;
      if (file && !file.ok) {
        const message = fill(upload!.tooLarge ? p.receiptFileTooLarge : p.receiptFileType, { mb: receiptFileMaxMb() });
        return fieldError(deps, req, res, row, values, { field: 'receiptFile', message }, 400);
      }
      try {
        await submitCollectionReceipt(deps, customer, row, {
          bankReference: values.bankReference,
          paidOn: values.paidOn,
          amount: amount!,
          fileId: file?.value.fileId,
        });
      } catch (err) {
        const refused = refusedOrInvalid(err);
        if (!refused) throw err;
        await recordIfHelper(deps, customer, row, 'POST /mina-sidor/inkasso/{caseNumber}/kvitto', refused.status);
        const message = refused.status === 400 ? p.receiptInvalid : p.receiptRefused;
        return fieldError(deps, req, res, row, values, { field: 'bankReference', message }, refused.status);
      }
      await recordIfHelper(deps, customer, row, 'POST /mina-sidor/inkasso/{caseNumber}/kvitto', 201);
      await done(req, res, row.case_number!, p.receiptSent);
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/meddelanden',
    caseForm(deps, async (req, res, { customer, row }) => {
      const p = collectionSelfServicePageTexts(langOf(req));
      const body = String(req.body.messageBody ?? '').trim();
      const invalid = (message: string, status: number) =>
        fieldError(deps, req, res, row, { messageBody: body }, { field: 'messageBody', message }, status);
      if (!acceptableFreeText(body)) return invalid(p.messageInvalid, 400);
      try {
        await sendCollectionMessage(deps, customer, row, body, 'customer');
      } catch (err) {
        const refused = refusedOrInvalid(err);
        if (!refused) throw err;
        await recordIfHelper(deps, customer, row, 'POST /mina-sidor/inkasso/{caseNumber}/meddelanden', refused.status);
        return invalid(refused.status === 400 ? p.messageInvalid : p.messageRefused, refused.status);
      }
      await recordIfHelper(deps, customer, row, 'POST /mina-sidor/inkasso/{caseNumber}/meddelanden', 201);
      await done(req, res, row.case_number!, p.messageSent);
    }),
  );
}
