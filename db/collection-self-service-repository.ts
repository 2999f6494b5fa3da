/**
 * The collection case's self-service rows, part 2 (R-COLL-2, R-COLL-8): receipts of payments made
 * elsewhere and their files, the message thread per case, powers of attorney and the helpers'
 * acts. Plain functions taking the db first. The tables are declared here (merged into
 * `Database`) so the case's other rows in db/database.ts stay as they are.
 */
import { type ColumnType, type ExpressionBuilder, type Generated, type Insertable, type Selectable, sql } from 'kysely';
import type { CollectionStage, CollectionStatus } from '../domain/collection-case';
import type { IsoDate } from '../domain/dates';
import type { CaseListRow } from './collection-case-repository';
import type { CollectionCaseTable, Database, Db } from './database';

export type ReceiptStatus = 'CHECKING' | 'ACCEPTED' | 'REJECTED';
export type PowerOfAttorneyStatus = 'PENDING_SIGNATURE' | 'ACTIVE' | 'REVOKED' | 'SIGNING_FAILED';

export interface CollectionReceiptFileTable {
  id: string;
  case_id: string;
  uploaded_by: string;
  content_type: string;
  size: number;
  content: Buffer;
  created_at: Generated<Date>;
}

export interface CollectionReceiptTable {
  id: string;
  case_id: string;
  bank_reference: string;
  paid_on: string;
  amount: string;
  file_id: string | null;
  status: ReceiptStatus;
  submitted_by: string;
  submitted_on: string;
  decided_by: string | null;
  decided_on: string | null;
  reason: string | null;
  payment_id: string | null;
  created_at: Generated<Date>;
}

export interface CollectionMessageTable {
  id: Generated<string>;
  case_id: string;
  idempotency_key: string;
  from_role: 'customer' | 'operator';
  author: string;
  body: string;
  created_at: Generated<Date>;
}

