/**
 * One durable workflow per application (R-APP-1…10), id `application-<reference>`: from creation
 * (by a customer or, on the customer's behalf, by a vendor) through identification, answers and
 * submission, credit check, income verification when needed, decision, offer and BankID signing by
 * every applicant, to the payout (creditors first for a consolidation) and the start of the loan's
 * own workflow, which outlives this one.
 *
 * Every wait has a durable deadline: 7 days to submit (R-APP-5), 14 days to verify income
 * (R-APP-7), 30 days to sign the offer (R-APP-9); BankID orders end by BankID's own expiry. Every
 * external call is an activity with a retry policy and an idempotency key from the workflow id and
 * the step. The projection in PostgreSQL is rewritten (versioned) at every step, so lists and
 * detail pages never query workflows. Search attributes carry the status, vendor id and reference
 * only; personal data stays in encrypted payloads.
 *
 * Versioned changes (recorded histories in test/replay/ replay without them):
 * - `application-mailbox-notices` (R-LOAN-11): the decision (offer or rejection) and the payout also
 *   go to every applicant's mailbox with a new-mail notice, and at the payout the applicants'
 *   contact details are stored for the loan's notices.
 * - `application-payout-execution` (issue 4): after the bank accepts the payouts the workflow waits
 *   (durably, with backoff) until the bank reports them executed, and only then starts the loan.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApplicationActivities, BankIdOutcome } from '../activities/application';
import type { NoticeActivities } from '../activities/notices';
import {
  type ApplicantAnswers,
  type ApplicantStatus,
  type ApplicationStatus,
  answerViolations,
  applicationValidUntil,
  type BureauFacts,
  canBeWithdrawn,
  decide,
  eligibilityFailures,
  type FieldViolation,
  incomeVerificationDeadline,
  incomeVerificationTriggers,
  isPending,
  isTerminal,
  makeOffer,
  normaliseSwedishMobile,
  payoutExecutionDate,
  payoutPlan,
  signingText,
} from '../domain/application';
import { stockholmDate } from '../domain/dates';
import type { loanWorkflow } from './loan';
import { loanWorkflowId } from './loan';
import {
  applicationLink,
  decisionRejectedMessage,
  incomeVerificationMessage,
  invitationMessage,
  type MailboxText,
  type Message,
  offerMessage,
  offerNotice,
  payoutNotice,
  rejectedNotice,
  vendorSubmittedMessage,
} from './application-messages';
import {
  type AnswersView,
  type ApplicantSnapshot,
  type ApplicationInput,
  type ApplicationOutcome,
  type ApplicationSnapshot,
  type ApplicationView,
  type BankIdOrderSummary,
  type BankIdStart,
  type IncomeVerificationState,
  type PayoutSummary,
  UPDATE_ERRORS,
} from './application-state';
import { ApplicationReference, ApplicationStatus as ApplicationStatusKey, VendorId } from './search-attributes';

export * from './application-state';

// --- messages ------------------------------------------------------------------------------------

export interface ApplicantAction {
  applicantIndex: number;
  /** The customer acting (the API has checked they may act as this applicant). */
  customerId: string;
}

/** Starts BankID identification of an applicant (R-APP-3): the identified person must be the one named. */
export const identifyUpdate = defineUpdate<BankIdStart, [ApplicantAction & { endUserIp: string }]>('identify');
/** Saves (draft) or submits an applicant's answers (R-APP-2, R-APP-4). Submitting twice is refused. */
export const answersUpdate = defineUpdate<
  ApplicationView,
  [ApplicantAction & { answers: Partial<ApplicantAnswers>; submit: boolean }]
>('answers');
/** Accepts the offer: starts the applicant's BankID signature (R-APP-9). */
export const acceptOfferUpdate = defineUpdate<BankIdStart, [ApplicantAction & { endUserIp: string }]>('acceptOffer');
/** Vendor deletion or customer cancellation (R-APP-3), until the payout starts. */
export const withdrawUpdate = defineUpdate<
  { status: ApplicationStatus },
  [{ by: 'vendor' | 'customer' | 'operator'; actorId: string }]
>('withdraw');
/** R-APP-3: a reminder to an applicant who has not submitted, optionally to a changed email or phone. */
export const reminderUpdate = defineUpdate<
  { applicantIndex: number; reminder: number; email: boolean; sms: boolean },
  [{ applicantIndex: number; email?: string; phone?: string; actorId: string }]
