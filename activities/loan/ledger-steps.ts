/** Steps several loan activities take inside their transaction: accruing default interest, writing an invoice, the plan. */
import type { Db } from '../../db/database';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import {
  findLoanOrThrow,
  insertInvoice,
  type LoanRow,
  setDefaultInterestAccruedUntil,
  updateInvoice,
} from '../../db/loan-repository';
import { DEFAULT_PRODUCT } from '../../domain/product';
import type { OpenLineKind } from '../../domain/allocation';
import type { IsoDate } from '../../domain/dates';
import { installmentInvoiceLines, invoiceTotal, remainingPaymentPlan } from '../../domain/invoicing';
import { chargePosting, invoicePosting, type Posting } from '../../domain/ledger';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { invoiceOcrReference } from '../../domain/ocr';
import { idempotencyKey } from '../../domain/idempotency';
import { defaultInterestToAccrue } from '../../domain/overdue';
import type { NoticeChannel } from '../../domain/product';

/**
 * R-LOAN-3: posts the default interest due up to and including `until` (domain/overdue.ts). Runs
 * inside the caller's transaction before anything changes the overdue amounts.
 */
export async function accrueDefaultInterest(trx: Db, loanId: string, until: IsoDate): Promise<Decimal> {
  const loan = await findLoanOrThrow(trx, loanId);
  const accrual = defaultInterestToAccrue({
    openItems: await openInvoiceItems(trx, loanId),
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    accruedUntil: loan.default_interest_accrued_until,
    until,
  });
  if (!accrual) return ZERO;
  if (accrual.posted.greaterThan(0)) {
    await postInTransaction(
      trx,
      chargePosting(
        loanId,
        accrual.onInvoice!,
        until,
        'default-interest',
        accrual.posted,
        idempotencyKey(loanId, 'default-interest', until),
      ),
    );
  }
  await setDefaultInterestAccruedUntil(trx, loanId, until);
  return accrual.posted;
}

/**
 * R-LOAN-3 (one meaning of late, docs/loans.md): an installment invoice not fully paid by the end
 * of its due date — judged by value dates — is late, and its late fee is charged whether the sweep
 * finds it unpaid or a payment made after the due date arrives first; the key is the sweep's
 * (`<loanId>:late-fee:<n>`), so the fee is charged once. Dated `date`
 * (a payment's value date, or the handover, R-COLL-1).
 */
export async function chargeLateFeesOfLateInvoices(trx: Db, loanId: string, date: IsoDate): Promise<void> {
  const late = await trx
    .selectFrom('invoices')
    .select('number')
    .where('loan_id', '=', loanId)
    .where('status', '=', 'OPEN')
    .where('kind', '=', 'installment')
    .where('late_fee_charged_on', 'is', null)
    .where('due_date', '<', date)
    .orderBy('number')
    .execute();
  for (const { number } of late) {
    await postInTransaction(
      trx,
      chargePosting(
        loanId,
        number,
        date,
        'late-fee',
        new Decimal(DEFAULT_PRODUCT.fees.late),
        idempotencyKey(loanId, 'late-fee', number),
      ),
    );
    await updateInvoice(trx, loanId, number, { late_fee_charged_on: date });
  }
}

/** An invoice document and its ledger posting (R-LOAN-1), once per invoice number; returns the posting too. */
export async function writeInvoice(
  trx: Db,
  loan: Pick<LoanRow, 'id' | 'contract_number'>,
  invoice: { number: number; issueDate: IsoDate; dueDate: IsoDate; kind: string },
  lines: { kind: OpenLineKind; amount: Decimal }[],
): Promise<{ ocrReference: string; total: Decimal; posting: Posting }> {
  const total = invoiceTotal(lines);
  const ocrReference = invoiceOcrReference(loan.contract_number, invoice.number);
  await insertInvoice(trx, {
    loan_id: loan.id,
    number: invoice.number,
    issue_date: invoice.issueDate,
    due_date: invoice.dueDate,
    ocr_reference: ocrReference,
    status: 'OPEN',
    paid_date: null,
    late_fee_charged_on: null,
    reminder_sent_on: null,
    reminder_due_date: null,
    lines: JSON.stringify(lines.map((l) => ({ kind: l.kind, amount: formatAmount(l.amount) }))),
    total: formatAmount(total),
    kind: invoice.kind,
  });
  const posting = invoicePosting(loan.id, invoice.number, invoice.issueDate, lines);
  await postInTransaction(trx, posting);
  return { ocrReference, total, posting };
}

/** A payoff or withdrawal invoice: the principal and interest given, no fees. */
export function principalAndInterestLines(principal: Decimal, interest: Decimal) {
  return installmentInvoiceLines({ principal, interest, noticeFee: ZERO, setupFee: ZERO });
}

/**
 * The principal the current plan leaves before installment `number` (R-LOAN-12's plan from the
 * ledger): what a rate change (R-LOAN-5) or a payment-free month (R-LOAN-6) announced today acts on.
 */
export async function plannedPrincipalBefore(
  trx: Db,
  loan: Pick<LoanRow, 'id' | 'payout_date' | 'nominal_rate_percent' | 'monthly_payment' | 'notice_channel'>,
  position: { nextInstallment: number; termMonths: number },
  number: number,
): Promise<Decimal> {
  const { principal_outstanding } = await loanAccountBalances(trx, loan.id);
  const plan = remainingPaymentPlan({
    payoutDate: loan.payout_date,
    termMonths: position.termMonths,
    nextNumber: position.nextInstallment,
    principalOutstanding: principal_outstanding,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    monthlyPayment: new Decimal(loan.monthly_payment),
    noticeChannel: loan.notice_channel as NoticeChannel,
  });
  return plan.filter((p) => p.number < number).pop()?.balanceAfter ?? principal_outstanding;
}