export interface CollectionPowerOfAttorneyTable {
  id: string;
  grantor_customer_id: string;
  helper_personnummer: string;
  helper_customer_id: string;
  valid_until: string;
  status: PowerOfAttorneyStatus;
  order_ref: string | null;
  signed_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
  /** R-SEC-2: when the helper's personnummer was erased (domain/retention.ts). */
  personal_data_erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface CollectionHelperActTable {
  id: Generated<string>;
  power_of_attorney_id: string;
  helper_customer_id: string;
  case_id: string;
  action: string;
  status: number;
  created_at: Generated<Date>;
}

declare module './database' {
  interface Database {
    collection_receipt_files: CollectionReceiptFileTable;
    collection_receipts: CollectionReceiptTable;
    collection_messages: CollectionMessageTable;
    collection_powers_of_attorney: CollectionPowerOfAttorneyTable;
    collection_helper_acts: CollectionHelperActTable;
  }
}

export type ReceiptRow = Selectable<CollectionReceiptTable>;
export type MessageRow = Selectable<CollectionMessageTable>;
export type PowerOfAttorneyRow = Selectable<CollectionPowerOfAttorneyTable>;

// --- receipts (R-COLL-2: a payment made elsewhere) ---------------------------------------------

export async function insertReceiptFile(db: Db, file: Insertable<CollectionReceiptFileTable>): Promise<void> {
  await db.insertInto('collection_receipt_files').values(file).execute();
}

/** The file's type and size (not its content), if it belongs to the case. */
export async function findReceiptFileOfCase(db: Db, caseId: string, fileId: string) {
  return db
    .selectFrom('collection_receipt_files')
    .select(['id', 'content_type', 'size'])
    .where('id', '=', fileId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
}

export async function readReceiptFile(db: Db, fileId: string) {
  return db
    .selectFrom('collection_receipt_files')
    .select(['id', 'case_id', 'content_type', 'size', 'content'])
    .where('id', '=', fileId)
    .executeTakeFirst();
}

/** Once per id: a repeat changes nothing. */
export async function insertReceipt(db: Db, receipt: Insertable<CollectionReceiptTable>): Promise<void> {
  await db
    .insertInto('collection_receipts')
    .values(receipt)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findReceipt(db: Db, receiptId: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('collection_receipts').selectAll().where('id', '=', receiptId).executeTakeFirst();
}

export async function decideReceipt(
  db: Db,
  receiptId: string,
  decision: {
    status: 'ACCEPTED' | 'REJECTED';
    decidedBy: string;
    decidedOn: IsoDate;
    reason?: string;
    paymentId?: string;
  },
): Promise<void> {
  await db
    .updateTable('collection_receipts')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_on: decision.decidedOn,
      reason: decision.reason ?? null,
      payment_id: decision.paymentId ?? null,
    })
    .where('id', '=', receiptId)
    .where('status', '=', 'CHECKING')
    .execute();
}

export async function listReceipts(db: Db, caseId: string): Promise<ReceiptRow[]> {
  return db.selectFrom('collection_receipts').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
}

// --- messages (R-COLL-2) ------------------------------------------------------------------------

/** Once per key: a repeat changes nothing and answers the first message. */
export async function insertCaseMessage(
  db: Db,
  message: Omit<Insertable<CollectionMessageTable>, 'id' | 'created_at'>,
): Promise<MessageRow> {
  await db
    .insertInto('collection_messages')
    .values(message)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return db
    .selectFrom('collection_messages')
    .selectAll()
    .where('idempotency_key', '=', message.idempotency_key)
    .executeTakeFirstOrThrow();
}

export async function listCaseMessages(db: Db, caseId: string): Promise<MessageRow[]> {
  return db.selectFrom('collection_messages').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

// --- powers of attorney (R-COLL-8) --------------------------------------------------------------

export async function insertPowerOfAttorney(
  db: Db,
  poa: Omit<Insertable<CollectionPowerOfAttorneyTable>, 'created_at'>,
): Promise<void> {
  await db.insertInto('collection_powers_of_attorney').values(poa).execute();
}

export async function findPowerOfAttorney(db: Db, id: string): Promise<PowerOfAttorneyRow | undefined> {
  return db.selectFrom('collection_powers_of_attorney').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updatePowerOfAttorney(
  db: Db,
  id: string,
  changes: Partial<Pick<PowerOfAttorneyRow, 'status' | 'signed_at' | 'revoked_at'>>,
  onlyFrom?: PowerOfAttorneyStatus,
): Promise<void> {
  let q = db.updateTable('collection_powers_of_attorney').set(changes).where('id', '=', id);
  if (onlyFrom) q = q.where('status', '=', onlyFrom);
  await q.execute();
}

/** What a grantor has given (every status), newest first. */
export async function listPowersOfAttorneyGiven(db: Db, grantorCustomerId: string): Promise<PowerOfAttorneyRow[]> {
  return db
    .selectFrom('collection_powers_of_attorney')
    .selectAll()
    .where('grantor_customer_id', '=', grantorCustomerId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** R-COLL-8: the powers a helper holds that are in force on `today` (signed, not revoked, not past their date). */
export async function listPowersOfAttorneyHeld(
  db: Db,
  helperCustomerId: string,
  today: IsoDate,
): Promise<PowerOfAttorneyRow[]> {
  return db
    .selectFrom('collection_powers_of_attorney')
    .selectAll()
    .where('helper_customer_id', '=', helperCustomerId)
    .where('status', '=', 'ACTIVE')
    .where('valid_until', '>=', today)
    .orderBy('created_at')
    .execute();
}

/** R-COLL-8: every act of a helper on a case, recorded as theirs. */
export async function recordHelperAct(
  db: Db,
  act: { powerOfAttorneyId: string; helperCustomerId: string; caseId: string; action: string; status: number },
): Promise<void> {
  await db
    .insertInto('collection_helper_acts')
    .values({
      power_of_attorney_id: act.powerOfAttorneyId,
      helper_customer_id: act.helperCustomerId,
      case_id: act.caseId,
      action: act.action,
      status: act.status,
    })
    .execute();
}

export async function listHelperActs(db: Db, caseId: string) {
  return db
    .selectFrom('collection_helper_acts')
    .select(['power_of_attorney_id', 'helper_customer_id', 'action', 'status', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

// --- the operators' list (R-COLL-2) -------------------------------------------------------------

/** Per case: an open receipt, and whether the thread's last message is the customer's (unanswered). */
export async function caseFlags(
  db: Db,
  caseIds: readonly string[],
): Promise<Map<string, { openReceipt: boolean; unansweredMessage: boolean }>> {
  const flags = new Map(caseIds.map((id) => [id, { openReceipt: false, unansweredMessage: false }]));
  if (caseIds.length === 0) return flags;
  const receipts = await db
    .selectFrom('collection_receipts')
    .select('case_id')
    .distinct()
    .where('case_id', 'in', [...caseIds])
    .where('status', '=', 'CHECKING')
    .execute();
  for (const r of receipts) flags.get(r.case_id)!.openReceipt = true;
  const last = await db
    .selectFrom('collection_messages')
    .select(['case_id', 'from_role'])
    .distinctOn('case_id')
    .where('case_id', 'in', [...caseIds])
    .orderBy('case_id')
    .orderBy('id', 'desc')
    .execute();
  for (const m of last) if (m.from_role === 'customer') flags.get(m.case_id)!.unansweredMessage = true;
  return flags;
}

export interface OperatorCaseFilter {
  status?: CollectionStatus;
  stage?: CollectionStage;
  /** Opened on or before this date (at least N days in collection). */
  openedOnOrBefore?: IsoDate;
  /** Opened on or after this date (at most N days in collection). */
  openedOnOrAfter?: IsoDate;
  openReceipt?: boolean;
  openDispute?: boolean;
  unansweredMessage?: boolean;
  limit: number;
}

/** R-COLL-2 (operators): cases by status, stage, days in collection and what waits for an operator, oldest first. */
export async function listCasesForOperators(db: Db, filter: OperatorCaseFilter): Promise<CaseListRow[]> {
  let q = db
    .selectFrom('collection_cases as c')
    .innerJoin('loans as l', 'l.id', 'c.loan_id')
    .selectAll('c')
    .select(['l.customer_id', 'l.contract_number'])
    .where('c.case_number', 'is not', null);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  if (filter.stage) q = q.where('c.stage', '=', filter.stage);
  if (filter.openedOnOrBefore) q = q.where('c.opened_on', '<=', filter.openedOnOrBefore);
  if (filter.openedOnOrAfter) q = q.where('c.opened_on', '>=', filter.openedOnOrAfter);
  if (filter.openDispute !== undefined) {
    q = filter.openDispute
      ? q.where('c.status', '=', 'OPEN').where('c.stage', '=', 'DISPUTED')
      : q.where((eb) =>
          eb.or([eb('c.stage', 'is', null), eb('c.stage', '!=', 'DISPUTED'), eb('c.status', '!=', 'OPEN')]),
        );
  }
  if (filter.openReceipt !== undefined) {
    const open = (eb: ExpressionBuilder<Database & { c: CollectionCaseTable }, 'c'>) =>
      eb.exists(
        eb
          .selectFrom('collection_receipts as r')
          .select('r.id')
          .whereRef('r.case_id', '=', 'c.id')
          .where('r.status', '=', 'CHECKING'),
      );
    q = q.where((eb) => (filter.openReceipt ? open(eb) : eb.not(open(eb))));
  }
  if (filter.unansweredMessage !== undefined) {
    const unanswered = sql<boolean>`(select m.from_role from collection_messages m where m.case_id = c.id order by m.id desc limit 1) = 'customer'`;
    q = q.where(filter.unansweredMessage ? unanswered : sql<boolean>`not coalesce(${unanswered}, false)`);
  }
  return q.orderBy('c.created_at').limit(filter.limit).execute();
}
