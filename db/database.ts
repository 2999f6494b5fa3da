/**
 * The one Kysely `Database` type and how to open it. Repositories are plain functions taking the
 * `db` (or a transaction) first.
 *
 * Longer than 400 lines because the one `Database` type lists every table's columns together.
 */
import { type ColumnType, Kysely, PostgresDialect, type Generated } from 'kysely';
import pg from 'pg';
import type {
  ApplicantStatus,
  ApplicationPayoutLegStatus,
  ApplicationPayoutStatus,
  ApplicationStatus,
} from '../domain/application';
import type { ComplaintStatus } from '../domain/complaint';
import type {
  EarlyRepaymentOrderStatus,
  LoanStatus,
  InvoiceStatus,
  PaymentFreeMonthStatus,
  PaymentStatus,
  RateChangeStatus,
  TerminationNoticeStatus,
  WithdrawalStatus,
} from '../domain/loan-statuses';
import type { CollectionStage, CollectionStatus } from '../domain/collection-case';

// numeric and int8 arrive as strings: amounts stay exact (R-MONEY-1), never JS numbers.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v); // dates stay 'YYYY-MM-DD'

export interface DiagnosticRunTable {
  /** Idempotency key: `<workflowId>:diagnostic` */
  id: string;
  workflow_id: string;
  requested_by: string;
  recorded_at: Generated<Date>;
}

