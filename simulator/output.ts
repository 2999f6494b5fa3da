/**
 * The simulator's one JSON document, read from PostgreSQL (the record of every öre), not from
 * workflow state: what an operator would see for the loan after the simulated period.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { loanAccountBalances, openInvoiceItems } from '../db/ledger-repository';
import { findLoan, listInvoices, listPayments } from '../db/loan-repository';
import { totalRemaining } from '../domain/allocation';
import type { IsoDate } from '../domain/dates';
import { customerDebt, LEDGER_ACCOUNTS } from '../domain/ledger';
import { Decimal, formatAmount } from '../domain/money';
import type { ActionPayment, ActionRecord } from './actions';
import type { RunHistory } from './history';

export interface InvoiceOutput {
  number: number;
  issueDate: IsoDate;
  dueDate: IsoDate;
  ocr: string;
  /** As issued, by line type: `{"notice-fee": "20.00", "interest": "…", "principal": "…"}`. */
  lines: Record<string, string>;
  total: string;
  /** Added to the invoice after issue (late fee, reminder fee, default interest), by type. */
  charges: Record<string, string>;
  status: string;
  paidDate: IsoDate | null;
  lateFeeChargedOn: IsoDate | null;
  /** Still unpaid on this invoice (lines and charges). */
  unpaid: string;
}

export interface ReminderOutput {
  invoice: number;
  sentOn: IsoDate;
  channel: 'post';
  fee: string;
  newDueDate: IsoDate | null;
}

export interface PaymentOutput {
  date: IsoDate;
  amount: string;
  ocr: string;
  /** `borrower` (pays an invoice), `scenario` (a dated payment event), `other`. */
  source: 'borrower' | 'scenario' | 'other';
  /** RECEIVED (not applied yet) | APPLIED | SUSPENSE */
  status: string;
  allocation: { invoice: number; lines: Record<string, string> }[];
  /** What reduced principal not yet invoiced (R-LOAN-7). */
  excess: string | null;
}

export interface TerminationNoticeOutput {
  sequence: number;
  sentOn: IsoDate;
  endsOn: IsoDate;
  /** Which R-LOAN-4 threshold(s) applied. */
  grounds: string[];
  overdueAmount: string;
  /** OPEN | CURED | EXPIRED */
  status: string;
  cured: boolean;
  resolvedOn: IsoDate | null;
}

export interface CollectionOutput {
  openedOn: IsoDate;
  status: string;
  claim: {
    principal: string;
    interest: string;
    fees: string;
    defaultInterest: string;
    collectionFee: string;
    total: string;
  };
}

/** Why the loan refused an action (its refusal's message, domain/refusal.ts), and the request field it names. */
export interface RefusalOutput {
  outcome: 'refused';
  reason: string;
  field?: string;
}

/** R-LOAN-5, R-LOAN-10: a rate change the scenario announced, with the notice the borrower got. */
export type RateChangeOutput = {
  /** Index of the scenario event. */
  event: number;
  changeId: string;
  announcedOn: IsoDate;
  effectiveFrom: IsoDate;
  newNominalRatePercent: string;
} & (
  | {
      outcome: 'accepted';
      firstInstallment: number;
      newMonthlyPayment: string;
      remainingInstallments: number;
      /** From PostgreSQL: SCHEDULED (not yet in effect) | APPLIED. */
      status: string | null;
    }
  | RefusalOutput
);

/** R-LOAN-6: a payment-free month the scenario asked for. */
export type PaymentFreeMonthOutput = { event: number; requestedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      installmentNumber: number;
      dueDate: IsoDate;
      /** The month's interest, added to the debt (from PostgreSQL once applied). */
      capitalisedInterest: string | null;
      newMonthlyPayment: string | null;
      termMonths: number;
      /** From PostgreSQL: GRANTED (not yet reached) | APPLIED. */
      status: string | null;
    }
  | RefusalOutput
);

export interface PaymentMadeOutput {
  date: IsoDate;
  amount: string;
  ocr: string;
  /** The payment's status in PostgreSQL at the end (APPLIED, …). */
  status: string | null;
}

/** R-LOAN-7: an early repayment: the quote, the confirmed order and the payment made for it. */
export type EarlyRepaymentOutput = {
  event: number;
  requestedOn: IsoDate;
  kind: 'whole' | 'partial';
  /** Partial: the amount asked for. */
  amount: string | null;
} & (
  | {
      outcome: 'accepted';
      quote: {
        quoteId: string;
        paymentDate: IsoDate;
        total: string;
        principal: string;
        accruedInterest: string;
        unpaidInterest: string;
        unpaidFees: string;
        fee: string;
        remainingInstallments: number | null;
        lastDueDate: IsoDate | null;
      };
      order: { total: string; payBy: IsoDate; ocr: string; status: string };
      payment: PaymentMadeOutput;
    }
  | RefusalOutput
);

