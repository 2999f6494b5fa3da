/**
 * Applications (R-APP-2…6, R-APP-9, R-APP-10): the projection the application workflow writes and
 * the API reads. Plain functions taking the db (or a transaction) first.
 *
 * `projectApplication` writes a whole snapshot under its state version: a retried or late write
 * of an older version changes nothing, so activity retries and concurrent handlers converge on the
 * newest state. Events are keyed by (application, seq) and inserted once.
 */
import { createHash } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { ApplicantAnswers, ApplicationPayoutLegStatus, ApplicationStatus } from '../domain/application';
import { CONTRACT_SEQUENCE_START, contractNumberFromSequence } from '../domain/application';
import type { ApplicationEvent, ApplicationSnapshot } from '../domain/application-state';
import type {
  ApplicantTable,
  ApplicationEventTable,
  ApplicationPayoutTable,
  ApplicationTable,
  Database,
  Db,
  VendorTable,
} from './database';
import type { Kysely, Transaction } from 'kysely';

export type ApplicationRow = Selectable<ApplicationTable>;
export type ApplicantRow = Selectable<ApplicantTable>;
export type ApplicationEventRow = Selectable<ApplicationEventTable>;
export type ApplicationPayoutRow = Selectable<ApplicationPayoutTable>;
export type VendorRow = Selectable<VendorTable>;

type Executor = Kysely<Database> | Transaction<Database>;

export function hashInviteCode(code: string): string {
  return createHash('sha256').update(`invite:${code}`).digest('hex');
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * Writes the snapshot (and its event, if any) when its version is newer than the stored one.
 * Returns whether the snapshot was applied.
 */
export async function projectApplication(
  db: Db,
  snapshot: ApplicationSnapshot,
  event?: ApplicationEvent,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = {
      id: snapshot.id,
      reference: snapshot.reference,
      workflow_id: snapshot.workflowId,
      contract_number: snapshot.contractNumber,
      vendor_id: snapshot.vendorId,
      created_by: snapshot.createdBy,
      creator_customer_id: snapshot.creatorCustomerId,
      status: snapshot.status,
      step: snapshot.step,
      amount: snapshot.amount,
      term_months: snapshot.termMonths,
      notice_channel: snapshot.noticeChannel,
      payout_account: snapshot.payoutAccount ? json(snapshot.payoutAccount) : null,
      consolidation_loans: json(snapshot.consolidation),
      decision: snapshot.decision ? json(snapshot.decision) : null,
      offer: snapshot.offer ? json(snapshot.offer) : null,
      income_verification: snapshot.incomeVerification ? json(snapshot.incomeVerification) : null,
      payout_status: snapshot.payoutStatus,
      loan_id: snapshot.loanId,
      state_version: snapshot.version,
      created_at: snapshot.createdAt,
      valid_until: snapshot.validUntil,
      submitted_at: snapshot.submittedAt,
      decided_at: snapshot.decidedAt,
      closed_at: snapshot.closedAt,
      updated_at: snapshot.updatedAt,
    };
    const { id: _id, reference: _ref, workflow_id: _wf, ...changes } = row;
    const applied = await trx
      .insertInto('applications')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet(changes).where('applications.state_version', '<', snapshot.version),
      )
      .returning('id')
      .executeTakeFirst();
    if (applied) {
      for (const a of snapshot.applicants) {
        const applicant = {
          application_id: snapshot.id,
          idx: a.index,
          personnummer: a.personnummer,
          email: a.email,
          phone: a.phone,
          customer_id: a.customerId,
          status: a.status,
          invite_code_hash: a.inviteCode ? hashInviteCode(a.inviteCode) : null,
          identified_at: a.identifiedAt,
          ...(a.name ? { name: a.name } : {}),
          submitted_at: a.submittedAt,
          signed_at: a.signedAt,
        };
        const { application_id: _a, idx: _i, ...applicantChanges } = applicant;
        await trx
          .insertInto('applicants')
          .values(applicant)
          .onConflict((oc) => oc.columns(['application_id', 'idx']).doUpdateSet(applicantChanges))
          .execute();
        if (a.answers) {
          const answers = {
            application_id: snapshot.id,
            applicant_idx: a.index,
            personnummer: a.personnummer,
            answers: json(a.answers),
            submitted_on: a.answersSubmittedOn,
            updated_at: snapshot.updatedAt,
          };
          const { application_id: _aa, applicant_idx: _ai, ...answerChanges } = answers;
          await trx
            .insertInto('application_answers')
            .values(answers)
            .onConflict((oc) => oc.columns(['application_id', 'applicant_idx']).doUpdateSet(answerChanges))
            .execute();
        }
      }
    }
    if (event) await insertEvent(trx, snapshot.id, event);
    return applied !== undefined;
  });
}

async function insertEvent(db: Executor, applicationId: string, event: ApplicationEvent): Promise<void> {
  await db
    .insertInto('application_events')
    .values({
      application_id: applicationId,
      seq: event.seq,
      type: event.type,
      status: event.status,
      actor: event.actor,
      detail: json(event.detail),
      occurred_at: event.occurredAt,
    })
    .onConflict((oc) => oc.columns(['application_id', 'seq']).doNothing())
    .execute();
}