/** Amounts are `numeric`, read and written as decimal strings (R-MONEY-1). */
export interface LoanTable {
  id: string;
  contract_number: string;
  customer_id: string;
  status: LoanStatus;
  amount: string;
  term_months: number;
  nominal_rate_percent: string;
  notice_channel: string;
  payout_date: string;
  monthly_payment: string;
  ocr_reference: string;
  closed_on: string | null;
  /** R-LOAN-3: default interest is posted up to and including this date. */
  default_interest_accrued_until: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TerminationNoticeTable {
  loan_id: string;
  sequence: number;
  sent_on: string;
  ends_on: string;
  grounds: ColumnType<string[], string, string>;
  overdue_amount: string;
  status: TerminationNoticeStatus;
  resolved_on: string | null;
}

/** R-COLL-1: the claim handed to collection when a termination is not cured. */
export interface CollectionCaseTable {
  id: string;
  loan_id: string;
  opened_on: string;
  principal: string;
  interest: string;
  fees: string;
  default_interest: string;
  collection_fee: string;
  total: string;
  status: ColumnType<CollectionStatus, CollectionStatus, CollectionStatus>;
  created_at: Generated<Date>;
  /** The rest is set when the case is opened (db/migrations/2026-11-29T1700_collection_case.ts). */
  case_number: ColumnType<string | null, string | null | undefined, string | null>;
  ocr_reference: ColumnType<string | null, string | null | undefined, string | null>;
  stage: ColumnType<CollectionStage | null, CollectionStage | null | undefined, CollectionStage | null>;
  deadline: ColumnType<string | null, string | null | undefined, string | null>;
  default_interest_accrued_until: ColumnType<string | null, string | null | undefined, string | null>;
  postponements_used: ColumnType<number, number | undefined, number>;
  plan: ColumnType<unknown, string | null | undefined, string | null>;
  dispute: ColumnType<unknown, string | null | undefined, string | null>;
  enforcement_reference: ColumnType<string | null, string | null | undefined, string | null>;
  closed_on: ColumnType<string | null, string | null | undefined, string | null>;
}

/** R-COLL-4…7: what happened on a collection case, in order (its timeline). */
export interface CollectionCaseEventTable {
  id: Generated<string>;
  case_id: string;
  /** A repeated step writes nothing new. */
  idempotency_key: string;
  date: string;
  kind: string;
  detail: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
}

export interface LedgerPostingTable {
  id: Generated<string>;
  idempotency_key: string;
  loan_id: string;
  type: string;
  business_date: string;
  created_at: Generated<Date>;
}

export interface LedgerEntryTable {
  id: Generated<string>;
  posting_id: string;
  loan_id: string;
  account: string;
  amount: string;
  invoice_number: number | null;
  line_kind: string | null;
  /** R-COLL-1: set on the receivable entries held under a collection case. */
  case_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface InvoiceTable {
  loan_id: string;
  number: number;
  issue_date: string;
  due_date: string;
  ocr_reference: string;
  status: InvoiceStatus;
  paid_date: string | null;
  /** R-LOAN-3 */
  late_fee_charged_on: string | null;
  reminder_sent_on: string | null;
  reminder_due_date: string | null;
  /** As issued: [{kind, amount}] with amounts as decimal strings. */
  lines: ColumnType<{ kind: string; amount: string }[], string, string>;
  total: string;
  /** installment | early-repayment (the payoff, R-LOAN-7) | withdrawal (R-LOAN-8) */
  kind: ColumnType<string, string | undefined, string>;
}

/** R-LOAN-5, R-LOAN-10: a rate change announced to the borrower, applied from its first installment. */
export interface RateChangeTable {
  loan_id: string;
  change_id: string;
  announced_on: string;
  effective_from: string;
  first_installment: number;
  new_rate_percent: string;
  new_monthly_payment: string;
  remaining_installments: number;
  /** Inserted from a widened string by activities/loan.ts; read and updated as the union. */
  status: RateChangeStatus;
}

/** R-LOAN-6 */
export interface PaymentFreeMonthTable {
  loan_id: string;
  installment_number: number;
  due_date: string;
  granted_on: string;
  capitalised_interest: string | null;
  new_monthly_payment: string | null;
  status: PaymentFreeMonthStatus;
}

/** R-LOAN-7: a confirmed early repayment, settled by a payment made by `pay_by`. */
export interface EarlyRepaymentOrderTable {
  id: string;
  loan_id: string;
  /** whole | partial */
  kind: string;
  confirmed_on: string;
  pay_by: string;
  total: string;
  quote: ColumnType<unknown, string, string>;
  status: EarlyRepaymentOrderStatus;
  settled_by_payment: string | null;
}

/** R-LOAN-8 */
export interface WithdrawalTable {
  loan_id: string;
  notice_date: string;
  repay_by: string;
  principal: string;
  interest: string;
  interest_per_day: string;
  fees_refunded: string;
  total: string;
  invoice_number: number;
  /** Inserted from a widened string by activities/loan.ts; read and updated as the union. */
  status: WithdrawalStatus;
}

export interface PaymentTable {
  id: string;
  /** The bank's unique reference: registering the same bank payment twice is one payment. */
  bank_reference: string;
  ocr_reference: string;
  amount: string;
  /** R-PAY-1: the value date, the day the customer paid (from the bank). */
  payment_date: string;
  /** R-PAY-1: the day the payment was registered here (null: registered before booking dates were kept). */
  booking_date: ColumnType<string | null, string | null | undefined, string | null>;
  /** null while unmatched (suspense). */
  loan_id: string | null;
  status: PaymentStatus;
  allocation: ColumnType<unknown, string | null, string | null> | null;
  received_at: Generated<Date>;
}

/** R-PAY-3: a direct-debit (autogiro) mandate: for a loan's invoices, or (case_id set) a case's plan. */
export type DirectDebitMandateStatus = 'PENDING_SIGNATURE' | 'ACTIVE' | 'FAILED' | 'CANCELLED';

export interface DirectDebitMandateTable {
  id: string;
  customer_id: string;
  loan_id: string;
  case_id: string | null;
  status: DirectDebitMandateStatus;
  clearing_number: string;
  account_number: string;
  /** Personal data (R-SEC-2): the account holder who signs with BankID. */
  payer_personnummer: string;
  provider_mandate_id: string | null;
  bankid_order_ref: string | null;
  signature: string | null;
  failure_reason: string | null;
  /** customer | bank (the payer cancelled at their bank) | operator */
  cancelled_by: string | null;
  created_at: Generated<Date>;
  activated_at: Date | null;
  cancelled_at: Date | null;
  /** R-SEC-2: when the payer's personnummer and account were erased (domain/retention.ts). */
  personal_data_erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type DirectDebitDrawStatus = 'REQUESTED' | 'PAID' | 'REFUSED';

/** R-PAY-3: one draw per idempotency key (an invoice, or a plan installment). */
export interface DirectDebitDrawTable {
  idempotency_key: string;
  mandate_id: string;
  loan_id: string;
  invoice_number: number | null;
  case_id: string | null;
  installment_number: number | null;
  amount: string;
  due_date: string;
  status: DirectDebitDrawStatus;
  draw_id: string | null;
  refusal_reason: string | null;
  payment_id: string | null;
  created_at: Generated<Date>;
}

/** Vendors' notification addresses (R-APP-4: the vendor gets an email when an application is submitted). */
export interface VendorTable {
  id: string;
  name: string;
  email: string;
  updated_at: Generated<Date>;
}

/** JSON columns: read as parsed values, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** The application projection (R-APP-2…4), kept current by the application workflow's activities. */
export interface ApplicationTable {
  id: string;
  reference: string;
  workflow_id: string;
  contract_number: string | null;
  vendor_id: string | null;
  /** customer | vendor */
  created_by: string;
  creator_customer_id: string | null;
  status: ApplicationStatus;
  step: string;
  amount: string;
  term_months: number;
  notice_channel: string;
  payout_account: Json<unknown> | null;
  consolidation_loans: Json<unknown>;
  decision: Json<unknown> | null;
  offer: Json<unknown> | null;
  income_verification: Json<unknown> | null;
  /** Written from the workflow's state, whose field is still a plain string. */
  payout_status: ApplicationPayoutStatus | null;
  loan_id: string | null;
  /** Projection writes carry the workflow's state version; an older one never overwrites a newer. */
  state_version: number;
  created_at: Date | string;
  valid_until: Date | string;
  submitted_at: Date | string | null;
  decided_at: Date | string | null;
  closed_at: Date | string | null;
  updated_at: Date | string;
  /** When the personal data of an application without a loan was erased (R-SEC-2, domain/retention.ts). */
  personal_data_erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ApplicantTable {
  application_id: string;
  idx: number;
  /** Normalised 12 digits: personal data (R-SEC-2). */
  personnummer: string;
  email: string;
  phone: string;
  customer_id: string | null;
  status: ApplicantStatus;
  /** sha256 of the invitation code in the link (R-APP-3). */
  invite_code_hash: string | null;
  identified_at: Date | string | null;
  submitted_at: Date | string | null;
  signed_at: Date | string | null;
  /** The name BankID gave at identification (for the creating vendor's lists). */
  name: Generated<string | null>;
}

export interface ApplicationAnswersTable {
  application_id: string;
  applicant_idx: number;
  personnummer: string;
  answers: Json<unknown>;
  /** Business date of submission; null for a draft (R-APP-6 prefill reads submitted answers). */
  submitted_on: string | null;
  updated_at: Date | string;
}

/** What happened to an application, for operators: no personal data in `detail`. */
export interface ApplicationEventTable {
  id: Generated<string>;
  application_id: string;
  seq: number;
  type: string;
  /** The application's status after the event. */
  status: ApplicationStatus;
  actor: string | null;
  detail: Json<unknown>;
  occurred_at: Date | string;
}

export interface ApplicationPayoutTable {
  idempotency_key: string;
  application_id: string;
  /** `creditor:<n>` or `applicant` (R-APP-10) */
  leg: string;
  payout_id: string;
  amount: string;
  execution_date: string;
  status: ApplicationPayoutLegStatus;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * Customers' contact details for notices (R-LOAN-11). Personal data (R-SEC-2): never logged.
 * Upserted when an application pays out; the postal address is optional (letters then go to the
 * address the print-and-post service holds for the customer id).
 */
export interface CustomerTable {
  id: string;
  email: string | null;
  phone: string | null;
  postal_name: string | null;
  postal_street: string | null;
  postal_code: string | null;
  postal_city: string | null;
  updated_at: Generated<Date>;
}

/** The customer mailbox (R-LOAN-11): one row per notice, written once per idempotency key. */
export interface MailboxMessageTable {
  id: Generated<string>;
  idempotency_key: string;
  customer_id: string;
  loan_id: string | null;
  application_id: string | null;
  kind: string;
  subject: string;
  body: string;
  /** Business date (YYYY-MM-DD) of the notice. */
  business_date: string;
  created_at: Generated<Date>;
  read_at: Date | null;
  /** When the customer was told by SMS or email that new mail arrived (once). */
  notified_at: Date | null;
  /** sms | email | none (no contact details known) */
  notified_channel: string | null;
  by_post: Generated<boolean>;
  /** When the printed letter was handed to the print-and-post service (once). */
  posted_at: Date | null;
}

/** R-LOAN-9: a complaint on a loan and its written answer (kept current by the complaint workflow). */
export interface ComplaintTable {
  id: string;
  loan_id: string;
  customer_id: string;
  workflow_id: string;
  /** Business dates (YYYY-MM-DD). */
  received_on: string;
  escalate_on: string;
  answer_due_on: string;
  subject: string;
  text: string;
  status: ComplaintStatus;
  escalated_on: string | null;
  answered_on: string | null;
  answer: string | null;
  /** The operator who answered (their token's subject). */
  answered_by: string | null;
  received_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * R-SEC-1: one row per operator request, written after the response finished. `params` holds the
 * path parameters (ids only); no request bodies and no personal data.
 */
export interface OperatorAuditTable {
  /** bigserial: arrives as a string. */
  id: Generated<string>;
  at: Generated<Date>;
  /** The operator token's subject. */
  operator: string;
  /** GET | POST | … */
  method: string;
  /** The route template as in the OpenAPI document, e.g. `/v1/loans/{loanId}`. */
  route: string;
  params: ColumnType<Record<string, string>, string, string>;
  status: number;
  /** ok | refused | error */
  outcome: string;
}

/** Browser sessions of web/ (token hashed; data: customer, CSRF token, BankID order). */
export interface WebSessionTable {
  token_hash: string;
  data: Json<unknown>;
  created_at: Generated<Date>;
  expires_at: Date;
}

export interface BankIdQrSecretTable {
  order_ref: string;
  qr_start_token: string;
  qr_start_secret: string;
  started_at: Date;
  expires_at: Date;
  created_at: Generated<Date>;
}

/** R-PAY-2: an imported bank file (db/payment-file-repository.ts). */
export interface PaymentFileTable {
  id: string;
  identity: string;
  content_hash: string;
  format: string;
  imported_by: string;
  imported_on: string;
  report: Json<unknown>;
  imported_at: Generated<Date>;
}

/** R-PAY-4: a refund to the customer (db/refund-repository.ts). */
export interface RefundTable {
  id: string;
  loan_id: string;
  customer_id: string;
  reason: string;
  amount: string;
  business_date: string;
  status: 'PENDING' | 'PAID' | 'FAILED';
  attempt: ColumnType<number, number | undefined, number>;
  to_account: ColumnType<unknown, string | null | undefined, string | null>;
  payout_id: ColumnType<string | null, string | null | undefined, string | null>;
  execution_date: ColumnType<string | null, string | null | undefined, string | null>;
  failure: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface VendorUserTable {
  id: string;
  vendor_id: string;
  /** Lower case. */
  email: string;
  /** argon2id (PHC string). */
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface VendorPasswordResetTable {
  token_hash: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
}

export interface Database {
  diagnostic_runs: DiagnosticRunTable;
  loans: LoanTable;
  ledger_postings: LedgerPostingTable;
  ledger_entries: LedgerEntryTable;
  invoices: InvoiceTable;
  payments: PaymentTable;
  termination_notices: TerminationNoticeTable;
  collection_cases: CollectionCaseTable;
  collection_case_events: CollectionCaseEventTable;
  vendors: VendorTable;
  applications: ApplicationTable;
  applicants: ApplicantTable;
  application_answers: ApplicationAnswersTable;
  application_events: ApplicationEventTable;
  application_payouts: ApplicationPayoutTable;
  customers: CustomerTable;
  mailbox_messages: MailboxMessageTable;
  complaints: ComplaintTable;
  rate_changes: RateChangeTable;
  payment_free_months: PaymentFreeMonthTable;
  early_repayment_orders: EarlyRepaymentOrderTable;
  withdrawals: WithdrawalTable;
  operator_audit: OperatorAuditTable;
  web_sessions: WebSessionTable;
  bankid_qr_secrets: BankIdQrSecretTable;
  direct_debit_mandates: DirectDebitMandateTable;
  direct_debit_draws: DirectDebitDrawTable;
  payment_files: PaymentFileTable;
  refunds: RefundTable;
  vendor_users: VendorUserTable;
  vendor_password_resets: VendorPasswordResetTable;
}

export type Db = Kysely<Database>;

export function createDb(
  databaseUrl: string,
  maxConnections = 10,
  onConnectionError: (err: Error) => void = () => undefined,
): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // A connection dropped by the server (restart, pg_terminate_backend, an outage) must not crash
  // the process: idle ones are reported through the pool, checked-out ones (a transaction between
  // statements) through their own listener. The broken client is discarded on release, the pool
  // opens a new one, and the next query reports any real outage.
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
