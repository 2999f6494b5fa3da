/**
 * R-PAY-3: direct debit (autogiro). Mandates are activated at the direct-debit service once signed
 * with BankID and cancelled on request; draws are requested on a due date, once per idempotency key
 * (the first attempt's amount is recorded before the service is asked, so a retry asks for the same
 * draw), and a paid draw is registered and applied exactly as a bank file's payment is
 * (db/loan-repository registerPayment, then applyPaymentToLoan) under the bank reference
 * `autogiro:<drawId>`, so it is booked once. A refused draw books nothing: the invoice stays unpaid
 * and the loan's late path follows; a plan installment counts as missed (R-COLL-6).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import type { Adapters } from '../adapters';
import type { DrawResult } from '../adapters/direct-debit';
import { findCollectionCase } from '../db/collection-case-repository';
import type { Db } from '../db/database';
import {
  activateMandate,
  cancelMandateRow,
  failMandate,
  findDraw,
  findLiveMandate,
  findMandate,
  type DrawRow,
  type MandateRow,
  recordDraw,
  setMandateOrder,
  settleDraw,
} from '../db/direct-debit-repository';
import { openInvoiceItems } from '../db/ledger-repository';
import { findInvoice, findLoan, registerPayment } from '../db/loan-repository';
import { totalRemaining } from '../domain/allocation';
import type { IsoDate } from '../domain/dates';
import { Decimal, formatAmount } from '../domain/money';
import { failFastOnAdapterRefusal } from './adapter-failure';
import { applyPaymentToLoan } from './loan/payments';

export type DrawOutcome =
  | { outcome: 'paid'; amount: string; paymentId: string; paymentDate: IsoDate }
  | { outcome: 'refused'; amount: string; reason: string }
  /** Nothing left to draw (paid meanwhile), or no active mandate: nothing was asked of the bank. */
  | { outcome: 'nothing-to-draw' | 'no-mandate' };

/** Who a mandate serves: the loan's invoices, or a case's plan (`caseNumber`). */
export interface MandateTarget {
  mandateId: string;
  status: MandateRow['status'];
  loanId: string;
  caseNumber: string | null;
}

async function targetOf(db: Db, row: MandateRow): Promise<MandateTarget> {
  const caseRow = row.case_id ? await findCollectionCase(db, row.case_id) : undefined;
  return { mandateId: row.id, status: row.status, loanId: row.loan_id, caseNumber: caseRow?.case_number ?? null };
}

function settledOutcome(row: DrawRow): DrawOutcome | undefined {
  if (row.status === 'PAID')
    return { outcome: 'paid', amount: row.amount, paymentId: row.payment_id!, paymentDate: row.due_date };
  if (row.status === 'REFUSED') return { outcome: 'refused', amount: row.amount, reason: row.refusal_reason ?? '' };
  return undefined;
}

