/**
 * R-PAY-2: importing a Bankgirot BgMax file — what `POST /v1/payment-files` and `npm run
 * import:bgmax` both call. The file is parsed whole first (a malformed file is refused with the line
 * and the reason, and nothing of it is stored); then every payment is registered as a single
 * payment is (api/payment-registration.ts) and the file recorded with its report, in one
 * transaction: all or nothing. A file is imported at most once: its identity (the start record's
 * timestamp and the payee bankgiros) and its content hash are unique; the same file again answers
 * with the first import's report. The payments' workflows start after the commit, each once.
 */
import type { Client } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import { BgMaxFormatError, decodeBgMax, parseBgMax } from '../adapters/bankgirot';
import type { Db } from '../db/database';
import { findPayment, type PaymentRow } from '../db/loan-repository';
import { findPaymentFileByIdentity, insertPaymentFile, type PaymentFileRow } from '../db/payment-file-repository';
import type { IsoDate } from '../domain/dates';
import { Decimal, formatAmount, sumAmounts } from '../domain/money';
import { planFilePayments, type RefusedRecord } from '../domain/payment-file';
import { registerIncomingPayment, startPaymentWorkflow } from './payment-registration';

export interface PaymentFileReport {
  fileId: string;
  format: 'bgmax';
  /** The start record's timestamp and the payee bankgiros. */
  identity: string;
  contentHash: string;
  /** A test file (test mark T) from Bankgirot. */
  test: boolean;
  importedOn: IsoDate;
  deposits: { serial: string; paymentDate: IsoDate; amount: string; payments: number }[];
  /** Payment and deduction records in the file. */
  records: number;
  /** Registered payments, and their sum. */
  count: number;
  total: string;
  matched: { count: number; total: string };
  suspense: { count: number; total: string };
  refused: RefusedRecord[];
  payments: {
    line: number;
    paymentId: string;
    bankReference: string;
    ocrReference: string;
    amount: string;
    paymentDate: IsoDate;
    /** At import: RECEIVED (matched to a loan) or SUSPENSE. */
    status: string;
    loanId: string | null;
  }[];
}

export type PaymentFileImport =
  | { kind: 'imported' | 'repeat'; report: PaymentFileReport; startFailures: number }
  | { kind: 'malformed'; line: number; reason: string }
  | { kind: 'conflict'; fileId: string; detail: string };

export interface PaymentFileDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export async function importBgMaxFile(
  deps: PaymentFileDeps,
  bytes: Uint8Array,
  by: { operator: string; today: IsoDate },
): Promise<PaymentFileImport> {
  let file;
  try {
    file = parseBgMax(decodeBgMax(bytes));
  } catch (error) {
    if (error instanceof BgMaxFormatError) return { kind: 'malformed', line: error.line, reason: error.reason };
    throw error;
  }
  const identity = `bgmax:${file.timestamp}:${file.payeeBankgiros.join(',')}`;
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const known = await findPaymentFileByIdentity(deps.db, identity, contentHash);
  if (known) return answerKnown(deps, known, contentHash);

  const plan = planFilePayments(file.timestamp, file.payments);
  const fileId = randomUUID();
  let report: PaymentFileReport;
  try {
    report = await deps.db.transaction().execute(async (trx) => {
      const refused = [...plan.refused];
      const registered: PaymentFileReport['payments'] = [];
      for (const p of plan.payments) {
        const registration = await registerIncomingPayment(trx, p);
        if (registration.kind === 'conflict') {
          refused.push({
            line: p.line,
            amount: p.amount,
            reason: `bank reference ${p.bankReference} was registered with other details`,
          });
          continue;
        }
        const row = registration.payment;
        registered.push({
          line: p.line,
          paymentId: row.id,
          bankReference: row.bank_reference,
          ocrReference: row.ocr_reference,
          amount: row.amount,
          paymentDate: row.payment_date,
          status: row.status,
          loanId: row.loan_id,
        });
      }
      const sum = (rows: { amount: string }[]) => formatAmount(sumAmounts(rows.map((r) => new Decimal(r.amount))));
      const matched = registered.filter((r) => r.loanId);
      const suspense = registered.filter((r) => !r.loanId);
      const built: PaymentFileReport = {
        fileId,
        format: 'bgmax',
        identity,
        contentHash,
        test: file.test,
        importedOn: by.today,
        deposits: file.deposits.map((d) => ({
          serial: d.serial,
          paymentDate: d.paymentDate,
          amount: d.amount,
          payments: d.paymentCount,
        })),
        records: file.payments.length,
        count: registered.length,
        total: sum(registered),
        matched: { count: matched.length, total: sum(matched) },
        suspense: { count: suspense.length, total: sum(suspense) },
        refused: refused.sort((a, b) => a.line - b.line),
        payments: registered,
      };
      await insertPaymentFile(trx, {
        id: fileId,
        identity,
        content_hash: contentHash,
        format: 'bgmax',
        imported_by: by.operator,
        imported_on: by.today,
        report: built,
      });
      return built;
    });
  } catch (error) {
    // The same file imported concurrently: the other import committed first.
    if ((error as { code?: string }).code === '23505') {
      const other = await findPaymentFileByIdentity(deps.db, identity, contentHash);
      if (other) return answerKnown(deps, other, contentHash);
    }
    throw error;
  }
  return { kind: 'imported', report, startFailures: await startWorkflows(deps, report) };
}

async function answerKnown(deps: PaymentFileDeps, known: PaymentFileRow, contentHash: string) {
  if (known.content_hash !== contentHash) {
    return {
      kind: 'conflict' as const,
      fileId: known.id,
      detail: `another file with the same identity (${known.identity}) was imported as ${known.id}`,
    };
  }
  const report = known.report as PaymentFileReport;
  // A repeat also starts what an outage left unstarted.
  return { kind: 'repeat' as const, report, startFailures: await startWorkflows(deps, report) };
}

/** Starts each matched payment's workflow once; answers how many could not be started (Temporal down). */
async function startWorkflows(deps: PaymentFileDeps, report: PaymentFileReport): Promise<number> {
  let failures = 0;
  for (const p of report.payments) {
    if (!p.loanId) continue;
    const row: PaymentRow | undefined = await findPayment(deps.db, p.paymentId);
    if (!row) continue;
    try {
      await startPaymentWorkflow(deps.temporal, deps.taskQueue, row);
    } catch {
      failures++;
    }
  }
  return failures;
}
