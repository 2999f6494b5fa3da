/**
 * The applicant's link `/apply/<id>?invite=…` (R-APP-3): identify with BankID as the named
 * applicant, answer the KALP/KYC questions (R-APP-6 prefill shown for confirmation), save a draft
 * or submit (R-APP-4), then the decision, the offer with APR and the full payment plan (R-PROD-5/6),
 * signing with BankID (R-APP-9) and the payout's progress. Every action is the shared function the
 * API route calls (api/routes/applications.ts).
 */
import type { Request, Response, Router } from 'express';
import {
  applicantAnswers,
  endUserIp,
  load,
  type Loaded,
  saveApplicantAnswers,
  startIdentification,
  startOfferSignature,
  toView,
} from '../api/routes/applications';
import type { ApiDeps } from '../api/deps';
import { ProblemError } from '../api/problem';
import { customerIdForPersonnummer } from '../db/customer-identity-repository';
import { findApplication, hashInviteCode, listApplicants } from '../db/application-repository';
import { DEBT_KINDS, EMPLOYMENTS, HOUSING_KINDS, LOAN_PURPOSES, type Offer } from '../domain/application';
import type { BankIdStart, IncomeVerificationState } from '../domain/application-state';
import { stockholmDate } from '../domain/dates';
import { formatDate } from '../texts/format';
import { selfServiceTexts } from '../texts/web-self-service';
import { incomeVerificationSignal } from '../workflows/application-messages';
import { Decimal } from '../domain/money';
import { DEFAULT_PRODUCT } from '../domain/product';
import { quote, toQuoteResponse } from '../domain/quote';
import { fill, webTexts } from '../texts/web';
import {
  answersFromForm,
  type AnswersFormValues,
  DEBT_ROWS,
  fieldErrorsOf,
  formValuesFromAnswers,
  formValuesFromBody,
} from './answers-form';
import { awaitBankId } from './bankid';
import { form, page } from './handler';
import { type FieldError, langOf, render } from './render';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** R-PROD-5/6: the offer's full payment plan, by the same quote rules that made the offer. */
export function offerPlan(offer: Offer) {
  return toQuoteResponse(
    quote({
      amount: new Decimal(offer.amount),
      termMonths: offer.termMonths,
      nominalRatePercent: new Decimal(offer.nominalRatePercent),
      noticeChannel: offer.noticeChannel,
      payoutDate: offer.assumedPayoutDate,
    }),
  ).schedule;
}

/** The applicant the link's invite code (kept in the session) names, if it still matches. */
async function invitedApplicant(deps: ApiDeps, req: Request, applicationId: string) {
  const code = req.webSession!.data.invites?.[applicationId];
  if (!code) return undefined;
  const applicants = await listApplicants(deps.db, applicationId);
  return applicants.find((a) => a.invite_code_hash === hashInviteCode(code));
}

/** The application as the logged-in customer sees it, or undefined when it is not theirs. */
async function asApplicant(deps: ApiDeps, req: Request, applicationId: string): Promise<Loaded | undefined> {
  const customerId = req.webSession!.data.customerId;
  if (!customerId) return undefined;
  try {
    const loaded = await load(deps, applicationId, { role: 'customer', sub: customerId });
    return loaded.applicantIndex === null ? undefined : loaded;
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) return undefined;
    throw err;
  }
}

async function notFoundPage(req: Request, res: Response) {
  await render(req, res, 'message.njk', { kind: 'applicationNotFound' }, 404);
}

async function answersPage(
  deps: ApiDeps,
  req: Request,
  res: Response,
  loaded: Loaded,
  formState?: { values: AnswersFormValues; errors: FieldError[] },
) {
  const view = await applicantAnswers(deps, loaded);
  const source = view.answers ?? view.prefill?.answers ?? null;
  const t = webTexts(langOf(req));
  await render(req, res, 'apply-answers.njk', {
    title: t.apply.questionsTitle,
    app: await toView(deps, loaded, { role: 'customer', sub: req.webSession!.data.customerId! }),
    main: loaded.applicantIndex === 0,
    values: formState?.values ?? formValuesFromAnswers(source),
    errors: formState?.errors ?? [],
    errorOf: Object.fromEntries((formState?.errors ?? []).map((e) => [e.field, e.message])),
    prefill:
      !view.answers && view.prefill
        ? fill(t.apply.prefill, { ref: view.prefill.fromReference, date: view.prefill.submittedOn })
        : undefined,
    options: { employment: EMPLOYMENTS, housing: HOUSING_KINDS, debt: DEBT_KINDS, purpose: LOAN_PURPOSES },
    debtRows: [...Array(DEBT_ROWS).keys()],
  });
}

