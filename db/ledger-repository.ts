/**
 * The ledger in PostgreSQL: postings are written once per idempotency key, in one transaction
 * with their entries; the database refuses an unbalanced posting (deferred trigger).
 */
import { sql } from 'kysely';
import type { OpenItem, OpenLine, OpenLineKind } from '../domain/allocation';
import { balancesByAccount, type LedgerAccount, type Posting, RECEIVABLE_ACCOUNTS } from '../domain/ledger';
import { Decimal } from '../domain/money';
import type { Db } from './database';

/** Writes the posting unless its idempotency key exists; true when this call wrote it. */
export async function postToLedger(db: Db, posting: Posting): Promise<boolean> {
  return db.transaction().execute(async (trx) => postInTransaction(trx, posting));
}

/**
 * For callers that combine a posting with other writes in one transaction. One statement: the
 * posting and its entries are inserted together (a data-modifying WITH), so a posting costs one
 * round trip, not two; when the idempotency key exists nothing is inserted and no row returns.
 */
export async function postInTransaction(trx: Db, posting: Posting): Promise<boolean> {
  if (posting.entries.length === 0) throw new Error(`posting ${posting.idempotencyKey} has no entries`);
  const entries = sql.join(
    posting.entries.map(
      (e) =>
        sql`(${e.account}, ${e.amount.toFixed(2)}::numeric, ${e.invoiceNumber ?? null}::integer, ${e.lineKind ?? null}::text, ${e.caseId ?? null}::text)`,
    ),
  );
  const { rows } = await sql<{ posting_id: string }>`
    with posting as (
      insert into ledger_postings (idempotency_key, loan_id, type, business_date)
      values (${posting.idempotencyKey}, ${posting.loanId}, ${posting.type}, ${posting.businessDate})
      on conflict (idempotency_key) do nothing
      returning id
    )
    insert into ledger_entries (posting_id, loan_id, account, amount, invoice_number, line_kind, case_id)
    select posting.id, ${posting.loanId}, e.account, e.amount, e.invoice_number, e.line_kind, e.case_id
    from posting cross join (values ${entries}) as e (account, amount, invoice_number, line_kind, case_id)
    returning posting_id`.execute(trx);
  return rows.length > 0;
}

export async function loanAccountBalances(db: Db, loanId: string): Promise<Record<LedgerAccount, Decimal>> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['account', (eb) => eb.fn.sum<string>('amount').as('amount')])
    .where('loan_id', '=', loanId)
    .groupBy('account')
    .execute();
  return balancesByAccount(rows.map((r) => ({ account: r.account as LedgerAccount, amount: new Decimal(r.amount) })));
}

/**
 * Open items for allocation (R-LOAN-2): what remains unpaid per invoice line, read from the
 * receivable entries tagged with invoice and line, oldest due date first.
 */
export async function openInvoiceItems(db: Db, loanId: string): Promise<OpenItem[]> {
  return (await openInvoiceItemsWithDunning(db, loanId)).map(({ id, dueDate, lines }) => ({ id, dueDate, lines }));
}

export type OpenItemWithDunning = OpenItem & { lateFeeChargedOn: string | null; reminderSentOn: string | null };

/**
 * The open items (openInvoiceItems) with their invoices' dunning dates (R-LOAN-3), read by the same
 * query: what a loan's snapshot needs, in one round trip.
 */