/**
 * Removes an application the API has just inserted when its workflow could not be started (the
 * undo of the create; applicants go with it by cascade). Only the row as first projected (version
 * `initialVersion`) is removed: once a workflow has projected a later state, it runs and the row
 * stays. True when a row was removed.
 */
export async function deleteUnstartedApplication(db: Db, id: string, initialVersion: number): Promise<boolean> {
  const deleted = await db
    .deleteFrom('applications')
    .where('id', '=', id)
    .where('state_version', '=', initialVersion)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

/**
 * R-APP-2: the contract number, assigned once per application from a sequence (a repeat returns
 * the first). The application row must exist.
 */
export async function assignContractNumber(db: Db, applicationId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('applications')
      .select('contract_number')
      .where('id', '=', applicationId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new Error(`application ${applicationId} is not recorded`);
    if (row.contract_number) return row.contract_number;
    const { rows } = await sql<{ n: string }>`select nextval('application_contract_number_seq') as n`.execute(trx);
    const sequence = Number(rows[0]!.n);
    const contractNumber = contractNumberFromSequence(Math.max(sequence, CONTRACT_SEQUENCE_START));
    await trx
      .updateTable('applications')
      .set({ contract_number: contractNumber })
      .where('id', '=', applicationId)
      .execute();
    return contractNumber;
  });
}

export async function findApplication(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findApplicationByReference(db: Db, reference: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('reference', '=', reference).executeTakeFirst();
}

export async function listApplicants(db: Db, applicationId: string): Promise<ApplicantRow[]> {
  return db.selectFrom('applicants').selectAll().where('application_id', '=', applicationId).orderBy('idx').execute();
}

export interface ListPage {
  limit: number;
  offset: number;
}

/** R-APP-4, R-APP-5: unsubmitted applications still valid at `now`, newest first. */
export async function listVendorPending(db: Db, vendorId: string, now: Date, page: ListPage) {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('vendor_id', '=', vendorId)
    .where('contract_number', 'is', null)
    .where('status', 'in', ['NOT_STARTED', 'STARTED'])
    .where('valid_until', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** R-APP-4: applications with a contract number, most recently submitted first. */
export async function listVendorSubmitted(db: Db, vendorId: string, page: ListPage) {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('vendor_id', '=', vendorId)
    .where('contract_number', 'is not', null)
    .orderBy('submitted_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** R-SEC-1: the applications a customer created or is an applicant of, newest first. */
export async function listCustomerApplications(db: Db, customerId: string, page: ListPage) {
  return db
    .selectFrom('applications')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('creator_customer_id', '=', customerId),
        eb.exists(
          eb
            .selectFrom('applicants')
            .select('applicants.idx')
            .whereRef('applicants.application_id', '=', 'applications.id')
            .where('applicants.customer_id', '=', customerId),
        ),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** Operators: every application, optionally by status, newest first. */
export async function listAllApplications(db: Db, filter: { status?: ApplicationStatus }, page: ListPage) {
  let q = db.selectFrom('applications').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function listApplicationEvents(db: Db, applicationId: string): Promise<ApplicationEventRow[]> {
  return db
    .selectFrom('application_events')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('seq')
    .execute();
}

/** R-APP-6: submitted answers of a person since `sinceDate` (inclusive), newest first. */
export async function findSubmittedAnswers(db: Db, personnummer: string, sinceDate: string) {
  return db
    .selectFrom('application_answers')
    .innerJoin('applications', 'applications.id', 'application_answers.application_id')
    .select([
      'application_answers.application_id as applicationId',
      'applications.reference as reference',
      'application_answers.submitted_on as submittedOn',
      'application_answers.answers as answers',
    ])
    .where('application_answers.personnummer', '=', personnummer)
    .where('application_answers.submitted_on', '>=', sinceDate)
    .orderBy('application_answers.submitted_on', 'desc')
    .limit(10)
    .execute() as Promise<
    { applicationId: string; reference: string; submittedOn: string; answers: Partial<ApplicantAnswers> }[]
  >;
}

export async function recordPayout(
  db: Db,
  payout: {
    idempotencyKey: string;
    applicationId: string;
    leg: string;
    payoutId: string;
    amount: string;
    executionDate: string;
    status: ApplicationPayoutLegStatus;
  },
): Promise<void> {
  await db
    .insertInto('application_payouts')
    .values({
      idempotency_key: payout.idempotencyKey,
      application_id: payout.applicationId,
      leg: payout.leg,
      payout_id: payout.payoutId,
      amount: payout.amount,
      execution_date: payout.executionDate,
      status: payout.status,
    })
    .onConflict((oc) => oc.column('idempotency_key').doUpdateSet({ status: payout.status, updated_at: new Date() }))
    .execute();
}

export async function listApplicationPayouts(db: Db, applicationId: string): Promise<ApplicationPayoutRow[]> {
  return db
    .selectFrom('application_payouts')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('created_at')
    .orderBy('leg')
    .execute();
}

export async function upsertVendor(db: Db, vendor: { id: string; name: string; email: string }): Promise<VendorRow> {
  return db
    .insertInto('vendors')
    .values(vendor)
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: vendor.name, email: vendor.email, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findVendor(db: Db, id: string): Promise<VendorRow | undefined> {
  return db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
}