export function applyRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    '/apply/:id',
    page(async (req, res) => {
      const id = req.params.id!;
      if (!UUID.test(id)) return notFoundPage(req, res);
      const session = req.webSession!;
      // The invite code moves from the address into the session, out of history and referrers.
      if (typeof req.query.invite === 'string') {
        const applicants = await listApplicants(deps.db, id);
        if (!applicants.some((a) => a.invite_code_hash === hashInviteCode(req.query.invite as string)))
          return notFoundPage(req, res);
        session.data.invites = { ...session.data.invites, [id]: req.query.invite };
        await session.save();
        return res.redirect(303, `/apply/${id}`);
      }
      const loaded = await asApplicant(deps, req, id);
      const bound = loaded ? loaded.applicants[loaded.applicantIndex!]! : undefined;
      if (loaded && bound!.identified_at !== null) return statusPage(deps, req, res, loaded);
      // A customer's own application (no invite code) is identified as the logged-in customer.
      const applicant = bound ?? (await invitedApplicant(deps, req, id));
      if (!applicant) {
        if (!session.data.customerId)
          return res.redirect(303, `/logga-in?tillbaka=${encodeURIComponent(`/apply/${id}`)}`);
        return notFoundPage(req, res);
      }
      const row = (await findApplication(deps.db, id))!;
      const t = webTexts(langOf(req));
      await render(req, res, 'apply-identify.njk', {
        title: t.apply.title,
        row,
        role: applicant.idx === 0 ? 'main' : 'co',
        alreadyIdentified: applicant.identified_at !== null,
        open: row.status === 'NOT_STARTED' || row.status === 'STARTED',
      });
    }),
  );

  router.post(
    '/apply/:id/identifiera',
    form(async (req, res) => {
      const id = req.params.id!;
      const bound = UUID.test(id) ? await asApplicant(deps, req, id) : undefined;
      const applicant = bound
        ? bound.applicants[bound.applicantIndex!]
        : UUID.test(id)
          ? await invitedApplicant(deps, req, id)
          : undefined;
      if (!applicant) return notFoundPage(req, res);
      // The person BankID must prove: their customer id is theirs at every later login too.
      const customerId =
        applicant.customer_id ?? (await customerIdForPersonnummer(deps.db, deps.jwtSecret, applicant.personnummer));
      const inviteCode = req.webSession!.data.invites?.[id];
      const order = await startIdentification(deps, {
        applicationId: id,
        principal: { role: 'customer', sub: customerId },
        ...(inviteCode ? { inviteCode } : {}),
        endUserIp: endUserIp(req),
      });
      await awaitApplicationBankId(req, res, id, { kind: 'identify', order, customerId });
    }),
  );

  router.post(
    '/apply/:id/svar',
    form(async (req, res) => {
      const id = req.params.id!;
      const loaded = UUID.test(id) ? await asApplicant(deps, req, id) : undefined;
      if (!loaded) return notFoundPage(req, res);
      const values = formValuesFromBody(req.body as Record<string, unknown>);
      const submit = req.body.action === 'submit';
      const answers = answersFromForm(values, loaded.applicantIndex === 0);
      const t = webTexts(langOf(req));
      try {
        await saveApplicantAnswers(deps, {
          applicationId: id,
          principal: { role: 'customer', sub: req.webSession!.data.customerId! },
          answers,
          submit,
        });
      } catch (err) {
        if (err instanceof ProblemError && err.status === 400 && err.errors?.length) {
          res.status(400);
          return answersPage(deps, req, res, loaded, { values, errors: fieldErrorsOf(t, err.errors) });
        }
        throw err;
      }
      req.webSession!.data.flash = submit ? t.apply.submitted : t.apply.draftSaved;
      await req.webSession!.save();
      res.redirect(303, `/apply/${id}`);
    }),
  );

  // R-APP-7: the open-banking provider (or the sandbox test bank) sends the applicant back here;
  // the application checks the verification at once instead of at its next poll.
  router.get(
    '/apply/:id/inkomst/tillbaka',
    page(async (req, res) => {
      const id = req.params.id!;
      const loaded = UUID.test(id) ? await asApplicant(deps, req, id) : undefined;
      if (!loaded) {
        if (!req.webSession!.data.customerId)
          return res.redirect(303, `/logga-in?tillbaka=${encodeURIComponent(`/apply/${id}`)}`);
        return notFoundPage(req, res);
      }
      const state = loaded.row.income_verification as IncomeVerificationState | null;
      const mine = state?.applicants.find((v) => v.index === loaded.applicantIndex);
      if (mine) {
        await deps.temporal.workflow
          .getHandle(loaded.row.workflow_id)
          .signal(incomeVerificationSignal, { verificationId: mine.verificationId })
          .catch(() => undefined); // a closed application no longer waits
        req.webSession!.data.flash = selfServiceTexts(langOf(req)).income.returned;
        await req.webSession!.save();
      }
      res.redirect(303, `/apply/${id}`);
    }),
  );

  router.post(
    '/apply/:id/signera',
    form(async (req, res) => {
      const id = req.params.id!;
      const loaded = UUID.test(id) ? await asApplicant(deps, req, id) : undefined;
      if (!loaded) return notFoundPage(req, res);
      const order = await startOfferSignature(deps, {
        applicationId: id,
        principal: { role: 'customer', sub: req.webSession!.data.customerId! },
        endUserIp: endUserIp(req),
      });
      await awaitApplicationBankId(req, res, id, { kind: 'sign', order });
    }),
  );
}

