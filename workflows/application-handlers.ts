/**
 * The application workflow's message handlers (workflows/application-messages.ts): the queries,
 * the applicants', vendor's and operator's updates with their validators (which refuse before
 * anything enters history), and the BankID orders the identify and accept-offer updates start and
 * follow in the background. They change the state through the run (workflows/application-run.ts);
 * the process (workflows/application.ts) waits on that state.
 */
import { condition, patched, setHandler, uuid4 } from '@temporalio/workflow';
import type { BankIdOutcome } from '../activities/application';
import {
  answerViolations,
  canBeWithdrawn,
  contactViolations,
  isTerminal,
  normaliseSwedishMobile,
} from '../domain/application';
import type { BankIdOrderSummary, BankIdStart } from '../domain/application-state';
import { identificationText, invitationMessage, signingText } from '../texts/application';
import { bankIdActs } from './application-activities';
import {
  acceptOfferUpdate,
  type ApplicantAction,
  answersQuery,
  answersUpdate,
  applicationViewQuery,
  identifyUpdate,
  incomeVerificationSignal,
  reminderUpdate,
  stepQuery,
  withdrawUpdate,
} from './application-messages';
import { type ApplicantState, type ApplicationRun, today } from './application-run';
import { refuseUpdate } from './refusal';

const nowIso = () => new Date().toISOString();

/** Versioned (workflows/application.ts): the reminder waits for the invitations; fresh code on a new address. */
const REMINDER_AFTER_INVITATION_PATCH = 'application-reminder-after-invitation';

/** Follows one BankID order to its end, in the background of the update that started it. */
async function watchOrder(app: ApplicationRun, orderRef: string): Promise<void> {
  let outcome: BankIdOutcome;
  try {
    outcome = await bankIdActs.awaitBankIdOrder({ orderRef });
  } catch {
    outcome = { state: 'FAILED', hintCode: 'technicalError' };
  }
  const ctx = app.orders.get(orderRef)!;
  const a = app.applicants[ctx.applicantIndex]!;
  const summary = ctx.kind === 'auth' ? a.identification : a.signing;
  if (!summary || summary.orderRef !== orderRef || isTerminal(app.status)) return; // superseded or over
  const kind = ctx.kind === 'auth' ? 'identification' : 'signature';
  if (outcome.state === 'FAILED' || outcome.personalNumber !== a.personnummer) {
    summary.state = 'FAILED';
    summary.hintCode = outcome.state === 'FAILED' ? outcome.hintCode : 'wrong-person';
    await app.project(`${kind}-failed`, { applicantIndex: a.index, hintCode: summary.hintCode });
    return;
  }
  if (ctx.kind === 'auth') {
    // R-APP-6: earlier answers of the same person, shown only once they have identified.
    a.prefill = await app.quickActs.findPrefill({
      applicationId: app.input.applicationId,
      personnummer: a.personnummer,
      today: today(),
    });
    summary.state = 'COMPLETE';
    a.customerId = ctx.customerId;
    a.identifiedAt = nowIso();
    if (outcome.name) a.name = outcome.name; // shown to the creating vendor
    await app.project(
      'applicant-identified',
      { applicantIndex: a.index, prefilled: a.prefill !== null },
      ctx.customerId,
    );
  } else {
    if (app.status !== 'OFFERED' || Date.now() >= Date.parse(app.offer!.validUntil)) return;
    summary.state = 'COMPLETE';
    a.status = 'SIGNED';
    a.signedAt = nowIso();
    await app.project('applicant-signed', { applicantIndex: a.index }, ctx.customerId);
  }
}

/** Starts a BankID identification or signature for an applicant and follows it in the background. */
async function startOrder(
  app: ApplicationRun,
  kind: 'auth' | 'sign',
  a: ApplicantState,
  action: ApplicantAction & { endUserIp: string },
  userVisibleData: string,
): Promise<BankIdStart> {
  const order = await app.bankIdStartActs.startBankIdOrder({
    kind,
    personnummer: a.personnummer,
    endUserIp: action.endUserIp,
    userVisibleData,
  });
  app.orders.set(order.orderRef, { kind, applicantIndex: a.index, customerId: action.customerId });
  const summary: BankIdOrderSummary = { orderRef: order.orderRef, state: 'PENDING' };
  if (kind === 'auth') a.identification = summary;
  else a.signing = summary;
  void watchOrder(app, order.orderRef);
  return { applicantIndex: a.index, ...order };
}

