/**
 * R-PAY-3: direct debit (autogiro). Mandates are activated at the direct-debit service once signed
 * with BankID and cancelled on request; draws are requested on a due date, once per idempotency key
 * (the first attempt's amount is recorded before the service is asked, so a retry asks for the same
 * draw), and a paid draw is registered and applied exactly as a bank file's payment is
 * (activities/loan/payments registerAndApplyPayment, bureau client included) under the bank reference
 * `autogiro:<drawId>`, so it is booked once. A refused draw books nothing: the invoice stays unpaid
 * and the loan's late path follows; a plan installment counts as missed (R-COLL-6).
 */
import { ApplicationFailure } from '@temporalio/activity';
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
  insertMandate,
  type DrawRow,
  type MandateRow,
  recordDraw,
  setMandateOrder,
  settleDraw,
} from '../db/direct-debit-repository';
import { openInvoiceItems } from '../db/ledger-repository';
import { findInvoice, findLoan } from '../db/loan-repository';
import { totalRemaining } from '../domain/allocation';
import { type IsoDate, stockholmDate } from '../domain/dates';
import { Decimal, formatAmount } from '../domain/money';
import { failFastOnAdapterRefusal } from './adapter-failure';
import { registerAndApplyPayment } from './loan/payments';
import { deliverNotice } from './notices';
import {
  type DirectDebitNotice,
  drawRefusedNotice,
  type MandateFor,
  mandateActiveNotice,
  mandateCancelledNotice,
} from '../texts/direct-debit';

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

/** The mandate's payer-side data as given at signing (R-PROD-2: the loan's notice channel is autogiro). */
export interface SigningMandateInput {
  mandateId: string;
  loanId: string;
  customerId: string;
  clearingNumber: string;
  accountNumber: string;
  payerPersonnummer: string;
  /** A reference to the BankID signature of the offer, which covers the mandate. */
  signature: string;
  date: IsoDate;
}

