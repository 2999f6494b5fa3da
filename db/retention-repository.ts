/**
 * Personal-data retention (R-SEC-2, domain/retention.ts): finds applications without a loan (and
 * ended direct-debit mandates and powers of attorney) whose retention period has passed and erases
 * their personal data, leaving the non-personal projection
 * (status, dates, amounts, offer figures, decision outcome, the event history). Plain functions
 * taking the db first; each erasure is one transaction that re-checks the conditions under a row
 * lock, so it is idempotent and safe beside a late projection write.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import { stockholmDate } from '../domain/dates';
import { ERASABLE_APPLICATION_STATUSES } from '../domain/retention';
import type { Database, Db } from './database';

/** Ids of applications due for erasure (closed before `closedBefore`), oldest first. */
export async function findApplicationsDueForErasure(db: Db, closedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('applications')
    .select('id')
    .where('personal_data_erased_at', 'is', null)
    .where('loan_id', 'is', null)
    .where('closed_at', '<', closedBefore)
    .where('status', 'in', [...ERASABLE_APPLICATION_STATUSES])
    .orderBy('closed_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Placeholder for erased NOT NULL text columns (personnummer, email, phone). */
export const ERASED = '';

/**
 * Erases one application's personal data if it is (still) due; returns whether it did. Erased:
 * applicants' personnummer, name, email, phone and invitation hash; all answers (KALP/KYC); the payout
 * account; consolidation bankgiro and OCR references (creditor and amount stay); the income
 * verification (ids, links, verified incomes); the affordability figures of the decision; the
 * mailbox messages about the application.
 */
export async function eraseApplicationPersonalData(
  db: Db,
  applicationId: string,
  closedBefore: Date,
  at: Date = new Date(),
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('applications')
      .select(['id', 'status', 'loan_id', 'closed_at', 'personal_data_erased_at', 'consolidation_loans', 'decision'])
      .where('id', '=', applicationId)
      .forUpdate()
      .executeTakeFirst();
    if (
      !row ||
      row.personal_data_erased_at !== null ||
      row.loan_id !== null ||
      row.closed_at === null ||
      new Date(row.closed_at).getTime() >= closedBefore.getTime() ||
      !(ERASABLE_APPLICATION_STATUSES as readonly string[]).includes(row.status)
    ) {
      return false;
    }
    const consolidation = ((row.consolidation_loans as { creditor?: string; amount?: string }[] | null) ?? []).map(
      (l) => ({ creditor: l.creditor ?? '', amount: l.amount ?? '0.00' }),
    );
    const decision = row.decision as Record<string, unknown> | null;
    const keptDecision = decision
      ? Object.fromEntries(Object.entries(decision).filter(([k]) => k !== 'affordability'))
      : null;
    await trx
      .updateTable('applications')
      .set({
        payout_account: null,
        consolidation_loans: JSON.stringify(consolidation),
        income_verification: null,
        decision: keptDecision ? JSON.stringify(keptDecision) : null,
        personal_data_erased_at: at,
      })
      .where('id', '=', applicationId)
      .execute();
    await trx
      .updateTable('applicants')
      .set({ personnummer: ERASED, email: ERASED, phone: ERASED, invite_code_hash: null, name: null })
      .where('application_id', '=', applicationId)
      .execute();
    await trx.deleteFrom('application_answers').where('application_id', '=', applicationId).execute();
    await trx
      .deleteFrom('mailbox_messages')
      .where('application_id', '=', applicationId)
      .where('loan_id', 'is', null)
      .execute();
    // Marks the erasure in the operators' history (no personal data, as every event).
    const { rows } = await sql<{ seq: number | null }>`
      select max(seq) as seq from application_events where application_id = ${applicationId}
    `.execute(trx);
    await trx
      .insertInto('application_events')
      .values({
        application_id: applicationId,
        seq: (rows[0]?.seq ?? 0) + 1,
        type: 'personal-data-erased',
        status: row.status,
        actor: 'retention',
        detail: JSON.stringify({ rule: 'R-SEC-2' }),
        occurred_at: at,
      })
      .execute();
    return true;
  });
}

// --- direct-debit mandates and powers of attorney (R-SEC-2, domain/retention.ts) ---------------

/**
 * Ids of ended mandates (cancelled, or never signed) whose end lies before `endedBefore` and whose
 * payer data is still there, oldest first.
 */
export async function findMandatesDueForErasure(db: Db, endedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('direct_debit_mandates')
    .select('id')
    .where('personal_data_erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'CANCELLED'), eb('cancelled_at', '<', endedBefore)]),
        eb.and([eb('status', '=', 'FAILED'), eb('created_at', '<', endedBefore)]),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Erases an ended mandate's payer data (personnummer, clearing and account number, the BankID
 * signature) if it is (still) due; returns whether it did. Status, dates and draws stay.
 */
export async function eraseMandatePersonalData(
  db: Db,
  mandateId: string,
  endedBefore: Date,
  at: Date = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('direct_debit_mandates')
    .set({
      payer_personnummer: ERASED,
      clearing_number: ERASED,
      account_number: ERASED,
      signature: null,
      personal_data_erased_at: at,
    })
    .where('id', '=', mandateId)
    .where('personal_data_erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'CANCELLED'), eb('cancelled_at', '<', endedBefore)]),
        eb.and([eb('status', '=', 'FAILED'), eb('created_at', '<', endedBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The condition of an ended power of attorney: revoked or failed before the cutoff, or past its date. */
function endedPowerOfAttorney(endedBefore: Date) {
  const lastDay = stockholmDate(endedBefore);
  return (eb: ExpressionBuilder<Database, 'collection_powers_of_attorney'>) =>
    eb.or([
      eb.and([eb('status', '=', 'REVOKED'), eb('revoked_at', '<', endedBefore)]),
      eb.and([eb('status', '=', 'SIGNING_FAILED'), eb('created_at', '<', endedBefore)]),
      eb.and([eb('status', '=', 'ACTIVE'), eb('valid_until', '<', lastDay)]),
    ]);
}

/** Ids of powers of attorney that ended before `endedBefore` with the helper's personnummer still there. */
export async function findPowersOfAttorneyDueForErasure(db: Db, endedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('collection_powers_of_attorney')
    .select('id')
    .where('personal_data_erased_at', 'is', null)
    .where(endedPowerOfAttorney(endedBefore))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Erases an ended power of attorney's helper personnummer if it is (still) due; returns whether it did. */
export async function erasePowerOfAttorneyPersonalData(
  db: Db,
  id: string,
  endedBefore: Date,
  at: Date = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('collection_powers_of_attorney')
    .set({ helper_personnummer: ERASED, personal_data_erased_at: at })
    .where('id', '=', id)
    .where('personal_data_erased_at', 'is', null)
    .where(endedPowerOfAttorney(endedBefore))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
