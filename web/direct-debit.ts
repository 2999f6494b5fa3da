/**
 * Autogiro on Mina sidor (R-PAY-3; R-COLL-6 for a plan): a mandate for a collection case's plan,
 * signed with BankID on the shared waiting page; see and cancel it. The reads and acts are the
 * API's functions (api/routes/direct-debit.ts); the mandate workflow collects the signature.
 */
import type { Router } from 'express';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { endUserIp } from '../api/routes/applications';
import { cancelDirectDebitMandate, giveCaseDirectDebitMandate } from '../api/routes/direct-debit';
import { parsePersonnummer } from '../domain/personnummer';
import { stockholmToday } from '../api/schemas';
import { collectionSelfServicePageTexts } from '../texts/web-collection-self-service';
import { awaitBankId } from './bankid';
import { caseForm, casePage, done, fieldError } from './collection';
import { langOf, render } from './render';

const MANDATE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The personnummer normalised as the API's schema does, or undefined. */
function personnummerOf(value: string): string | undefined {
  try {
    return parsePersonnummer(value, stockholmToday()).normalised;
  } catch {
    return undefined;
  }
}

export function directDebitPages(router: Router, deps: ApiDeps): void {
  router.post(
    '/mina-sidor/inkasso/:caseNumber/autogiro',
    caseForm(deps, async (req, res, { customer, row }) => {
      const p = collectionSelfServicePageTexts(langOf(req));
      const values = {
        clearingNumber: String(req.body.clearingNumber ?? '').replace(/[\s-]/g, ''),
        accountNumber: String(req.body.accountNumber ?? '').replace(/[\s-]/g, ''),
        payerPersonnummer: String(req.body.payerPersonnummer ?? '').trim(),
      };
      const errors = [];
      if (!/^\d{4,5}$/.test(values.clearingNumber)) errors.push({ field: 'clearingNumber', message: p.clearingNumber });
      if (!/^\d{1,12}$/.test(values.accountNumber)) errors.push({ field: 'accountNumber', message: p.accountNumber });
      const payer = personnummerOf(values.payerPersonnummer);
      if (!payer) errors.push({ field: 'payerPersonnummer', message: p.payerPersonnummer });
      if (errors.length > 0) return casePage(deps, req, res, row, { values, errors }, 400);
      let given: Awaited<ReturnType<typeof giveCaseDirectDebitMandate>>;
      try {
        given = await giveCaseDirectDebitMandate(
          deps,
          customer,
          row.case_number!,
          { ...values, payerPersonnummer: payer! },
          endUserIp(req),
        );
      } catch (err) {
        if (!(err instanceof ProblemError) || err.status !== 409) throw err;
        return fieldError(deps, req, res, row, values, { field: 'clearingNumber', message: p.mandateRefused }, 409);
      }
      await awaitBankId(req, res, {
        kind: 'direct-debit',
        ...given.bankId,
        startedAt: new Date().toISOString(),
        mandateId: given.mandate.mandateId,
        returnTo: `/mina-sidor/inkasso/${row.case_number}`,
        backTo: `/mina-sidor/inkasso/${row.case_number}`,
      });
    }),
  );

  router.post(
    '/mina-sidor/inkasso/:caseNumber/autogiro/:mandateId/avsluta',
    caseForm(deps, async (req, res, { customer, row }) => {
      const mandateId = req.params.mandateId!;
      try {
        if (!MANDATE_ID.test(mandateId)) throw new ProblemError(404, 'Not Found');
        await cancelDirectDebitMandate(deps, customer, mandateId);
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        if (err.status === 404) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        if (err.status === 409) return render(req, res, 'message.njk', { kind: 'conflict' }, 409);
        throw err;
      }
      await done(req, res, row.case_number!, collectionSelfServicePageTexts(langOf(req)).mandateCancelled);
    }),
  );
}