/**
 * R-APP-7: this applicant's income verification as the page shows it: why (the triggers in
 * words), by when, how it stands, and where "continue to your bank" leads (the provider's consent
 * page; in sandbox mode the test bank, web/sandbox-bank.ts).
 */
function incomeStep(deps: ApiDeps, req: Request, loaded: Loaded) {
  const state = loaded.row.income_verification as IncomeVerificationState | null;
  const mine = state?.applicants.find((v) => v.index === loaded.applicantIndex);
  if (!state || !mine) return undefined;
  const s = selfServiceTexts(langOf(req)).income;
  const sandbox = deps.config.ENGINE_MODE === 'sandbox' && Boolean(deps.sandbox);
  return {
    s,
    reasons: [...new Set(mine.triggers.map((tr) => s.why[tr]).filter((r): r is string => Boolean(r)))],
    deadline: fill(s.deadline, { date: formatDate(stockholmDate(new Date(state.deadline))) }),
    status: mine.status,
    href: sandbox ? `/sandbox/testbank/${encodeURIComponent(mine.verificationId)}` : mine.redirectUrl,
  };
}

/** An applicant's BankID order (identify or sign) waits in the session; it leads back to the application. */
function awaitApplicationBankId(
  req: Request,
  res: Response,
  id: string,
  pending: { kind: 'identify' | 'sign'; order: BankIdStart; customerId?: string },
): Promise<void> {
  return awaitBankId(req, res, {
    kind: pending.kind,
    ...pending.order,
    startedAt: new Date().toISOString(),
    returnTo: `/apply/${id}`,
    backTo: `/apply/${id}`,
    applicationId: id,
    applicantIndex: pending.order.applicantIndex,
    ...(pending.customerId ? { customerId: pending.customerId } : {}),
  });
}

async function statusPage(deps: ApiDeps, req: Request, res: Response, loaded: Loaded): Promise<void> {
  const principal = { role: 'customer' as const, sub: req.webSession!.data.customerId! };
  const index = loaded.applicantIndex!;
  const me = loaded.applicants[index]!;
  const status = loaded.row.status;
  if ((status === 'NOT_STARTED' || status === 'STARTED') && (me.status === 'NOT_STARTED' || me.status === 'STARTED')) {
    return answersPage(deps, req, res, loaded);
  }
  const app = await toView(deps, loaded, principal);
  const t = webTexts(langOf(req));
  await render(req, res, 'apply-status.njk', {
    income: incomeStep(deps, req, loaded),
    title: t.apply.title,
    app,
    me: app.applicants[index],
    plan: app.offer && status === 'OFFERED' ? offerPlan(app.offer as Offer) : [],
    verification: app.incomeVerification?.applicants.find((v) => v.index === index),
    powerOfAttorneyMonths: DEFAULT_PRODUCT.application.powerOfAttorneyValidityMonths,
  });
}
