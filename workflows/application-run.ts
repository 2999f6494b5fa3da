/**
 * One application's state inside its workflow (workflows/application.ts) and what every step does
 * with it: the projection write, the applicants' email and SMS, the mailbox notices, the Temporal
 * UI's status line and the close. The update handlers (workflows/application-handlers.ts) and the
 * process read and change the state through this object only.
 */
import {
  allHandlersFinished,
  condition,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { idempotencyKey } from '../domain/idempotency';
import {
  type ApplicationPayoutStatus,
  type ApplicantAnswers,
  type ApplicantStatus,
  type ApplicationStatus,
  applicationValidUntil,
  type BureauFacts,
  isPending,
} from '../domain/application';
import type {
  AnswersView,
  ApplicantSnapshot,
  ApplicationInput,
  ApplicationOutcome,
  ApplicationSnapshot,
  ApplicationView,
  BankIdOrderSummary,
  IncomeVerificationState,
  PayoutSummary,
} from '../domain/application-state';
import { stockholmDate } from '../domain/dates';
import { applicationLink, type MailboxText, type Message } from '../texts/application';
import { acts, localActs, localNoticeActs, noticeActs } from './application-activities';
import type { ApplicantAction } from './application-messages';
import { refuseUpdate } from './refusal';
import { ApplicationStatus as ApplicationStatusKey } from './search-attributes';

export interface ApplicantState extends ApplicantSnapshot {
  birthDate: string;
  identification: BankIdOrderSummary | null;
  signing: BankIdOrderSummary | null;
  prefill: AnswersView['prefill'];
  bureau: BureauFacts | null;
}

/** Who a BankID order was started for, kept until the order ends. */
export interface OrderContext {
  kind: 'auth' | 'sign';
  applicantIndex: number;
  customerId: string;
}

export type Withdrawal = { by: 'vendor' | 'customer' | 'operator'; actorId: string };

/** The business date on the workflow clock (R-TIME-1). */
export function today(): string {
  return stockholmDate(new Date());
}

const nowIso = () => new Date().toISOString();

/**
 * Versioned: the short steps (PostgreSQL writes and reads, one email, one SMS, one
 * mailbox notice) run as local activities. Decided once, at the start: histories recorded before
 * the change replay with every step an activity, as they ran.
 */
const LOCAL_STEPS_PATCH = 'application-local-steps';

/**
 * Versioned: a BankID order is started by a local activity (one quick call to BankID
 * and one PostgreSQL write; the wait for the user is `awaitBankIdOrder`'s), saving an activity
 * task and a workflow task per order. Decided once, at the start, as `application-local-steps`.
 */
const LOCAL_BANKID_START_PATCH = 'application-local-bankid-start';

export class ApplicationRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly createdAtMs: number;
  /** R-APP-5: the application is valid until then unless every applicant submits. */
  readonly validUntil: string;
  readonly validUntilMs: number;

  status: ApplicationStatus = 'NOT_STARTED';
  step = 'waiting for the applicants to answer and submit';
  contractNumber: string | null = null;
  payoutAccount: ApplicantAnswers['payoutAccount'] | null = null;
  decision: ApplicationSnapshot['decision'] = null;
  offer: ApplicationSnapshot['offer'] = null;
  incomeVerification: IncomeVerificationState | null = null;
  payoutStatus: ApplicationPayoutStatus | null = null;
  payouts: PayoutSummary[] = [];
  loanId: string | null = null;
  submittedAt: string | null = null;
  decidedAt: string | null = null;
  closedAt: string | null = null;
  withdrawal: Withdrawal | null = null;
  reminders = 0;
  /** R-APP-3: the creation's invitations have gone out (a reminder changes the address only after). */
  invited = false;
  /** Signals from the open-banking provider that a verification changed. */
  verificationNudges = 0;
  /** The projection shows the submission / the final status (updates answer after it does). */
  submittedProjected = false;
  closedProjected = false;
  private version = 0;
  private seq = 0;

  readonly applicants: ApplicantState[];
  readonly orders = new Map<string, OrderContext>();
  /** `application-local-steps`: the short steps as local activities (workflows/application-activities.ts). */
  readonly localSteps = patched(LOCAL_STEPS_PATCH);
  /** `application-local-bankid-start`: BankID orders started by a local activity. */
  readonly localBankIdStart = patched(LOCAL_BANKID_START_PATCH);

  constructor(readonly input: ApplicationInput) {
    this.createdAtMs = input.createdAt ? Date.parse(input.createdAt) : Date.now();
    this.validUntil = applicationValidUntil(this.createdAtMs);
    this.validUntilMs = Date.parse(this.validUntil);
    this.applicants = input.applicants.map((a, index) => ({
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
  }

  /** The application activities for the short steps: local ones in workflows started since the change. */
  get quickActs(): typeof acts {
    return this.localSteps ? localActs : acts;
  }

  /** The activity that starts a BankID order: local in workflows started since the change. */
  get bankIdStartActs(): typeof acts {
    return this.localBankIdStart ? localActs : acts;
  }

  /** The notice activities for the short steps (a mailbox notice, the customer's contact details). */
  get quickNoticeActs(): typeof noticeActs {
    return this.localSteps ? localNoticeActs : noticeActs;
  }

  // --- the Temporal UI's status line and the search attribute -----------------------------------

  setStep(step: string): void {
    this.step = step;
    setCurrentDetails(`**${this.status}** — ${step}`);
  }

  setStatus(status: ApplicationStatus, step: string): void {
    this.status = status;
    upsertSearchAttributes([{ key: ApplicationStatusKey, value: status }]);
    this.setStep(step);
  }

  allSubmitted(): boolean {
    return this.applicants.every((a) => a.status === 'SUBMITTED' || a.status === 'SIGNED');
  }

  allSigned(): boolean {
    return this.applicants.every((a) => a.status === 'SIGNED');
  }

  // --- what the API reads ---------------------------------------------------------------------

  snapshot(): ApplicationSnapshot {
    const { input } = this;
    return {
      id: input.applicationId,
      reference: input.reference,
      workflowId: this.workflowId,
      version: this.version,
      createdBy: input.createdBy,
      vendorId: input.vendorId,
      creatorCustomerId: input.creatorCustomerId,
      status: this.status,
      step: this.step,
      amount: input.amount,
      termMonths: input.termMonths,
      noticeChannel: input.noticeChannel,
      payoutAccount: this.payoutAccount ?? null,
      consolidation: input.consolidation,
      contractNumber: this.contractNumber,
      decision: this.decision,
      offer: this.offer,
      incomeVerification: this.incomeVerification,
      payoutStatus: this.payoutStatus,
      loanId: this.loanId,
      createdAt: new Date(this.createdAtMs).toISOString(),
      validUntil: this.validUntil,
      submittedAt: this.submittedAt,
      decidedAt: this.decidedAt,
      closedAt: this.closedAt,
      updatedAt: nowIso(),
      applicants: this.applicants.map((a) => ({
        index: a.index,
        personnummer: a.personnummer,
        email: a.email,
        phone: a.phone,
        customerId: a.customerId,
        status: a.status,
        inviteCode: a.inviteCode,
        identifiedAt: a.identifiedAt,
        ...(a.name ? { name: a.name } : {}),
        submittedAt: a.submittedAt,
        signedAt: a.signedAt,
        answers: a.answers,
        answersSubmittedOn: a.answersSubmittedOn,
      })),
    };
  }

  view(): ApplicationView {
    return {
      status: this.status,
      step: this.step,
      reference: this.input.reference,
      contractNumber: this.contractNumber,
      validUntil: this.validUntil,
      decision: this.decision,
      offer: this.offer,
      incomeVerification: this.incomeVerification,
      payoutStatus: this.payoutStatus,
      payouts: this.payouts,
      loanId: this.loanId,
      applicants: this.applicants.map((a) => ({
        index: a.index,
        status: a.status,
        identified: a.identifiedAt !== null,
        customerId: a.customerId,
        identification: a.identification,
        signing: a.signing,
      })),
    };
  }

  // --- side effects -----------------------------------------------------------------------------

  /** Writes the projection and one history event (no personal data in `detail`). */
  async project(type: string, detail: Record<string, unknown> = {}, actor: string | null = null): Promise<void> {
    this.version += 1;
    this.seq += 1;
    await this.quickActs.projectApplication({
      snapshot: this.snapshot(),
      event: { seq: this.seq, type, status: this.status, actor, detail, occurredAt: nowIso() },
    });
  }

  /**
   * Email and SMS to an applicant; a failed delivery is recorded, never fatal. `key` names the step
   * and the applicant (each applicant's message is a request of its own to the adapters).
   */
  async notify(index: number, key: string, message: Message, channels: { email: boolean; sms: boolean }) {
    const a = this.applicants[index]!;
    const sent = { email: false, sms: false };
    try {
      if (channels.email) {
        await this.quickActs.sendEmail({
          idempotencyKey: idempotencyKey(this.workflowId, key, 'email'),
          to: a.email,
          subject: message.subject,
          text: message.text,
        });
        sent.email = true;
      }
      if (channels.sms) {
        await this.quickActs.sendSms({
          idempotencyKey: idempotencyKey(this.workflowId, key, 'sms'),
          to: a.phone,
          text: message.sms,
        });
        sent.sms = true;
      }
    } catch (err) {
      await this.project('notification-failed', { applicantIndex: index, key, error: (err as Error).message });
    }
    return sent;
  }

  /** R-LOAN-11: the notice in every (identified) applicant's mailbox, with a new-mail SMS or email. */
  async mailboxNotice(kind: string, text: MailboxText, loanId?: string): Promise<void> {
    for (const a of this.applicants) {
      if (a.customerId === null) continue;
      try {
        await this.quickNoticeActs.sendNotice({
          idempotencyKey: idempotencyKey(this.workflowId, 'mailbox', kind, a.index),
          customerId: a.customerId,
          applicationId: this.input.applicationId,
          ...(loanId ? { loanId } : {}),
          kind: `application-${kind}`,
          subject: text.subject,
          body: text.body,
          date: today(),
        });
      } catch (err) {
        await this.project('notice-failed', { applicantIndex: a.index, kind, error: (err as Error).message });
      }
    }
  }

  /** The applicant's link to the application (R-APP-3). */
  linkFor(index: number): string {
    return applicationLink(this.input.linkBaseUrl, this.input.applicationId, this.applicants[index]!.inviteCode);
  }

  // --- checks the update validators share -------------------------------------------------------

  /** The applicant an action names, if the caller may act as them (R-APP-3). */
  applicantFor(action: ApplicantAction, mustBeIdentified: boolean): ApplicantState {
    const a = this.applicants[action.applicantIndex];
    if (!a) refuseUpdate('not-found', `no applicant ${action.applicantIndex}`);
    if (a.customerId !== null && a.customerId !== action.customerId)
      refuseUpdate('forbidden', 'another customer acts as this applicant', { rule: 'R-APP-3' });
    if (mustBeIdentified && (a.identifiedAt === null || a.customerId !== action.customerId))
      refuseUpdate('conflict', 'the applicant must first identify with BankID', { rule: 'R-APP-3' });
    return a;
  }

  /** R-APP-5: answers and reminders only while the application waits for them and is valid. */
  requireAnswering(): void {
    if (!isPending(this.status)) refuseUpdate('conflict', `the application is ${this.status}`);
    if (Date.now() >= this.validUntilMs)
      refuseUpdate('conflict', 'the application has expired (R-APP-5)', { rule: 'R-APP-5' });
  }

  // --- the close --------------------------------------------------------------------------------

  /** Cancels open BankID orders, records the final status and waits for the handlers to finish. */
  async finish(status: ApplicationStatus, reasons: string[] = []): Promise<ApplicationOutcome> {
    for (const a of this.applicants)
      for (const summary of [a.identification, a.signing])
        if (summary?.state === 'PENDING') {
          summary.state = 'FAILED';
          summary.hintCode = 'cancelled';
          await acts.cancelBankIdOrder({ orderRef: summary.orderRef });
        }
    this.closedAt = nowIso();
    this.setStatus(status, reasons.length ? `closed: ${reasons.join(', ')}` : 'closed');
    await this.project(status.toLowerCase().replace(/_/g, '-'), { reasons }, this.withdrawal?.actorId ?? null);
    this.closedProjected = true;
    await condition(allHandlersFinished);
    return { status, contractNumber: this.contractNumber, loanId: this.loanId, reasons };
  }

  /** R-APP-3: withdrawn by the customer (CANCELLED) or by the vendor or an operator (DELETED). */
  finishWithdrawn(): Promise<ApplicationOutcome> {
    return this.finish(this.withdrawal!.by === 'customer' ? 'CANCELLED' : 'DELETED', [`by ${this.withdrawal!.by}`]);
  }
}
