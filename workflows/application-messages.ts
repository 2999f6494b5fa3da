/**
 * The application workflow's messages (workflows/application.ts), imported by the API and the
 * sandbox: the updates an applicant, vendor or operator acts with, each with a synchronous
 * validator in the workflow that refuses with a refusal (workflows/refusal.ts); the signal of the
 * open-banking provider; the queries the API reads one application with.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicantAnswers, ApplicationStatus } from '../domain/application';
import type { AnswersView, ApplicationView, BankIdStart } from '../domain/application-state';

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
/**
 * R-APP-3: a reminder to an applicant who has not submitted, optionally to a changed email or phone.
 * `inviteCode` (from a cryptographic source, by the API) replaces the applicant's invitation code
 * when the address changes.
 */
export const reminderUpdate = defineUpdate<
  { applicantIndex: number; reminder: number; email: boolean; sms: boolean },
  [{ applicantIndex: number; email?: string; phone?: string; inviteCode?: string; actorId: string }]
>('sendReminder');
/** The open-banking provider (or the sandbox) says a verification changed (R-APP-7). */
export const incomeVerificationSignal = defineSignal<[{ verificationId: string }]>('incomeVerificationChanged');
export const applicationViewQuery = defineQuery<ApplicationView>('view');
export const answersQuery = defineQuery<AnswersView, [number]>('answers');
export const stepQuery = defineQuery<string>('step');