/** R-LOAN-8: the withdrawal, its repayment order and the repayment made. */
export type WithdrawalOutput = { event: number; requestedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      noticeDate: IsoDate;
      repayBy: IsoDate;
      principal: string;
      interest: string;
      feesRefunded: string;
      total: string;
      ocr: string;
      /** AWAITING_REPAYMENT | REPAID | OVERDUE (from PostgreSQL when recorded there). */
      status: string;
      payment: PaymentMadeOutput;
    }
  | RefusalOutput
);

/** R-LOAN-9: a complaint the borrower filed, as PostgreSQL has it at the end. */
export type ComplaintOutput = { event: number; receivedOn: IsoDate } & (
  | {
      outcome: 'accepted';
      complaintId: string;
      escalateOn: IsoDate;
      answerDueOn: IsoDate;
      /** RECEIVED | ESCALATED | ANSWERED */
      status: string;
      escalatedOn: IsoDate | null;
      answeredOn: IsoDate | null;
    }
  | RefusalOutput
);

export interface WorkflowChainOutput {
  workflowId: string;
  /** RUNNING, COMPLETED, TERMINATED (by the simulator at the end date), … */
  stateAtEnd: string;
  workflowRuns: number;
  historyEvents: number;
  runs: { runId: string; historyEvents: number }[];
}

/** The loan workflow's chain (continue-as-new once per loan-year), and the borrower's beside it. */
export interface TemporalOutput extends WorkflowChainOutput {
  /** Wall-clock seconds from starting the workflows to the end of the simulated period. */
  wallSeconds: number;
  borrower: WorkflowChainOutput;
}

export interface SimulationOutput {
  description?: string;
  /** The loan's status in PostgreSQL at the end: ACTIVE, CLOSED, … */
  status: string;
  loan: {
    loanId: string;
    contractNumber: string;
    ocr: string;
    amount: string;
    termMonths: number;
    nominalRatePercent: string;
    noticeChannel: string;
    payoutDate: IsoDate;
    monthlyPayment: string;
    closedOn: IsoDate | null;
  };
  simulated: {
    from: IsoDate;
    to: IsoDate;
    /**
     * Why it stopped: the loan workflow ended (closed, handed to collection, …), the scenario's
     * end date, or the untilClosed safety horizon.
     */
    endedBy: 'loan-ended' | 'until' | 'horizon';
  };
  invoices: InvoiceOutput[];
  reminders: ReminderOutput[];
  /** R-LOAN-4: every termination notice, cured or not. */
  terminationNotices: TerminationNoticeOutput[];
  /** R-LOAN-4, R-COLL-1: the collection case the loan was handed to, or null. */
  collection: CollectionOutput | null;
  payments: PaymentOutput[];
  /** R-LOAN-5, R-LOAN-10: the scenario's rate changes, accepted or refused. */
  rateChanges: RateChangeOutput[];
  /** R-LOAN-6 */
  paymentFreeMonths: PaymentFreeMonthOutput[];
  /** R-LOAN-7 */
  earlyRepayments: EarlyRepaymentOutput[];
  /** R-LOAN-8: the accepted withdrawal, else the first refused one; null without a withdrawal event. */
  withdrawal: WithdrawalOutput | null;
  /** R-LOAN-9 */
  complaints: ComplaintOutput[];
  balances: { accounts: Record<string, string>; customerDebt: string };
  ledger: { balanced: boolean; sum: string; postings: number; entries: number; postingsByType: Record<string, number> };
  temporal: TemporalOutput;
  notes: string[];
}

/** Fees, then interest, then principal: the order allocation settles them (R-LOAN-2). */
const LINE_ORDER = [
  'setup-fee',
  'notice-fee',
  'late-fee',
  'reminder-fee',
  'collection-fee',
  'other-fee',
  'default-interest',
  'interest',
  'principal',
];

function lineRank(kind: string): number {
  const i = LINE_ORDER.indexOf(kind);
  return i < 0 ? LINE_ORDER.length : i;
}

