/**
 * R-LOAN-11: late payments are reported to the credit bureau (seed 002 §11: "Uppgifter om lånet,
 * betalningsförsummelse … kan komma att lämnas till kreditupplysningsföretag"). The loan workflow
 * calls `reportLatePaymentToBureau` when a reminder goes out (R-LOAN-3), with an idempotency key
 * derived from its workflow id and the missed item, e.g. `loan-<id>:bureau-late:<invoiceNumber>`.
 *
 * The bureau knows people by personal identity number, which the loan does not carry (its row has
 * the main applicant's customer id only). The activity resolves the borrowers itself
 * (db/borrower-repository.ts): every applicant of the application with the loan's contract number
 * — each signed the loan, so each is reported, under `<key>:borrower-<n>` — or else the latest
 * identified applicant row of the loan's customer. Resolving here keeps personal identity numbers
 * out of the loan workflow's input and history; nothing returned or logged names a person.
 * A loan with no known identity is not reported (status `SKIPPED`, reason `no-borrower-identity`),
 * so the caller can record that instead of retrying forever.
 *
 * Each report the bureau confirms is recorded with its id (db/bureau-report-repository.ts), so a
 * report a value-dated payment would have prevented (R-PAY-1) can be withdrawn:
 * `withdrawPreventedBureauReports` runs after the payment's transaction marked them.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Adapters } from '../adapters';
import { failFastOnAdapterRefusal } from './adapter-failure';
import type { BureauClient } from '../adapters/bureau';
import { AdapterError } from '../adapters/shared/errors';
import { findLoanBorrowers } from '../db/borrower-repository';
import {
  markReportWithdrawn,
  markWithdrawalRefused,
  pendingWithdrawals,
  recordLatePaymentReport,
} from '../db/bureau-report-repository';
import type { Db } from '../db/database';
import { compareDates, isIsoDate, type IsoDate } from '../domain/dates';
import { idempotencyKey as stepKey } from '../domain/idempotency';
import { formatAmount, isAmountString, parseAmount } from '../domain/money';

export interface LatePaymentToBureauInput {
  /** From the loan workflow id and the missed item: `loan-<id>:bureau-late:<invoiceNumber>`. */
  idempotencyKey: string;
  loanId: string;
  /** SEK overdue on `reportedOn`, decimal string > 0. */
  amountOverdue: string;
  /** The due date that was missed. */
  dueDate: IsoDate;
  /** Business date of the report (the reminder's date); on or after `dueDate`. */
  reportedOn: IsoDate;
}

export interface LatePaymentToBureauResult {
  status: 'REPORTED' | 'SKIPPED';
  reason?: 'no-borrower-identity';
  /** One per borrower, in applicant order; ids only (no personal data). */
  reports: { borrower: number; idempotencyKey: string; reportId: string; replayed: boolean }[];
}

function invalid(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidLatePaymentReport', message, nonRetryable: true });
}

export function createBureauReportingActivities(db: Db, adapters: Adapters) {
  return {
    /** R-LOAN-11: idempotent per key; a repeat returns the first receipts (`replayed: true`). */
    async reportLatePaymentToBureau(input: LatePaymentToBureauInput): Promise<LatePaymentToBureauResult> {
      if (!input.idempotencyKey) invalid('idempotencyKey required');
      if (!isAmountString(input.amountOverdue) || !parseAmount(input.amountOverdue).greaterThan(0))
        invalid('amountOverdue must be a positive amount string');
      if (!isIsoDate(input.dueDate) || !isIsoDate(input.reportedOn)) invalid('dates must be YYYY-MM-DD');
      if (compareDates(input.reportedOn, input.dueDate) < 0) invalid('reportedOn is before dueDate');

      const found = await findLoanBorrowers(db, input.loanId);
      if (!found)
        throw ApplicationFailure.create({
          type: 'LoanNotFound',
          message: `no loan ${input.loanId}`,
          nonRetryable: true,
        });
      if (found.borrowers.length === 0) return { status: 'SKIPPED', reason: 'no-borrower-identity', reports: [] };

      const reports: LatePaymentToBureauResult['reports'] = [];
      for (const [borrower, b] of found.borrowers.entries()) {
        const idempotencyKey = stepKey(input.idempotencyKey, `borrower-${borrower}`);
        // Adapter messages never contain the personnummer.
        const receipt = await failFastOnAdapterRefusal('bureau reportLatePayment', () =>
          adapters.bureau.reportLatePayment({
            idempotencyKey,
            personalNumber: b.personnummer,
            creditReference: found.contractNumber,
            amountOverdue: formatAmount(parseAmount(input.amountOverdue)),
            dueDate: input.dueDate,
            reportedOn: input.reportedOn,
          }),
        );
        await recordLatePaymentReport(db, {
          idempotencyKey,
          loanId: input.loanId,
          borrower,
          reportId: receipt.reportId,
          dueDate: input.dueDate,
          reportedOn: input.reportedOn,
        });
        reports.push({ borrower, idempotencyKey, reportId: receipt.reportId, replayed: receipt.replayed });
      }
      return { status: 'REPORTED', reports };
    },
  };
}

/**
 * R-PAY-1: withdraws at the bureau every report of the loan a payment marked for withdrawal, each
 * under its own idempotency key (so a retry never withdraws twice). A refusal the bureau would
 * repeat (not retryable) is recorded on the report for an operator and the others go on; any other
 * failure is thrown for the caller's activity to be retried, after the rest were tried.
 */
export async function withdrawPreventedBureauReports(
  db: Db,
  bureau: BureauClient,
  loanId: string,
): Promise<{ withdrawn: number; refused: number }> {
  let withdrawn = 0;
  let refused = 0;
  let retry: unknown;
  for (const report of await pendingWithdrawals(db, loanId)) {
    try {
      const receipt = await bureau.withdrawReport(report.report_id, report.withdrawal_key!);
      await markReportWithdrawn(db, report.idempotency_key, new Date(receipt.withdrawnAt));
      withdrawn += 1;
    } catch (err) {
      if (err instanceof AdapterError && !err.retryable) {
        await markWithdrawalRefused(db, report.idempotency_key, err.code);
        refused += 1;
      } else retry ??= err;
    }
  }
  if (retry !== undefined) throw retry;
  return { withdrawn, refused };
}

export type BureauReportingActivities = ReturnType<typeof createBureauReportingActivities>;