export async function openInvoiceItemsWithDunning(db: Db, loanId: string): Promise<OpenItemWithDunning[]> {
  // Sum the loan's entries per invoice line first, then look up the due dates of the few open
  // lines: joining before grouping lets the planner pick a nested loop over every entry × invoice
  // when the statistics are young (a new book, a simulation), which grows with the square of the loan's age.
  const open = db
    .selectFrom('ledger_entries')
    .select(['invoice_number', 'line_kind', (eb) => eb.fn.sum<string>('amount').as('remaining')])
    .where('loan_id', '=', loanId)
    .where('account', 'in', [...RECEIVABLE_ACCOUNTS])
    .where('invoice_number', 'is not', null)
    .groupBy(['invoice_number', 'line_kind'])
    .having(sql`sum(amount)`, '<>', 0)
    .as('o');
  const rows = await db
    .selectFrom(open)
    .innerJoin('invoices as i', (j) => j.onRef('i.number', '=', 'o.invoice_number').on('i.loan_id', '=', loanId))
    .select([
      'o.invoice_number',
      'o.line_kind',
      'i.due_date',
      'o.remaining',
      'i.late_fee_charged_on',
      'i.reminder_sent_on',
    ])
    .orderBy('i.due_date')
    .orderBy('o.invoice_number')
    .execute();
  const items = new Map<number, OpenItemWithDunning & { lines: OpenLine[] }>();
  for (const r of rows) {
    const number = r.invoice_number!;
    const item = items.get(number) ?? {
      id: String(number),
      dueDate: r.due_date,
      lines: [],
      lateFeeChargedOn: r.late_fee_charged_on,
      reminderSentOn: r.reminder_sent_on,
    };
    item.lines.push({ kind: r.line_kind as OpenLineKind, remaining: new Decimal(r.remaining) });
    items.set(number, item);
  }
  // Lines in the order fees, interest, principal are then ordered by allocation itself.
  return [...items.values()];
}

/** R-PROD-4, R-LOAN-6: interest capitalised into the loan's principal so far (payout and payment-free months). */
export async function capitalisedInterestTotal(db: Db, loanId: string): Promise<Decimal> {
  const row = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
    .select((eb) => eb.fn.sum<string>('e.amount').as('amount'))
    .where('e.loan_id', '=', loanId)
    .where('p.type', '=', 'capitalised-interest')
    .where('e.account', '=', 'principal_outstanding')
    .executeTakeFirst();
  return new Decimal(row?.amount ?? 0);
}

/** The invariant every test that touches money asserts: each loan's entries sum to zero. */
export async function unbalancedLoans(db: Db): Promise<{ loanId: string; sum: string }[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['loan_id', (eb) => eb.fn.sum<string>('amount').as('sum')])
    .groupBy('loan_id')
    .having(sql`sum(amount)`, '<>', 0)
    .execute();
  return rows.map((r) => ({ loanId: r.loan_id, sum: r.sum }));
}

export async function ledgerEntryCount(db: Db, loanId: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('loan_id', '=', loanId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * R-PAY-1: late fees, reminder fees and default interest booked after `date`, net of what was
 * reversed since, per invoice line (what a payment with that value date may have prevented).
 */
export async function chargesBookedAfter(
  db: Db,
  loanId: string,
  date: string,
): Promise<{ invoiceNumber: number; kind: 'late-fee' | 'reminder-fee' | 'default-interest'; amount: Decimal }[]> {
  const rows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
    .select(['e.invoice_number', 'e.line_kind', (eb) => eb.fn.sum<string>('e.amount').as('amount')])
    .where('e.loan_id', '=', loanId)
    .where('p.business_date', '>', date)
    .where('p.type', 'in', ['late-fee', 'reminder-fee', 'default-interest', 'reversal'])
    .where('e.account', 'in', [...RECEIVABLE_ACCOUNTS])
    .where('e.line_kind', 'in', ['late-fee', 'reminder-fee', 'default-interest'])
    .groupBy(['e.invoice_number', 'e.line_kind'])
    .execute();
  return rows
    .map((r) => ({
      invoiceNumber: r.invoice_number!,
      kind: r.line_kind as 'late-fee' | 'reminder-fee' | 'default-interest',
      amount: new Decimal(r.amount),
    }))
    .filter((r) => r.amount.greaterThan(0));
}

/**
 * R-PAY-1: the last day the default interest posted on or before `date` runs to (each accrual is
 * dated the day it accrues up to), or null when none was.
 */
export async function defaultInterestPostedThrough(db: Db, loanId: string, date: string): Promise<string | null> {
  const row = await db
    .selectFrom('ledger_postings')
    .select((eb) => eb.fn.max('business_date').as('through'))
    .where('loan_id', '=', loanId)
    .where('type', '=', 'default-interest')
    .where('business_date', '<=', date)
    .executeTakeFirst();
  return (row?.through as string | null | undefined) ?? null;
}