export function createDirectDebitActivities(db: Db, adapters: Adapters) {
  /** What the mandate serves, as the customer reads it. */
  async function mandateFor(row: MandateRow): Promise<MandateFor> {
    if (row.case_id) {
      const caseRow = await findCollectionCase(db, row.case_id);
      return { kind: 'case', caseNumber: caseRow?.case_number ?? '' };
    }
    const loan = await findLoan(db, row.loan_id);
    return { kind: 'loan', contractNumber: loan?.contract_number ?? '' };
  }

  /** R-LOAN-11: a direct-debit notice in the customer's mailbox with the new-mail SMS/e-mail, once per key. */
  async function notify(row: MandateRow, key: string, kind: string, text: DirectDebitNotice, date?: IsoDate) {
    await deliverNotice(db, adapters, {
      idempotencyKey: key,
      customerId: row.customer_id,
      loanId: row.loan_id,
      kind,
      subject: text.subject,
      body: text.body,
      date: date ?? stockholmDate(new Date()),
    });
  }

  async function notifyActive(row: MandateRow, atSigning: boolean, date?: IsoDate): Promise<void> {
    const text = mandateActiveNotice({
      for: await mandateFor(row),
      clearingNumber: row.clearing_number,
      accountNumber: row.account_number,
      atSigning,
    });
    await notify(row, `direct-debit-mandate:${row.id}:active`, 'direct-debit-mandate-active', text, date);
  }

  async function notifyCancelled(row: MandateRow, date?: IsoDate): Promise<void> {
    if (row.status !== 'CANCELLED') return;
    const by = (row.cancelled_by ?? 'customer') as 'customer' | 'operator' | 'bank';
    const text = mandateCancelledNotice({ for: await mandateFor(row), by });
    await notify(row, `direct-debit-mandate:${row.id}:cancelled`, 'direct-debit-mandate-cancelled', text, date);
  }

  /** Registers a signed mandate at the direct-debit service (once per key) and makes it ACTIVE. */
  async function register(row: MandateRow, signature: string): Promise<MandateRow> {
    if (row.status === 'PENDING_SIGNATURE') {
      const registered = await failFastOnAdapterRefusal('direct-debit mandate', () =>
        adapters.directDebit.registerMandate({
          idempotencyKey: `mandate-${row.id}:register`,
          reference: row.id,
          payerPersonalNumber: row.payer_personnummer,
          account: { clearingNumber: row.clearing_number, accountNumber: row.account_number },
        }),
      );
      await activateMandate(db, row.id, { providerMandateId: registered.mandateId, signature });
    }
    return (await findMandate(db, row.id))!;
  }

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
      if (reason === 'mandate_cancelled') await cancelMandateRow(db, mandate.id, 'bank');
      // R-PAY-3, R-LOAN-11: the customer is told before the draw is settled, so a retry after a
      // failed delivery tells them (once per key) rather than finding the draw settled and silent.
      if (row.invoice_number !== null) {
        const text = drawRefusedNotice({
          contractNumber: (await findLoan(db, row.loan_id))?.contract_number ?? '',
          invoiceNumber: row.invoice_number,
          amount: row.amount,
          dueDate: row.due_date,
          ocrReference: ocr,
          reason,
        });
        const key = `direct-debit-draw:${row.idempotency_key}:refused`;
        await notify(mandate, key, 'direct-debit-refused', text, row.due_date);
      }
      if (reason === 'mandate_cancelled') await notifyCancelled((await findMandate(db, mandate.id))!, row.due_date);
      await settleDraw(db, row.idempotency_key, {
        status: 'REFUSED',
        draw_id: result.drawId,
        refusal_reason: reason,
        payment_id: null,
      });
      return { outcome: 'refused', amount: row.amount, reason };
    }
    // The same registration and application a bank file's payment gets (R-LOAN-2, R-COLL-9, R-PAY-1:
    // bureau withdrawals included), once per draw. A draw is paid only with real adapters.
    const { payment } = await registerAndApplyPayment(db, adapters.bureau, {
      bankReference: `autogiro:${result.drawId}`,
      ocrReference: ocr,
      amount: formatAmount(new Decimal(result.amount)),
      paymentDate: row.due_date,
    });
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

    /** The mandate was signed: registered at the direct-debit service (once per key) and ACTIVE; the customer is told. */
    async activateDirectDebitMandate(input: {
      mandateId: string;
      signature: string;
      date?: IsoDate;
    }): Promise<MandateTarget> {
      const row = await findMandate(db, input.mandateId);
      if (!row) throw ApplicationFailure.nonRetryable(`no mandate ${input.mandateId}`, 'NotFound');
      const now = await register(row, input.signature);
      if (now.status === 'ACTIVE') await notifyActive(now, false, input.date);
      return targetOf(db, now);
    },

    /**
     * R-PAY-3, R-PROD-2: a loan whose application chose autogiro gets its mandate when it opens: the
     * payout account the applicant stated, the applicant as payer, covered by the offer's BankID
     * signature (no second signature). Recorded once per mandate id and registered once per key; a
     * loan that already has a live mandate keeps it.
     */
    async registerSigningMandate(input: SigningMandateInput): Promise<MandateTarget> {
      await insertMandate(db, {
        id: input.mandateId,
        customerId: input.customerId,
        loanId: input.loanId,
        caseId: null,
        clearingNumber: input.clearingNumber,
        accountNumber: input.accountNumber,
        payerPersonnummer: input.payerPersonnummer,
      });
      const row =
        (await findMandate(db, input.mandateId)) ?? (await findLiveMandate(db, { loanId: input.loanId, caseId: null }));
      if (!row) throw ApplicationFailure.nonRetryable(`no mandate for loan ${input.loanId}`, 'NotFound');
      const now = row.id === input.mandateId ? await register(row, input.signature) : row;
      if (now.status === 'ACTIVE' && now.id === input.mandateId) await notifyActive(now, true, input.date);
      return targetOf(db, now);
    },

    async failDirectDebitMandate(input: { mandateId: string; reason: string }): Promise<MandateTarget> {
      await failMandate(db, input.mandateId, input.reason);
      return targetOf(db, (await findMandate(db, input.mandateId))!);
    },

    /** Cancelled at the service (when it was registered there) and in the records; a repeat changes nothing. */
    async cancelDirectDebitMandate(input: {
      mandateId: string;
      by: 'customer' | 'operator';
      date?: IsoDate;
    }): Promise<MandateTarget> {
      const row = await findMandate(db, input.mandateId);
      if (!row) throw ApplicationFailure.nonRetryable(`no mandate ${input.mandateId}`, 'NotFound');
      if (row.provider_mandate_id && (row.status === 'ACTIVE' || row.status === 'CANCELLED')) {
        await failFastOnAdapterRefusal('direct-debit cancel', () =>
          adapters.directDebit.cancelMandate(row.provider_mandate_id!),
        );
      }
      await cancelMandateRow(db, row.id, input.by);
      const now = (await findMandate(db, row.id))!;
      // Only a mandate that was in force is announced as ended (a pending one never drew anything).
      if (row.provider_mandate_id) await notifyCancelled(now, input.date);
      return targetOf(db, now);
    },
  };
}

export type DirectDebitActivities = ReturnType<typeof createDirectDebitActivities>;