export function createDirectDebitActivities(db: Db, adapters: Adapters) {
  /** Asks the service for the recorded draw and waits (briefly) for it to settle; Temporal retries the rest. */
  async function requestRecordedDraw(row: DrawRow, mandate: MandateRow, reference: string): Promise<DrawResult> {
    const client = adapters.directDebit;
    let result = await failFastOnAdapterRefusal('direct-debit draw', () =>
      client.requestDraw({
        idempotencyKey: row.idempotency_key,
        mandateId: mandate.provider_mandate_id!,
        amount: row.amount,
        dueDate: row.due_date,
        reference,
      }),
    );
    for (let i = 0; i < 5 && result.status === 'requested'; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      result = { ...(await client.getDraw(result.drawId)), replayed: true };
    }
    if (result.status === 'requested') {
      throw ApplicationFailure.retryable('the draw is not settled yet', 'DrawNotSettled');
    }
    return result;
  }

  /** Registers and applies a paid draw, or records a refusal (a cancelled mandate ends the mandate). */
  async function settle(row: DrawRow, mandate: MandateRow, result: DrawResult, ocr: string): Promise<DrawOutcome> {
    if (result.status === 'refused') {
      const reason = result.refusalReason ?? 'refused';
      await settleDraw(db, row.idempotency_key, {
        status: 'REFUSED',
        draw_id: result.drawId,
        refusal_reason: reason,
        payment_id: null,
      });
      if (reason === 'mandate_cancelled') await cancelMandateRow(db, mandate.id, 'bank');
      return { outcome: 'refused', amount: row.amount, reason };
    }
    // The same registration a bank file's payment gets (R-LOAN-2, R-COLL-9), once per draw.
    const payment = await registerPayment(db, {
      id: randomUUID(),
      bankReference: `autogiro:${result.drawId}`,
      ocrReference: ocr,
      amount: formatAmount(new Decimal(result.amount)),
      paymentDate: row.due_date,
    });
    await applyPaymentToLoan(db, payment.id);
    await settleDraw(db, row.idempotency_key, {
      status: 'PAID',
      draw_id: result.drawId,
      refusal_reason: null,
      payment_id: payment.id,
    });
    return { outcome: 'paid', amount: row.amount, paymentId: payment.id, paymentDate: row.due_date };
  }

  return {
    /**
     * R-PAY-3: draws what is still unpaid on a loan invoice on its due date, once per key; an invoice
     * already paid (the customer paid it themselves) is not drawn.
     */
    async drawLoanInvoice(input: {
      loanId: string;
      invoiceNumber: number;
      idempotencyKey: string;
      date: IsoDate;
    }): Promise<DrawOutcome> {
      const recorded = await findDraw(db, input.idempotencyKey);
      const settled = recorded && settledOutcome(recorded);
      if (settled) return settled;
      // A draw already asked for is finished under the mandate it was asked under.
      const mandate = recorded
        ? await findMandate(db, recorded.mandate_id)
        : await findLiveMandate(db, { loanId: input.loanId, caseId: null });
      if (!mandate || (!recorded && mandate.status !== 'ACTIVE')) return { outcome: 'no-mandate' };
      const invoice = await findInvoice(db, input.loanId, input.invoiceNumber);
      if (!invoice) throw new Error(`no invoice ${input.invoiceNumber} on loan ${input.loanId}`);
      let row = recorded;
      if (!row) {
        const loan = await findLoan(db, input.loanId);
        const item = (await openInvoiceItems(db, input.loanId)).find((i) => i.id === String(input.invoiceNumber));
        const remaining = item ? totalRemaining([item]) : new Decimal(0);
        if (loan?.status !== 'ACTIVE' || !remaining.greaterThan(0)) return { outcome: 'nothing-to-draw' };
        row = await recordDraw(db, {
          idempotency_key: input.idempotencyKey,
          mandate_id: mandate.id,
          loan_id: input.loanId,
          invoice_number: input.invoiceNumber,
          amount: formatAmount(remaining),
          due_date: input.date,
        });
      }
      const result = await requestRecordedDraw(row, mandate, invoice.ocr_reference);
      return settle(row, mandate, result, invoice.ocr_reference);
    },

    /** R-COLL-6, R-PAY-3: draws a plan installment (what is still short of it) on its day, once per key. */
    async drawPlanInstallment(input: {
      caseId: string;
      number: number;
      amount: string;
      idempotencyKey: string;
      date: IsoDate;
    }): Promise<DrawOutcome> {
      const recorded = await findDraw(db, input.idempotencyKey);
      const settled = recorded && settledOutcome(recorded);
      if (settled) return settled;
      const caseRow = await findCollectionCase(db, input.caseId);
      if (!caseRow?.ocr_reference || caseRow.status !== 'OPEN') return { outcome: 'nothing-to-draw' };
      const mandate = recorded
        ? await findMandate(db, recorded.mandate_id)
        : await findLiveMandate(db, { loanId: caseRow.loan_id, caseId: caseRow.id });
      if (!mandate || (!recorded && mandate.status !== 'ACTIVE')) return { outcome: 'no-mandate' };
      if (!recorded && !new Decimal(input.amount).greaterThan(0)) return { outcome: 'nothing-to-draw' };
      const row =
        recorded ??
        (await recordDraw(db, {
          idempotency_key: input.idempotencyKey,
          mandate_id: mandate.id,
          loan_id: caseRow.loan_id,
          case_id: caseRow.id,
          installment_number: input.number,
          amount: formatAmount(new Decimal(input.amount)),
          due_date: input.date,
        }));
      const result = await requestRecordedDraw(row, mandate, caseRow.ocr_reference);
      return settle(row, mandate, result, caseRow.ocr_reference);
    },

    async recordMandateOrder(input: { mandateId: string; orderRef: string }): Promise<void> {
      await setMandateOrder(db, input.mandateId, input.orderRef);
    },

    /** The mandate was signed: registered at the direct-debit service (once per key) and ACTIVE. */
    async activateDirectDebitMandate(input: { mandateId: string; signature: string }): Promise<MandateTarget> {
      const row = await findMandate(db, input.mandateId);
      if (!row) throw ApplicationFailure.nonRetryable(`no mandate ${input.mandateId}`, 'NotFound');
      if (row.status === 'PENDING_SIGNATURE') {
        const registered = await failFastOnAdapterRefusal('direct-debit mandate', () =>
          adapters.directDebit.registerMandate({
            idempotencyKey: `mandate-${row.id}:register`,
            reference: row.id,
            payerPersonalNumber: row.payer_personnummer,
            account: { clearingNumber: row.clearing_number, accountNumber: row.account_number },
          }),
        );
        await activateMandate(db, row.id, { providerMandateId: registered.mandateId, signature: input.signature });
      }
      return targetOf(db, (await findMandate(db, row.id))!);
    },

    async failDirectDebitMandate(input: { mandateId: string; reason: string }): Promise<MandateTarget> {
      await failMandate(db, input.mandateId, input.reason);
      return targetOf(db, (await findMandate(db, input.mandateId))!);
    },

    /** Cancelled at the service (when it was registered there) and in the records; a repeat changes nothing. */
    async cancelDirectDebitMandate(input: { mandateId: string; by: 'customer' | 'operator' }): Promise<MandateTarget> {
      const row = await findMandate(db, input.mandateId);
      if (!row) throw ApplicationFailure.nonRetryable(`no mandate ${input.mandateId}`, 'NotFound');
      if (row.provider_mandate_id && (row.status === 'ACTIVE' || row.status === 'CANCELLED')) {
        await failFastOnAdapterRefusal('direct-debit cancel', () =>
          adapters.directDebit.cancelMandate(row.provider_mandate_id!),
        );
      }
      await cancelMandateRow(db, row.id, input.by);
      return targetOf(db, (await findMandate(db, row.id))!);
    },
  };
}

export type DirectDebitActivities = ReturnType<typeof createDirectDebitActivities>;