function linesByKind(lines: readonly { kind: string; amount: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of [...lines].sort((a, b) => lineRank(a.kind) - lineRank(b.kind)))
    out[l.kind] = formatAmount(new Decimal(out[l.kind] ?? 0).plus(l.amount));
  return out;
}

function paymentSource(bankReference: string): PaymentOutput['source'] {
  if (bankReference.startsWith('borrower:')) return 'borrower';
  if (bankReference.startsWith('simulation:')) return 'scenario';
  return 'other';
}

interface StoredAllocation {
  items?: { invoiceNumber: number; lines: { kind: string; amount: string }[] }[];
  excess?: string;
}

export function chainOutput(workflowId: string, stateAtEnd: string, runs: readonly RunHistory[]): WorkflowChainOutput {
  return {
    workflowId,
    stateAtEnd,
    workflowRuns: runs.length,
    historyEvents: runs.reduce((n, r) => n + r.historyEvents, 0),
    runs: runs.map((r) => ({ runId: r.runId, historyEvents: r.historyEvents })),
  };
}

export interface AssembleInput {
  loanId: string;
  description?: string;
  simulated: SimulationOutput['simulated'];
  temporal: TemporalOutput;
  notes: string[];
  /** What the runner's actions got from the loan workflow (simulator/actions.ts). */
  actions?: readonly ActionRecord[];
}

/**
 * The action sections: the loan workflow's answers as the runner received them, with the statuses
 * PostgreSQL holds at the end (a rate change applied, a payment-free month passed, an order settled).
 */
async function actionSections(
  db: Db,
  loanId: string,
  actions: readonly ActionRecord[],
): Promise<
  Pick<SimulationOutput, 'rateChanges' | 'paymentFreeMonths' | 'earlyRepayments' | 'withdrawal' | 'complaints'>