export function registerApplicationHandlers(app: ApplicationRun): void {
  const { input, applicants } = app;

  setHandler(applicationViewQuery, () => app.view());
  setHandler(stepQuery, () => app.step);
  setHandler(answersQuery, (index: number) => {
    const a = applicants[index];
    if (!a) throw new Error(`no applicant ${index}`);
    return { applicantIndex: index, status: a.status, answers: a.answers, prefill: a.prefill };
  });

  setHandler(
    identifyUpdate,
    async (action) => {
      const a = app.applicantFor(action, false);
      return startOrder(app, 'auth', a, action, identificationText(input.reference));
    },
    {
      validator: (action) => {
        app.requireAnswering();
        const a = app.applicantFor(action, false);
        if (a.identifiedAt !== null) refuseUpdate('conflict', 'the applicant has already identified');
      },
    },
  );

  setHandler(
    answersUpdate,
    async (action) => {
      const a = app.applicantFor(action, true);
      if (action.submit) {
        a.answers = action.answers;
        a.status = 'SUBMITTED';
        a.submittedAt = nowIso();
        a.answersSubmittedOn = today();
      } else {
        a.answers = { ...(a.answers ?? {}), ...action.answers };
        a.status = 'STARTED';
      }
      if (a.index === 0 && a.answers.payoutAccount) app.payoutAccount = a.answers.payoutAccount;
      // R-APP-4: STARTED at the first answers; SUBMITTED only with the contract number (the process).
      if (app.status === 'NOT_STARTED') app.setStatus('STARTED', app.step);
      await app.project(
        action.submit ? 'answers-submitted' : 'answers-saved',
        { applicantIndex: a.index },
        action.customerId,
      );
      // Read-your-writes: the caller sees the contract number in the projection when this returns.
      if (app.allSubmitted()) await condition(() => app.submittedProjected || app.closedProjected);
      return app.view();
    },
    {
      validator: (action) => {
        const a = app.applicantFor(action, true);
        if (a.status === 'SUBMITTED' || a.status === 'SIGNED')
          refuseUpdate('conflict', 'the applicant has already submitted');
        app.requireAnswering();
        const violations = answerViolations(action.answers ?? {}, {
          complete: action.submit,
          mainApplicant: a.index === 0,
        });
        if (violations.length > 0) refuseUpdate('invalid', 'invalid answers', { violations });
      },
    },
  );

  setHandler(
    acceptOfferUpdate,
    async (action) => {
      const a = app.applicantFor(action, true);
      return startOrder(app, 'sign', a, action, signingText(input.reference, app.offer!, input.consolidation));
    },
    {
      validator: (action) => {
        if (app.status === 'OFFER_EXPIRED')
          refuseUpdate('conflict', 'the offer has expired (R-APP-9)', { rule: 'R-APP-9' });
        if (app.status !== 'OFFERED' || !app.offer)
          refuseUpdate('conflict', `there is no open offer (the application is ${app.status})`);
        if (Date.now() >= Date.parse(app.offer.validUntil))
          refuseUpdate('conflict', 'the offer has expired (R-APP-9)', { rule: 'R-APP-9' });
        const a = app.applicantFor(action, true);
        if (a.status === 'SIGNED') refuseUpdate('conflict', 'the applicant has already signed');
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (request) => {
      app.withdrawal = request;
      await condition(() => app.closedProjected);
      return { status: app.status };
    },
    {
      validator: (_request) => {
        if (app.withdrawal || !canBeWithdrawn(app.status))
          refuseUpdate('conflict', `the application is ${app.status}`, { rule: 'R-APP-3' });
      },
    },
  );

  setHandler(
    reminderUpdate,
    async (request) => {
      const a = applicants[request.applicantIndex]!;
      // R-APP-3: the invitation goes to the address given at creation, once; a reminder right
      // after creation changes the address only after it, or both mails would reach the new one.
      const afterInvitation = patched(REMINDER_AFTER_INVITATION_PATCH);
      if (afterInvitation) await condition(() => app.invited);
      const emailChanged = request.email !== undefined && request.email !== a.email;
      const phone = request.phone === undefined ? a.phone : normaliseSwedishMobile(request.phone)!;
      const phoneChanged = phone !== a.phone;
      if (request.email !== undefined) a.email = request.email;
      a.phone = phone;
      // R-APP-3: the link sent to the old address no longer identifies anyone (the API sends a
      // code from a cryptographic source; uuid4 only for a caller that sends none).
      if (afterInvitation && (emailChanged || phoneChanged) && a.inviteCode !== null)
        a.inviteCode = request.inviteCode ?? uuid4();
      app.reminders += 1;
      const reminder = app.reminders;
      const message = invitationMessage({
        reference: input.reference,
        link: app.linkFor(a.index),
        reminder: true,
        shop: input.vendorName ?? null,
        amount: input.amount,
      });
      const sent = await app.notify(a.index, `reminder:${reminder}`, message, { email: true, sms: true });
      await app.project(
        'reminder-sent',
        { applicantIndex: a.index, reminder, emailChanged, phoneChanged },
        request.actorId,
      );
      return { applicantIndex: a.index, reminder, ...sent };
    },
    {
      validator: (request) => {
        app.requireAnswering();
        const a = applicants[request.applicantIndex];
        if (!a) refuseUpdate('not-found', `no applicant ${request.applicantIndex}`);
        if (a.status === 'SUBMITTED') refuseUpdate('conflict', 'the applicant has already submitted');
        const violations = contactViolations(request);
        if (violations.length > 0) refuseUpdate('invalid', 'invalid contact details', { violations });
      },
    },
  );

  setHandler(incomeVerificationSignal, () => {
    app.verificationNudges += 1;
  });
}
