/**
 * Every migration, named by its timestamp so they sort in the order they were written.
 * A static list (not a folder scan) works the same under tsx, jest and compiled JavaScript.
 */
import type { Migration } from 'kysely';
import * as diagnostics from './2026-11-21T1300_diagnostics';
import * as loansAndLedger from './2026-11-21T1400_loans_and_ledger';
import * as dunningAndCollection from './2026-11-21T1410_dunning_and_collection';
import * as applications from './2026-11-21T1500_applications';
import * as mailbox from './2026-11-21T1600_mailbox';
import * as complaints from './2026-11-21T1610_complaints';
import * as personalDataErasure from './2026-11-21T1800_personal_data_erasure';
import * as loanChanges from './2026-11-21T1900_loan_changes';
import * as operatorAudit from './2026-11-21T2000_operator_audit';
import * as collectionCase from './2026-11-29T1700_collection_case';
import * as webSessions from './2026-11-29T1700_web_sessions';
import * as backofficeUsers from './2026-11-30T0100_backoffice_users';
import * as bgmaxRefunds from './2026-11-30T0100_bgmax_refunds';
import * as collDebitMandates from './2026-11-30T0100_coll_debit_mandates';
import * as collSelfService from './2026-11-30T0100_coll_self_service';
import * as moneyValueBookingDate from './2026-11-30T0100_money_value_booking_date';
import * as webCustomerBankIdQr from './2026-11-30T0100_web_customer_bankid_qr';
import * as autogiroSigningRetention from './2026-11-30T0200_autogiro_signing_retention';
import * as bureauReportWithdrawal from './2026-11-30T0300_bureau_report_withdrawal';

export const migrations: Record<string, Migration> = {
  '2026-11-21T1300_diagnostics': diagnostics,
  '2026-11-21T1400_loans_and_ledger': loansAndLedger,
  '2026-11-21T1410_dunning_and_collection': dunningAndCollection,
  '2026-11-21T1500_applications': applications,
  '2026-11-21T1600_mailbox': mailbox,
  '2026-11-21T1610_complaints': complaints,
  '2026-11-21T1800_personal_data_erasure': personalDataErasure,
  '2026-11-21T1900_loan_changes': loanChanges,
  '2026-11-21T2000_operator_audit': operatorAudit,
  '2026-11-29T1700_collection_case': collectionCase,
  '2026-11-29T1700_web_sessions': webSessions,
  '2026-11-30T0100_backoffice_users': backofficeUsers,
  '2026-11-30T0100_bgmax_refunds': bgmaxRefunds,
  '2026-11-30T0100_coll_debit_mandates': collDebitMandates,
  '2026-11-30T0100_coll_self_service': collSelfService,
  '2026-11-30T0100_money_value_booking_date': moneyValueBookingDate,
  '2026-11-30T0100_web_customer_bankid_qr': webCustomerBankIdQr,
  '2026-11-30T0200_autogiro_signing_retention': autogiroSigningRetention,
  '2026-11-30T0300_bureau_report_withdrawal': bureauReportWithdrawal,
};
