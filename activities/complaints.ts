/**
 * The complaint workflow's side effects (R-LOAN-9), each thin and idempotent per complaint id and
 * step: the officer's email carries a key from the workflow id and the step
 * (`complaint-<id>:escalation`), so a retried send is one message; the row updates are guarded
 * (an escalation never overwrites an answer, the first answer stands). The customer's receipt and
 * written answer go through the mailbox's `sendNotice` (activities/notices.ts).
 *
 * The complaints officer's address is worker configuration (`COMPLAINTS_OFFICER_EMAIL`), read when
 * the email goes out, so a change of officer reaches complaints already waiting.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { failFastOnAdapterRefusal } from './adapter-failure';
import type { Adapters } from '../adapters';
import { findComplaint, markComplaintEscalated, recordComplaintAnswer } from '../db/complaint-repository';
import type { Db } from '../db/database';
import type { ComplaintStatus } from '../domain/complaint';
import type { IsoDate } from '../domain/dates';
import { complaintOfficerText, type OfficerReason } from '../texts/complaint';

/** The sandbox's complaints officer (seed 002 §17 names klagomal@… as the lender's address). */
export const DEFAULT_COMPLAINTS_OFFICER_EMAIL = 'klagomal@sandbox.loan-engine.local';

export interface ComplaintActivityOptions {
  /** Where escalations go. Default `DEFAULT_COMPLAINTS_OFFICER_EMAIL`. */
  officerEmail?: string;
}

async function loadComplaint(db: Db, complaintId: string) {
  const row = await findComplaint(db, complaintId);
  if (!row)
    throw ApplicationFailure.create({
      type: 'ComplaintNotFound',
      message: `no complaint ${complaintId}`,
      nonRetryable: true,
    });
  return row;
}

export function createComplaintActivities(
  db: Db,
  adapters: Pick<Adapters, 'email'>,
  options: ComplaintActivityOptions = {},
) {
  const officerEmail = options.officerEmail ?? DEFAULT_COMPLAINTS_OFFICER_EMAIL;
  return {
    /** R-LOAN-9: tells the complaints officer (ids and dates only), once per key. */
    async notifyComplaintsOfficer(input: {
      idempotencyKey: string;
      complaintId: string;
      reason: OfficerReason;
    }): Promise<{ sent: true }> {
      const row = await loadComplaint(db, input.complaintId);
      const loan = await db
        .selectFrom('loans')
        .select('contract_number')
        .where('id', '=', row.loan_id)
        .executeTakeFirst();
      const message = complaintOfficerText({
        reason: input.reason,
        complaintId: row.id,
        contractNumber: loan?.contract_number ?? row.loan_id,
        receivedOn: row.received_on,
        answerDueOn: row.answer_due_on,
      });
      await failFastOnAdapterRefusal('email send', () =>
        adapters.email.send({ idempotencyKey: input.idempotencyKey, to: officerEmail, ...message }),
      );
      return { sent: true };
    },

    /** R-LOAN-9: RECEIVED → ESCALATED (a repeat, or an answer meanwhile, changes nothing). */
    async recordComplaintEscalation(input: {
      complaintId: string;
      escalatedOn: IsoDate;
    }): Promise<{ status: ComplaintStatus; escalatedOn: IsoDate | null }> {
      await loadComplaint(db, input.complaintId);
      const row = await markComplaintEscalated(db, input.complaintId, input.escalatedOn);
      return { status: row.status as ComplaintStatus, escalatedOn: row.escalated_on };
    },

    /** R-LOAN-9: the written answer, recorded once (the first answer stands). */
    async recordComplaintAnswer(input: {
      complaintId: string;
      answer: string;
      answeredBy: string;
      answeredOn: IsoDate;
    }): Promise<{ answeredOn: IsoDate; answeredBy: string }> {
      await loadComplaint(db, input.complaintId);
      const row = await recordComplaintAnswer(db, input.complaintId, input);
      return { answeredOn: row.answered_on!, answeredBy: row.answered_by! };
    },
  };
}

export type ComplaintActivities = ReturnType<typeof createComplaintActivities>;