>('sendReminder');
/** The open-banking provider (or the sandbox) says a verification changed (R-APP-7). */
export const incomeVerificationSignal = defineSignal<[{ verificationId: string }]>('incomeVerificationChanged');
export const applicationViewQuery = defineQuery<ApplicationView>('view');
export const answersQuery = defineQuery<AnswersView, [number]>('answers');
export const stepQuery = defineQuery<string>('step');

// --- activities ----------------------------------------------------------------------------------

const acts = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/** Collecting a BankID order lasts until the user acts (BankID ends an order after 3 minutes). */
const bankIdActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});
/** Money: retried until the bank answers; the idempotency key makes every retry the same payout. */
const payoutActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** R-LOAN-11: mailbox notices; a notice that keeps failing is recorded, never fatal. */
const noticeActs = proxyActivities<NoticeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
/**
 * Issue 4: the wait for the bank to execute a payout (1–3 banking days, R-APP-9). Each attempt polls
 * for minutes while heartbeating; Temporal retries with backoff up to the deadline. A short
 * heartbeat timeout and first retry: an attempt lost in a Temporal outage is retried within
 * seconds of its end, not minutes.
 */
const payoutWaitActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '10 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/**
 * R-APP-9: an unconfirmed payout is reconciled, never ended: after the operator task the wait goes
 * on against the bank with no deadline (the bank's answer ends it; money must not be left out).
 */
const payoutReconcileActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

const MAILBOX_NOTICES_PATCH = 'application-mailbox-notices';
const PAYOUT_RECONCILIATION_PATCH = 'application-payout-reconciliation';
const PAYOUT_EXECUTION_PATCH = 'application-payout-execution';

/** A safety-net poll of pending income verifications; the provider's callback (a signal) is the fast path. */
const INCOME_VERIFICATION_POLL_MS = 12 * 3_600_000;

// --- state ---------------------------------------------------------------------------------------

interface ApplicantState extends ApplicantSnapshot {
  birthDate: string;
  identification: BankIdOrderSummary | null;
  signing: BankIdOrderSummary | null;
  prefill: AnswersView['prefill'];
  bureau: BureauFacts | null;
}

interface OrderContext {
  kind: 'auth' | 'sign';
  applicantIndex: number;
  customerId: string;
}

function fail(type: keyof typeof UPDATE_ERRORS, message: string, violations?: FieldViolation[]): never {
  throw ApplicationFailure.create({
    type: UPDATE_ERRORS[type],
    message,
    nonRetryable: true,
    details: violations ? [{ violations }] : [],
  });
}

function today(): string {
  return stockholmDate(new Date()); // the workflow clock (R-TIME-1)
}

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const { workflowId } = workflowInfo();
  const createdAtMs = input.createdAt ? Date.parse(input.createdAt) : Date.now();
  const validUntil = applicationValidUntil(createdAtMs);
  const validUntilMs = Date.parse(validUntil);

  const s = {
    status: 'NOT_STARTED' as ApplicationStatus,
    step: 'waiting for the applicants to answer and submit',
    contractNumber: null as string | null,
    payoutAccount: null as ApplicantAnswers['payoutAccount'] | null,
    decision: null as ApplicationSnapshot['decision'],
    offer: null as ApplicationSnapshot['offer'],
    incomeVerification: null as IncomeVerificationState | null,
    payoutStatus: null as string | null,
    payouts: [] as PayoutSummary[],
    loanId: null as string | null,
    submittedAt: null as string | null,
    decidedAt: null as string | null,
    closedAt: null as string | null,
    withdrawal: null as { by: 'vendor' | 'customer' | 'operator'; actorId: string } | null,
    reminders: 0,
    verificationNudges: 0,
    /** The projection shows the submission / the final status (updates answer after it does). */
    submittedProjected: false,
    closedProjected: false,
    version: 0,
    seq: 0,
  };
  const applicants: ApplicantState[] = input.applicants.map((a, index) => ({
    index,
    personnummer: a.personnummer,
    birthDate: a.birthDate,
    email: a.email,
    phone: a.phone,
    customerId: a.customerId,
    status: 'NOT_STARTED' as ApplicantStatus,
    inviteCode: a.inviteCode,
    identifiedAt: null,
    submittedAt: null,
    signedAt: null,
    answers: null,
    answersSubmittedOn: null,
    identification: null,
    signing: null,
    prefill: null,
    bureau: null,
  }));
  const orders = new Map<string, OrderContext>();

  // --- helpers -----------------------------------------------------------------------------------

  const nowIso = () => new Date().toISOString();
  const setStep = (step: string) => {
    s.step = step;
    setCurrentDetails(`**${s.status}** — ${step}`);
  };
  const setStatus = (status: ApplicationStatus, step: string) => {
    s.status = status;
    upsertSearchAttributes([{ key: ApplicationStatusKey, value: status }]);
    setStep(step);
  };
  const allSubmitted = () => applicants.every((a) => a.status === 'SUBMITTED' || a.status === 'SIGNED');
  const allSigned = () => applicants.every((a) => a.status === 'SIGNED');

  const snapshot = (): ApplicationSnapshot => ({
    id: input.applicationId,
    reference: input.reference,
    workflowId,
    version: s.version,
    createdBy: input.createdBy,
    vendorId: input.vendorId,
    creatorCustomerId: input.creatorCustomerId,
    status: s.status,
    step: s.step,
    amount: input.amount,
    termMonths: input.termMonths,
    noticeChannel: input.noticeChannel,
    payoutAccount: s.payoutAccount ?? null,
    consolidation: input.consolidation,
    contractNumber: s.contractNumber,
    decision: s.decision,
    offer: s.offer,
    incomeVerification: s.incomeVerification,
    payoutStatus: s.payoutStatus,
    loanId: s.loanId,
    createdAt: new Date(createdAtMs).toISOString(),
    validUntil,
    submittedAt: s.submittedAt,
    decidedAt: s.decidedAt,
    closedAt: s.closedAt,
    updatedAt: nowIso(),
    applicants: applicants.map((a) => ({
      index: a.index,
      personnummer: a.personnummer,
      email: a.email,
      phone: a.phone,
      customerId: a.customerId,
      status: a.status,
      inviteCode: a.inviteCode,
      identifiedAt: a.identifiedAt,
      submittedAt: a.submittedAt,
      signedAt: a.signedAt,
      answers: a.answers,
      answersSubmittedOn: a.answersSubmittedOn,
    })),
  });

  /** Writes the projection and one history event (no personal data in `detail`). */
  const project = async (type: string, detail: Record<string, unknown> = {}, actor: string | null = null) => {
    s.version += 1;
    s.seq += 1;
    await acts.projectApplication({
      snapshot: snapshot(),
      event: { seq: s.seq, type, status: s.status, actor, detail, occurredAt: nowIso() },
    });
  };

  /** Email and SMS to an applicant; a failed delivery is recorded, never fatal. */
  const notify = async (index: number, key: string, message: Message, channels: { email: boolean; sms: boolean }) => {
    const a = applicants[index]!;
    const sent = { email: false, sms: false };
    try {
      if (channels.email) {
        await acts.sendEmail({
          idempotencyKey: `${workflowId}:${key}:email`,
          to: a.email,
          subject: message.subject,
          text: message.text,
        });
        sent.email = true;
      }
      if (channels.sms) {
        await acts.sendSms({ idempotencyKey: `${workflowId}:${key}:sms`, to: a.phone, text: message.sms });
        sent.sms = true;
      }
    } catch (err) {
      await project('notification-failed', { applicantIndex: index, key, error: (err as Error).message });
    }
    return sent;
  };

  /** R-LOAN-11: the notice in every (identified) applicant's mailbox, with a new-mail SMS or email. */
  const mailboxNotice = async (kind: string, text: MailboxText, loanId?: string) => {
    for (const a of applicants) {
      if (a.customerId === null) continue;
      try {
        await noticeActs.sendNotice({
          idempotencyKey: `${workflowId}:mailbox:${kind}:${a.index}`,
          customerId: a.customerId,
          applicationId: input.applicationId,
          ...(loanId ? { loanId } : {}),
          kind: `application-${kind}`,
          subject: text.subject,
          body: text.body,
          date: today(),
        });
      } catch (err) {
        await project('notice-failed', { applicantIndex: a.index, kind, error: (err as Error).message });
      }
    }
  };

  const linkFor = (index: number) =>
    applicationLink(input.linkBaseUrl, input.applicationId, applicants[index]!.inviteCode);

  const view = (): ApplicationView => ({
    status: s.status,
    step: s.step,
    reference: input.reference,
    contractNumber: s.contractNumber,
    validUntil,
    decision: s.decision,
    offer: s.offer,
    incomeVerification: s.incomeVerification,
    payoutStatus: s.payoutStatus,
    payouts: s.payouts,
    loanId: s.loanId,
    applicants: applicants.map((a) => ({
      index: a.index,
      status: a.status,
      identified: a.identifiedAt !== null,
      customerId: a.customerId,
      identification: a.identification,
      signing: a.signing,
    })),
  });

  const applicantFor = (action: ApplicantAction, mustBeIdentified: boolean): ApplicantState => {
    const a = applicants[action.applicantIndex];
    if (!a) fail('notFound', `no applicant ${action.applicantIndex}`);
    if (a.customerId !== null && a.customerId !== action.customerId)
      fail('forbidden', 'another customer acts as this applicant');
    if (mustBeIdentified && (a.identifiedAt === null || a.customerId !== action.customerId))
      fail('conflict', 'the applicant must first identify with BankID');
    return a;
  };

  const requireAnswering = () => {
    if (!isPending(s.status)) fail('conflict', `the application is ${s.status}`);
    if (Date.now() >= validUntilMs) fail('conflict', 'the application has expired (R-APP-5)');
  };

  /** Follows one BankID order to its end, in the background of the update that started it. */
  const watchOrder = async (orderRef: string) => {
    let outcome: BankIdOutcome;
    try {
      outcome = await bankIdActs.awaitBankIdOrder({ orderRef });
    } catch {
      outcome = { state: 'FAILED', hintCode: 'technicalError' };
    }
    const ctx = orders.get(orderRef)!;
    const a = applicants[ctx.applicantIndex]!;
    const summary = ctx.kind === 'auth' ? a.identification : a.signing;
    if (!summary || summary.orderRef !== orderRef || isTerminal(s.status)) return; // superseded or over
    const kind = ctx.kind === 'auth' ? 'identification' : 'signature';
    if (outcome.state === 'FAILED' || outcome.personalNumber !== a.personnummer) {
      summary.state = 'FAILED';
      summary.hintCode = outcome.state === 'FAILED' ? outcome.hintCode : 'wrong-person';
      await project(`${kind}-failed`, { applicantIndex: a.index, hintCode: summary.hintCode });
      return;
    }
    if (ctx.kind === 'auth') {
      // R-APP-6: earlier answers of the same person, shown only once they have identified.
      a.prefill = await acts.findPrefill({
        applicationId: input.applicationId,
        personnummer: a.personnummer,
        today: today(),
      });
      summary.state = 'COMPLETE';
      a.customerId = ctx.customerId;
      a.identifiedAt = nowIso();
      await project('applicant-identified', { applicantIndex: a.index, prefilled: a.prefill !== null }, ctx.customerId);
    } else {
      if (s.status !== 'OFFERED' || Date.now() >= Date.parse(s.offer!.validUntil)) return;
      summary.state = 'COMPLETE';
      a.status = 'SIGNED';
      a.signedAt = nowIso();
      await project('applicant-signed', { applicantIndex: a.index }, ctx.customerId);
    }
  };

  const startOrder = async (
    kind: 'auth' | 'sign',
    a: ApplicantState,
    action: ApplicantAction & { endUserIp: string },
    userVisibleData: string,
  ): Promise<BankIdStart> => {
    const order = await acts.startBankIdOrder({
      kind,
      personnummer: a.personnummer,
      endUserIp: action.endUserIp,
      userVisibleData,
    });
    orders.set(order.orderRef, { kind, applicantIndex: a.index, customerId: action.customerId });
    const summary: BankIdOrderSummary = { orderRef: order.orderRef, state: 'PENDING' };
    if (kind === 'auth') a.identification = summary;
    else a.signing = summary;
    void watchOrder(order.orderRef);
    return { applicantIndex: a.index, ...order };
  };

  // --- handlers ----------------------------------------------------------------------------------

  setHandler(applicationViewQuery, view);
  setHandler(stepQuery, () => s.step);
  setHandler(answersQuery, (index: number) => {
    const a = applicants[index];
    if (!a) throw new Error(`no applicant ${index}`);
    return { applicantIndex: index, status: a.status, answers: a.answers, prefill: a.prefill };
  });

  setHandler(
    identifyUpdate,
    async (action) => {
      const a = applicantFor(action, false);
      return startOrder('auth', a, action, `Identifiering för låneansökan ${input.reference}`);
    },
    {
      validator: (action) => {
        requireAnswering();
        const a = applicantFor(action, false);
        if (a.identifiedAt !== null) fail('conflict', 'the applicant has already identified');
      },
    },
  );

  setHandler(
    answersUpdate,
    async (action) => {
      const a = applicantFor(action, true);
      if (action.submit) {
        a.answers = action.answers;
        a.status = 'SUBMITTED';
        a.submittedAt = nowIso();
        a.answersSubmittedOn = today();
      } else {
        a.answers = { ...(a.answers ?? {}), ...action.answers };
        a.status = 'STARTED';
      }
      if (a.index === 0 && a.answers.payoutAccount) s.payoutAccount = a.answers.payoutAccount;
      // R-APP-4: STARTED at the first answers; SUBMITTED only with the contract number (below).
      if (s.status === 'NOT_STARTED') setStatus('STARTED', s.step);
      await project(
        action.submit ? 'answers-submitted' : 'answers-saved',
        { applicantIndex: a.index },
        action.customerId,
      );
      // Read-your-writes: the caller sees the contract number in the projection when this returns.
      if (allSubmitted()) await condition(() => s.submittedProjected || s.closedProjected);
      return view();
    },
    {
      validator: (action) => {
        const a = applicantFor(action, true);
        if (a.status === 'SUBMITTED' || a.status === 'SIGNED') fail('conflict', 'the applicant has already submitted');
        requireAnswering();
        const violations = answerViolations(action.answers ?? {}, {
          complete: action.submit,
          mainApplicant: a.index === 0,
        });
        if (violations.length > 0) fail('validation', 'invalid answers', violations);
      },
    },
  );

  setHandler(
    acceptOfferUpdate,
    async (action) => {
      const a = applicantFor(action, true);
      return startOrder('sign', a, action, signingText(input.reference, s.offer!, input.consolidation));
    },
    {
      validator: (action) => {
        if (s.status === 'OFFER_EXPIRED') fail('conflict', 'the offer has expired (R-APP-9)');
        if (s.status !== 'OFFERED' || !s.offer)
          fail('conflict', `there is no open offer (the application is ${s.status})`);
        if (Date.now() >= Date.parse(s.offer.validUntil)) fail('conflict', 'the offer has expired (R-APP-9)');
        const a = applicantFor(action, true);
        if (a.status === 'SIGNED') fail('conflict', 'the applicant has already signed');
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (request) => {
      s.withdrawal = request;
      await condition(() => s.closedProjected);
      return { status: s.status };
    },
    {
      validator: (_request) => {
        if (s.withdrawal || !canBeWithdrawn(s.status)) fail('conflict', `the application is ${s.status}`);
      },
    },
  );

  setHandler(
    reminderUpdate,
    async (request) => {
      const a = applicants[request.applicantIndex]!;
      const emailChanged = request.email !== undefined && request.email !== a.email;
      const phone = request.phone === undefined ? a.phone : normaliseSwedishMobile(request.phone)!;
      const phoneChanged = phone !== a.phone;
      if (request.email !== undefined) a.email = request.email;
      a.phone = phone;
      s.reminders += 1;
      const reminder = s.reminders;
      const message = invitationMessage({ reference: input.reference, link: linkFor(a.index), reminder: true });
      const sent = await notify(a.index, `reminder:${reminder}`, message, { email: true, sms: true });
      await project(
        'reminder-sent',
        { applicantIndex: a.index, reminder, emailChanged, phoneChanged },
        request.actorId,
      );
      return { applicantIndex: a.index, reminder, ...sent };
    },
    {
      validator: (request) => {
        requireAnswering();
        const a = applicants[request.applicantIndex];
        if (!a) fail('notFound', `no applicant ${request.applicantIndex}`);
        if (a.status === 'SUBMITTED') fail('conflict', 'the applicant has already submitted');
        const violations: FieldViolation[] = [];
        if (request.email !== undefined && !/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(request.email))
          violations.push({ field: 'email', message: 'must be an email address' });
        if (request.phone !== undefined && !normaliseSwedishMobile(request.phone))
          violations.push({ field: 'phone', message: 'must be a Swedish mobile number' });
        if (violations.length > 0) fail('validation', 'invalid contact details', violations);
      },
    },
  );

  setHandler(incomeVerificationSignal, () => {
    s.verificationNudges += 1;
  });

  // --- the flow ----------------------------------------------------------------------------------

  const finish = async (status: ApplicationStatus, reasons: string[] = []): Promise<ApplicationOutcome> => {
    for (const a of applicants)
      for (const summary of [a.identification, a.signing])
        if (summary?.state === 'PENDING') {
          summary.state = 'FAILED';
          summary.hintCode = 'cancelled';
          await acts.cancelBankIdOrder({ orderRef: summary.orderRef });
        }
    s.closedAt = nowIso();
    setStatus(status, reasons.length ? `closed: ${reasons.join(', ')}` : 'closed');
    await project(status.toLowerCase().replace(/_/g, '-'), { reasons }, s.withdrawal?.actorId ?? null);
    s.closedProjected = true;
    await condition(allHandlersFinished);
    return { status, contractNumber: s.contractNumber, loanId: s.loanId, reasons };
  };
  const finishWithdrawn = () =>
    finish(s.withdrawal!.by === 'customer' ? 'CANCELLED' : 'DELETED', [`by ${s.withdrawal!.by}`]);

  upsertSearchAttributes([
    { key: ApplicationReference, value: input.reference },
    { key: ApplicationStatusKey, value: s.status },
    ...(input.vendorId ? [{ key: VendorId, value: input.vendorId }] : []),
  ]);
  setStep(s.step);
  await project(
    'created',
    { createdBy: input.createdBy, applicants: applicants.length },
    input.vendorId ?? input.creatorCustomerId,
  );

  // R-APP-3: everyone but the customer who created it gets the link by email and SMS.
  for (const a of applicants)
    if (a.inviteCode !== null) {
      const message = invitationMessage({ reference: input.reference, link: linkFor(a.index), reminder: false });
      await notify(a.index, `invitation:${a.index}`, message, { email: true, sms: true });
    }

  // R-APP-5: valid 7 days unless every applicant submits.
  const submitted = await condition(
    () => allSubmitted() || s.withdrawal !== null,
    Math.max(1, validUntilMs - Date.now()),
  );
  if (s.withdrawal) return finishWithdrawn();
  if (!submitted) return finish('EXPIRED', ['not submitted within the validity (R-APP-5)']);

  // R-APP-2, R-APP-4: contract number at submission; the vendor is told.
  s.contractNumber = await acts.assignContractNumber({ applicationId: input.applicationId });
  s.submittedAt = nowIso();
  setStatus('SUBMITTED', 'credit check at the bureau');
  await project('submitted', { contractNumber: s.contractNumber });
  s.submittedProjected = true;
  if (input.vendorId) {
    const message = vendorSubmittedMessage({ reference: input.reference, contractNumber: s.contractNumber });
    const { sent } = await acts.notifyVendor({
      idempotencyKey: `${workflowId}:vendor-submitted`,
      vendorId: input.vendorId,
      subject: message.subject,
      text: message.text,
    });
    if (!sent) await project('vendor-not-notified', { reason: 'no email registered for the vendor' });
  }

  // R-APP-1, R-APP-8: a credit report per applicant.
  const reports = await Promise.all(
    applicants.map((a) =>
      acts.creditReport({ personnummer: a.personnummer, idempotencyKey: `${workflowId}:bureau:${a.index}` }),
    ),
  );
  applicants.forEach((a, i) => (a.bureau = reports[i]!));
  await project('credit-checked', { reports: reports.map((r) => r.reportId) });
  if (s.withdrawal) return finishWithdrawn();

  const reject = async (reasons: string[]) => {
    s.decidedAt = nowIso();
    for (const a of applicants)
      await notify(a.index, 'rejected', decisionRejectedMessage(input), { email: true, sms: false });
    if (patched(MAILBOX_NOTICES_PATCH)) await mailboxNotice('rejected', rejectedNotice(input));
    return finish('REJECTED', reasons);
  };

  const failures = [
    ...new Set(
      applicants.flatMap((a) =>
        eligibilityFailures({ birthDate: a.birthDate, employment: a.answers!.employment!, bureau: a.bureau! }, today()),
      ),
    ),
  ];
  if (failures.length > 0) {
    s.decision = { outcome: 'REJECTED', reasons: failures };
    return reject(failures);
  }

  // R-APP-7: income verification when stated and taxed income disagree, or the amount is high.
  const triggers = applicants.map((a) =>
    incomeVerificationTriggers({
      statedMonthlyIncome: a.answers!.monthlyIncome!,
      taxedAnnualIncome: a.bureau!.taxedAnnualIncome,
      amount: input.amount,
    }),
  );
  const verified = new Map<number, string>();
  if (triggers.some((t) => t.length > 0)) {
    const deadline = incomeVerificationDeadline(Date.now());
    const deadlineMs = Date.parse(deadline);
    const started: IncomeVerificationState['applicants'] = [];
    for (const a of applicants) {
      if (triggers[a.index]!.length === 0) continue;
      const v = await acts.startIncomeVerification({
        applicationId: input.applicationId,
        personnummer: a.personnummer,
        idempotencyKey: `${workflowId}:income:${a.index}`,
      });
      started.push({ index: a.index, triggers: triggers[a.index]!, ...v, status: 'pending' });
    }
    s.incomeVerification = { status: 'PENDING', deadline, applicants: started };
    setStatus('INCOME_VERIFICATION', `waiting for income verification until ${deadline}`);
    await project('income-verification-started', {
      applicants: started.map((v) => ({ index: v.index, triggers: v.triggers })),
      deadline,
    });
    for (const v of started)
      await notify(
        v.index,
        'income-verification',
        incomeVerificationMessage({ reference: input.reference, redirectUrl: v.redirectUrl, deadline }),
        {
          email: true,
          sms: true,
        },
      );

    const pending = () => started.filter((v) => v.status === 'pending');
    let seenNudges = s.verificationNudges;
    for (;;) {
      for (const v of pending()) {
        const now = await acts.getIncomeVerification({ verificationId: v.verificationId });
        v.status = now.status;
        if (now.verifiedMonthlyIncome) v.verifiedMonthlyIncome = now.verifiedMonthlyIncome;
      }
      if (pending().length === 0 || started.some((v) => v.status === 'failed')) break;
      const remaining = deadlineMs - Date.now();
      if (remaining <= 0) break;
      await condition(
        () => s.verificationNudges !== seenNudges || s.withdrawal !== null,
        Math.min(INCOME_VERIFICATION_POLL_MS, remaining),
      );
      seenNudges = s.verificationNudges;
      if (s.withdrawal) return finishWithdrawn();
    }
    const failed = started.some((v) => v.status === 'failed');
    s.incomeVerification.status = failed ? 'FAILED' : pending().length > 0 ? 'EXPIRED' : 'COMPLETED';
    await project('income-verification-ended', {
      status: s.incomeVerification.status,
      applicants: started.map((v) => ({ index: v.index, status: v.status })),
    });
    if (s.incomeVerification.status !== 'COMPLETED') {
      const reason = failed ? 'income-verification-failed' : 'income-verification-expired';
      s.decision = { outcome: 'REJECTED', reasons: [reason] };
      return reject([reason]);
    }
    for (const v of started) verified.set(v.index, v.verifiedMonthlyIncome!);
  }

  // R-APP-8: decision and risk pricing.
  setStep('deciding');
  const decision = decide({
    applicants: applicants.map((a) => ({
      birthDate: a.birthDate,
      answers: a.answers as ApplicantAnswers,
      bureau: a.bureau!,
      ...(verified.has(a.index) ? { verifiedNetMonthlyIncome: verified.get(a.index)! } : {}),
    })),
    amount: input.amount,
    termMonths: input.termMonths,
    today: today(),
  });
  s.decision = decision;
  s.decidedAt = nowIso();
  if (decision.outcome === 'REJECTED') return reject(decision.reasons);
  if (s.withdrawal) return finishWithdrawn();

  // R-APP-9: the offer with APR, valid 30 days; every applicant signs with BankID.
  s.offer = makeOffer({
    amount: input.amount,
    termMonths: input.termMonths,
    nominalRatePercent: decision.nominalRatePercent!,
    noticeChannel: input.noticeChannel,
    offeredAtMs: Date.now(),
    today: today(),
  });
  const offerDeadlineMs = Date.parse(s.offer.validUntil);
  setStatus('OFFERED', `waiting for every applicant to sign until ${s.offer.validUntil}`);
  await project('offered', {
    riskGrade: decision.riskGrade,
    nominalRatePercent: s.offer.nominalRatePercent,
    aprPercent: s.offer.aprPercent,
    validUntil: s.offer.validUntil,
  });
  for (const a of applicants)
    await notify(a.index, 'offer', offerMessage({ ...s.offer, reference: input.reference, link: linkFor(a.index) }), {
      email: true,
      sms: true,
    });
  if (patched(MAILBOX_NOTICES_PATCH))
    await mailboxNotice('offer', offerNotice({ ...s.offer, reference: input.reference }));
  const signed = await condition(() => allSigned() || s.withdrawal !== null, Math.max(1, offerDeadlineMs - Date.now()));
  if (s.withdrawal) return finishWithdrawn();
  if (!signed) return finish('OFFER_EXPIRED', ['not signed within the offer validity (R-APP-9)']);

  // R-APP-9, R-APP-10: pay out exactly once — creditors first, then the rest to the stated account.
  setStatus('PAYING_OUT', 'paying out');
  const executionDate = payoutExecutionDate(today());
  const legs = payoutPlan(
    { amount: input.amount, consolidation: input.consolidation, payoutAccount: s.payoutAccount! },
    s.contractNumber,
  );
  s.payoutStatus = 'REQUESTED';
  await project('signed', { legs: legs.length, executionDate, powerOfAttorney: input.consolidation.length > 0 });
  for (const leg of legs) {
    const name = leg.recipient === 'applicant' ? 'applicant' : `creditor:${leg.index}`;
    const idempotencyKey = leg.recipient === 'applicant' ? `${workflowId}:payout` : `${workflowId}:payout:${name}`;
    try {
      const result = await payoutActs.payout({
        idempotencyKey,
        applicationId: input.applicationId,
        leg: name,
        amount: leg.amount,
        toAccount:
          leg.recipient === 'applicant'
            ? { kind: 'bankAccount', ...leg.account }
            : { kind: 'bankgiro', bankgiro: leg.bankgiro, ocr: leg.ocr },
        reference: leg.reference,
        requestedExecutionDate: executionDate,
      });
      s.payouts.push({ leg: name, idempotencyKey, amount: leg.amount, ...result });
    } catch (err) {
      s.payoutStatus = 'FAILED';
      await project('payout-failed', { leg: name, error: (err as Error).message });
      return finish('PAYOUT_FAILED', [`payout ${name} failed`]);
    }
  }
  s.payoutStatus = 'ACCEPTED';
  const waitForExecution = patched(PAYOUT_EXECUTION_PATCH);
  setStep(waitForExecution ? 'waiting for the bank to execute the payout' : 'starting the loan');
  await project('payouts-accepted', {
    payouts: s.payouts.map((p) => ({ leg: p.leg, payoutId: p.payoutId, executionDate: p.executionDate })),
  });

  // Issue 4: the loan starts once the bank confirms the money has left (status EXECUTED).
  if (waitForExecution) {
    for (const p of s.payouts) {
      try {
        const executed = await payoutWaitActs.awaitPayoutExecuted({
          idempotencyKey: p.idempotencyKey,
          applicationId: input.applicationId,
          leg: p.leg,
          payoutId: p.payoutId,
        });
        p.status = executed.status;
        p.executionDate = executed.executionDate;
      } catch (err) {
        // The money may have left: an operator follows up; the loan is not started unconfirmed.
        s.payoutStatus = 'UNCONFIRMED';
        await project('payout-not-confirmed', { leg: p.leg, payoutId: p.payoutId, error: (err as Error).message });
        if (!patched(PAYOUT_RECONCILIATION_PATCH))
          return finish('PAYOUT_FAILED', [`payout ${p.leg} not confirmed executed by the bank`]);
        // R-APP-9: an operator task with the facts, and the wait for the bank's answer goes on.
        await acts.reportUnconfirmedPayout({
          idempotencyKey: `${p.idempotencyKey}:unconfirmed`,
          applicationId: input.applicationId,
          reference: input.reference,
          leg: p.leg,
          payoutId: p.payoutId,
          amount: p.amount,
          executionDate: p.executionDate,
        });
        const executed = await payoutReconcileActs.awaitPayoutExecuted({
          idempotencyKey: p.idempotencyKey,
          applicationId: input.applicationId,
          leg: p.leg,
          payoutId: p.payoutId,
        });
        p.status = executed.status;
        p.executionDate = executed.executionDate;
      }
    }
    s.payoutStatus = 'EXECUTED';
    setStep('starting the loan');
    await project('payouts-executed', {
      payouts: s.payouts.map((p) => ({ leg: p.leg, payoutId: p.payoutId, executionDate: p.executionDate })),
    });
  }

  // R-LOAN-11: the loan's notices reach the borrowers at the contact details they applied with.
  const mailboxNotices = patched(MAILBOX_NOTICES_PATCH);
  if (mailboxNotices)
    for (const a of applicants)
      if (a.customerId !== null)
        await noticeActs.recordCustomerContact({ id: a.customerId, email: a.email, phone: a.phone });

  // The loan exists once signed and paid out: its own workflow, which outlives this one.
  const loanId = uuid4();
  const payoutDate = s.payouts.map((p) => p.executionDate).sort()[0] ?? executionDate;
  await startChild<typeof loanWorkflow>('loanWorkflow', {
    workflowId: loanWorkflowId(loanId),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [
      {
        terms: {
          loanId,
          contractNumber: s.contractNumber,
          customerId: applicants[0]!.customerId!,
          amount: input.amount,
          termMonths: input.termMonths,
          nominalRatePercent: decision.nominalRatePercent!,
          noticeChannel: input.noticeChannel,
          payoutDate,
        },
      },
    ],
  });
  s.loanId = loanId;
  if (mailboxNotices)
    await mailboxNotice(
      'payout',
      payoutNotice({
        reference: input.reference,
        contractNumber: s.contractNumber,
        amount: input.amount,
        executionDate: payoutDate,
      }),
      loanId,
    );
  return finish('PAID_OUT');
}
