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
  db: Executor,
  snapshot: ApplicationSnapshot,
  event?: ApplicationEvent,
): Promise<boolean> {
  return (await projectApplicationOverPrevious(db, snapshot, event)).applied;
}

/**
 * `projectApplication` in one statement (one round trip, no transaction to open and commit: the
 * application is written at every step of its workflow), which also tells the status stored
 * before it. The applicants and answers are written only with a newer application row; the event
 * is inserted once by (application, seq) either way.
 */
export async function projectApplicationOverPrevious(
  db: Executor,
  snapshot: ApplicationSnapshot,
  event?: ApplicationEvent,
): Promise<{ applied: boolean; previousStatus: ApplicationStatus | null }> {
  const s = snapshot;
  const jsonOrNull = (v: unknown) => (v ? json(v) : null);
  const applicants = s.applicants.map((a) => ({
    idx: a.index,
    personnummer: a.personnummer,
    email: a.email,
    phone: a.phone,
    customer_id: a.customerId,
    status: a.status,
    invite_code_hash: a.inviteCode ? hashInviteCode(a.inviteCode) : null,
    identified_at: a.identifiedAt,
    name: a.name ?? null,
    submitted_at: a.submittedAt,
    signed_at: a.signedAt,
  }));
  const answers = s.applicants
    .filter((a) => a.answers)
    .map((a) => ({
      applicant_idx: a.index,
      personnummer: a.personnummer,
      answers: a.answers,
      submitted_on: a.answersSubmittedOn,
      updated_at: s.updatedAt,
    }));
  const eventRow = event
    ? sql`, event_row as (
        insert into application_events (application_id, seq, type, status, actor, detail, occurred_at)
        values (${s.id}, ${event.seq}, ${event.type}, ${event.status}, ${event.actor}, ${json(event.detail)}::jsonb,
                ${event.occurredAt})
        on conflict (application_id, seq) do nothing)`
    : sql``;
  const { rows } = await sql<{ applied: boolean; previous_status: ApplicationStatus | null }>`
    with previous as (select status from applications where id = ${s.id}),
    applied as (
      insert into applications (id, reference, workflow_id, contract_number, vendor_id, created_by,
        creator_customer_id, status, step, amount, term_months, notice_channel, payout_account,
        consolidation_loans, decision, offer, income_verification, payout_status, loan_id, state_version,
        created_at, valid_until, submitted_at, decided_at, closed_at, updated_at)
      values (${s.id}, ${s.reference}, ${s.workflowId}, ${s.contractNumber}, ${s.vendorId}, ${s.createdBy},
        ${s.creatorCustomerId}, ${s.status}, ${s.step}, ${s.amount}, ${s.termMonths}, ${s.noticeChannel},
        ${jsonOrNull(s.payoutAccount)}::jsonb, ${json(s.consolidation)}::jsonb, ${jsonOrNull(s.decision)}::jsonb,
        ${jsonOrNull(s.offer)}::jsonb, ${jsonOrNull(s.incomeVerification)}::jsonb, ${s.payoutStatus}, ${s.loanId},
        ${s.version}, ${s.createdAt}, ${s.validUntil}, ${s.submittedAt}, ${s.decidedAt}, ${s.closedAt},
        ${s.updatedAt})
      on conflict (id) do update set contract_number = excluded.contract_number, vendor_id = excluded.vendor_id,
        created_by = excluded.created_by, creator_customer_id = excluded.creator_customer_id,
        status = excluded.status, step = excluded.step, amount = excluded.amount,
        term_months = excluded.term_months, notice_channel = excluded.notice_channel,
        payout_account = excluded.payout_account, consolidation_loans = excluded.consolidation_loans,
        decision = excluded.decision, offer = excluded.offer, income_verification = excluded.income_verification,
        payout_status = excluded.payout_status, loan_id = excluded.loan_id, state_version = excluded.state_version,
        created_at = excluded.created_at, valid_until = excluded.valid_until, submitted_at = excluded.submitted_at,
        decided_at = excluded.decided_at, closed_at = excluded.closed_at, updated_at = excluded.updated_at
      where applications.state_version < excluded.state_version
      returning id),
    applicant_rows as (
      insert into applicants (application_id, idx, personnummer, email, phone, customer_id, status,
        invite_code_hash, identified_at, name, submitted_at, signed_at)
      select ${s.id}, r.idx, r.personnummer, r.email, r.phone, r.customer_id, r.status, r.invite_code_hash,
        r.identified_at, r.name, r.submitted_at, r.signed_at
      from jsonb_to_recordset(${json(applicants)}::jsonb) as r(idx smallint, personnummer text, email text,
        phone text, customer_id text, status text, invite_code_hash text, identified_at timestamptz, name text,
        submitted_at timestamptz, signed_at timestamptz)
      where exists (select 1 from applied)
      on conflict (application_id, idx) do update set personnummer = excluded.personnummer,
        email = excluded.email, phone = excluded.phone, customer_id = excluded.customer_id,
        status = excluded.status, invite_code_hash = excluded.invite_code_hash,
        identified_at = excluded.identified_at, name = coalesce(excluded.name, applicants.name),
        submitted_at = excluded.submitted_at, signed_at = excluded.signed_at),
    answer_rows as (
      insert into application_answers (application_id, applicant_idx, personnummer, answers, submitted_on,
        updated_at)
      select ${s.id}, r.applicant_idx, r.personnummer, r.answers, r.submitted_on, r.updated_at
      from jsonb_to_recordset(${json(answers)}::jsonb) as r(applicant_idx smallint, personnummer text,
        answers jsonb, submitted_on date, updated_at timestamptz)
      where exists (select 1 from applied)
      on conflict (application_id, applicant_idx) do update set personnummer = excluded.personnummer,
        answers = excluded.answers, submitted_on = excluded.submitted_on, updated_at = excluded.updated_at)
    ${eventRow}
    select exists (select 1 from applied) as applied, (select status from previous) as previous_status`.execute(db);
  return { applied: rows[0]!.applied, previousStatus: rows[0]!.previous_status };
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
