/**
 * The simulator's one JSON document, read from PostgreSQL (the record of every öre), not from
 * workflow state: what an operator would see for the loan after the simulated period.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { loanAccountBalances, openInvoiceItems } from '../db/ledger-repository';
import { findLoan, listInvoices, listPayments } from '../db/loan-repository';
import { totalRemaining } from '../domain/allocation';
import { customerDebt, LEDGER_ACCOUNTS } from '../domain/ledger';
import { Decimal, formatAmount } from '../domain/money';
import type { ActionRecord } from './actions';
import type { RunHistory } from './history';
import { actionSections } from './output-actions';
import type {
  InvoiceOutput,
  PaymentOutput,
  SimulationOutput,
  TemporalOutput,
  WorkflowChainOutput,
} from './output-document';

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
    // R-PAY-1: a charge reversed for a late bank file nets out.
    .where((eb) => eb.or([eb('e.amount', '>', '0'), eb('p.type', '=', 'reversal')]))
    .groupBy(['e.invoice_number', 'e.line_kind'])
    .execute();
  const charges = new Map<number, Record<string, string>>();
  for (const r of chargeRows) {
    const perInvoice = charges.get(r.invoice_number!) ?? {};
    if (new Decimal(r.amount).isZero()) continue;
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
  const refunds = await db
    .selectFrom('refunds')
    .select(['reason', 'amount', 'business_date', 'status', 'execution_date'])
    .where('loan_id', '=', loanId)
    .orderBy('created_at')
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
    refunds: refunds.map((r) => ({
      reason: r.reason,
      amount: r.amount,
      date: r.business_date,
      status: r.status,
      executionDate: r.execution_date,
    })),
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