> {
  const [rateRows, freeRows, orderRows, withdrawalRow, paymentRows, complaintRows] = await Promise.all([
    db.selectFrom('rate_changes').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('payment_free_months').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('early_repayment_orders').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('withdrawals').selectAll().where('loan_id', '=', loanId).executeTakeFirst(),
    db.selectFrom('payments').select(['id', 'status']).where('loan_id', '=', loanId).execute(),
    db
      .selectFrom('complaints')
      .select(['id', 'received_on', 'escalate_on', 'answer_due_on', 'status', 'escalated_on', 'answered_on'])
      .where('loan_id', '=', loanId)
      .execute(),
  ]);
  const paymentStatus = new Map(paymentRows.map((p) => [p.id, p.status]));
  const paymentOut = (p: ActionPayment): PaymentMadeOutput => ({
    date: p.date,
    amount: p.amount,
    ocr: p.ocr,
    status: paymentStatus.get(p.paymentId) ?? null,
  });
  const refusal = (r: { reason: string; field?: string }): RefusalOutput => ({
    outcome: 'refused',
    reason: r.reason,
    ...(r.field ? { field: r.field } : {}),
  });

  const rateChanges: RateChangeOutput[] = [];
  const paymentFreeMonths: PaymentFreeMonthOutput[] = [];
  const earlyRepayments: EarlyRepaymentOutput[] = [];
  const withdrawals: WithdrawalOutput[] = [];
  const complaints: ComplaintOutput[] = [];
  for (const a of actions) {
    switch (a.kind) {
      case 'rate-change': {
        const base = {
          event: a.event,
          changeId: a.changeId,
          announcedOn: a.date,
          effectiveFrom: a.effectiveFrom,
          newNominalRatePercent: a.newNominalRatePercent,
        };
        if (a.outcome === 'refused') {
          rateChanges.push({ ...base, ...refusal(a) });
          break;
        }
        const row = rateRows.find((r) => r.change_id === a.changeId);
        rateChanges.push({
          ...base,
          announcedOn: a.notice.announcedOn,
          effectiveFrom: a.notice.effectiveFrom,
          outcome: 'accepted',
          firstInstallment: row?.first_installment ?? a.notice.firstInstallment,
          newMonthlyPayment: row?.new_monthly_payment ?? a.notice.newMonthlyPayment,
          remainingInstallments: row?.remaining_installments ?? a.notice.remainingInstallments,
          status: row?.status ?? null,
        });
        break;
      }
      case 'payment-free-month': {
        const base = { event: a.event, requestedOn: a.date };
        if (a.outcome === 'refused') {
          paymentFreeMonths.push({ ...base, ...refusal(a) });
          break;
        }
        const row = freeRows.find((r) => r.installment_number === a.grant.installmentNumber);
        paymentFreeMonths.push({
          ...base,
          outcome: 'accepted',
          installmentNumber: a.grant.installmentNumber,
          dueDate: a.grant.dueDate,
          capitalisedInterest: row?.capitalised_interest ?? a.grant.capitalisedInterest ?? null,
          newMonthlyPayment: row?.new_monthly_payment ?? a.grant.newMonthlyPayment ?? null,
          termMonths: a.grant.termMonths,
          status: row?.status ?? null,
        });
        break;
      }
      case 'early-repayment': {
        const base = { event: a.event, requestedOn: a.date, kind: a.requested, amount: a.amount };
        if (a.outcome === 'refused') {
          earlyRepayments.push({ ...base, ...refusal(a) });
          break;
        }
        const { quote, order } = a;
        const row = orderRows.find((r) => r.id === order.quoteId);
        earlyRepayments.push({
          ...base,
          outcome: 'accepted',
          quote: {
            quoteId: quote.quoteId,
            paymentDate: quote.paymentDate,
            total: quote.total,
            principal: quote.principal,
            accruedInterest: quote.accruedInterest,
            unpaidInterest: quote.unpaidInterest,
            unpaidFees: quote.unpaidFees,
            fee: quote.fee,
            remainingInstallments: quote.remainingInstallments,
            lastDueDate: quote.lastDueDate,
          },
          order: {
            total: order.total,
            payBy: order.payBy,
            ocr: order.ocrReference,
            status: row?.status ?? order.status,
          },
          payment: paymentOut(a.payment),
        });
        break;
      }
      case 'complaint': {
        const base = { event: a.event, receivedOn: a.date };
        if (a.outcome === 'refused') {
          complaints.push({ ...base, ...refusal(a) });
          break;
        }
        const row = complaintRows.find((r) => r.id === a.complaintId);
        complaints.push({
          ...base,
          outcome: 'accepted',
          complaintId: a.complaintId,
          escalateOn: row?.escalate_on ?? a.date,
          answerDueOn: row?.answer_due_on ?? a.date,
          status: row?.status ?? 'RECEIVED',
          escalatedOn: row?.escalated_on ?? null,
          answeredOn: row?.answered_on ?? null,
        });
        break;
      }
      case 'withdrawal': {
        const base = { event: a.event, requestedOn: a.date };
        if (a.outcome === 'refused') {
          withdrawals.push({ ...base, ...refusal(a) });
          break;
        }
        const o = a.order;
        withdrawals.push({
          ...base,
          outcome: 'accepted',
          noticeDate: o.noticeDate,
          repayBy: o.repayBy,
          principal: o.principal,
          interest: o.interest,
          feesRefunded: o.feesRefunded,
          total: o.total,
          ocr: o.ocrReference,
          status: withdrawalRow?.status ?? o.status,
          payment: paymentOut(a.payment),
        });
        break;
      }
    }
  }
  return {
    rateChanges,
    paymentFreeMonths,
    earlyRepayments,
    withdrawal: withdrawals.find((w) => w.outcome === 'accepted') ?? withdrawals[0] ?? null,
    complaints,
  };
}

export async function assembleOutput(db: Db, input: AssembleInput): Promise<SimulationOutput> {
  const { loanId } = input;
  const loan = await findLoan(db, loanId);
  if (!loan) throw new Error(`loan ${loanId} was never opened`);
  const [invoices, payments, balances, open] = await Promise.all([
    listInvoices(db, loanId),
    listPayments(db, loanId),
    loanAccountBalances(db, loanId),
    openInvoiceItems(db, loanId),
  ]);

  // Charges added to an invoice after it was issued: receivable debits of postings other than the
  // invoice itself and payments, tagged with the invoice number.
  const chargeRows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
    .select(['e.invoice_number', 'e.line_kind', (eb) => eb.fn.sum<string>('e.amount').as('amount')])
    .where('e.loan_id', '=', loanId)
    .where('e.invoice_number', 'is not', null)
    .where('p.type', 'not in', ['invoice', 'payment'])
    .where('e.amount', '>', '0')
    .groupBy(['e.invoice_number', 'e.line_kind'])
    .execute();
  const charges = new Map<number, Record<string, string>>();
  for (const r of chargeRows) {
    const perInvoice = charges.get(r.invoice_number!) ?? {};
    perInvoice[r.line_kind ?? 'other'] = formatAmount(new Decimal(r.amount));
    charges.set(r.invoice_number!, perInvoice);
  }
  for (const [number, perInvoice] of charges)
    charges.set(number, linesByKind(Object.entries(perInvoice).map(([kind, amount]) => ({ kind, amount }))));
  const unpaid = new Map(open.map((item) => [Number(item.id), totalRemaining([item])]));
  const notices = await db
    .selectFrom('termination_notices')
    .selectAll()
    .where('loan_id', '=', loanId)
    .orderBy('sequence')
    .execute();
  const collectionCase = await db
    .selectFrom('collection_cases')
    .selectAll()
    .where('loan_id', '=', loanId)
    .executeTakeFirst();

  const postingRows = await db
    .selectFrom('ledger_postings')
    .select(['type', (eb) => eb.fn.countAll<string>().as('n')])
    .where('loan_id', '=', loanId)
    .groupBy('type')
    .orderBy('type')
    .execute();
  const ledgerRow = await db
    .selectFrom('ledger_entries')
    .select([(eb) => eb.fn.countAll<string>().as('n'), sql<string>`coalesce(sum(amount), 0)`.as('sum')])
    .where('loan_id', '=', loanId)
    .executeTakeFirstOrThrow();
  const ledgerSum = new Decimal(ledgerRow.sum);
  const sections = await actionSections(db, loanId, input.actions ?? []);

  const invoiceOutputs: InvoiceOutput[] = invoices.map((i) => ({
    number: i.number,
    issueDate: i.issue_date,
    dueDate: i.due_date,
    ocr: i.ocr_reference,
    lines: linesByKind(i.lines),
    total: i.total,
    charges: charges.get(i.number) ?? {},
    status: i.status,
    paidDate: i.paid_date,
    lateFeeChargedOn: i.late_fee_charged_on,
    unpaid: formatAmount(unpaid.get(i.number) ?? new Decimal(0)),
  }));

  return {
    ...(input.description ? { description: input.description } : {}),
    status: loan.status,
    loan: {
      loanId: loan.id,
      contractNumber: loan.contract_number,
      ocr: loan.ocr_reference,
      amount: loan.amount,
      termMonths: loan.term_months,
      nominalRatePercent: loan.nominal_rate_percent,
      noticeChannel: loan.notice_channel,
      payoutDate: loan.payout_date,
      monthlyPayment: loan.monthly_payment,
      closedOn: loan.closed_on,
    },
    simulated: input.simulated,
    invoices: invoiceOutputs,
    reminders: invoices
      .filter((i) => i.reminder_sent_on)
      .map((i) => ({
        invoice: i.number,
        sentOn: i.reminder_sent_on!,
        channel: 'post' as const,
        fee: charges.get(i.number)?.['reminder-fee'] ?? '0.00',
        newDueDate: i.reminder_due_date,
      })),
    terminationNotices: notices.map((n) => ({
      sequence: n.sequence,
      sentOn: n.sent_on,
      endsOn: n.ends_on,
      grounds: n.grounds,
      overdueAmount: n.overdue_amount,
      status: n.status,
      cured: n.status === 'CURED',
      resolvedOn: n.resolved_on,
    })),
    collection: collectionCase
      ? {
          openedOn: collectionCase.opened_on,
          status: collectionCase.status,
          claim: {
            principal: collectionCase.principal,
            interest: collectionCase.interest,
            fees: collectionCase.fees,
            defaultInterest: collectionCase.default_interest,
            collectionFee: collectionCase.collection_fee,
            total: collectionCase.total,
          },
        }
      : null,
    payments: payments.map((p) => {
      const allocation = (p.allocation ?? null) as StoredAllocation | null;
      return {
        date: p.payment_date,
        amount: p.amount,
        ocr: p.ocr_reference,
        source: paymentSource(p.bank_reference),
        status: p.status,
        allocation: (allocation?.items ?? []).map((item) => ({
          invoice: item.invoiceNumber,
          lines: linesByKind(item.lines),
        })),
        excess: allocation?.excess ?? null,
      };
    }),
    ...sections,
    balances: {
      accounts: Object.fromEntries(LEDGER_ACCOUNTS.map((a) => [a, formatAmount(balances[a])])),
      customerDebt: formatAmount(customerDebt(balances)),
    },
    ledger: {
      balanced: ledgerSum.isZero(),
      sum: formatAmount(ledgerSum),
      postings: postingRows.reduce((n, r) => n + Number(r.n), 0),
      entries: Number(ledgerRow.n),
      postingsByType: Object.fromEntries(postingRows.map((r) => [r.type, Number(r.n)])),
    },
    temporal: input.temporal,
    notes: input.notes,
  };
}
