/**
 * R-PAY-1: a payment is judged at its value date (the day the customer paid, from the bank), not at
 * the day it was registered (its booking date). A bank file arrives a day or two after the customer
 * paid, sometimes later: what the loan charged between the value date and the registration, and
 * that the payment would have prevented, is reversed — by reversal postings, never by editing the
 * ledger (domain/ledger.ts `reversalPosting`).
 *
 * What a payment prevents, judged on the loan as it stood at the value date (charges booked after it
 * taken away) with the payment allocated as R-LOAN-2 allocates it:
 * - the late fee of an invoice it settles on or before the invoice's due date (R-LOAN-3: the
 *   invoice was never late);
 * - the reminder fee of an invoice it settles before the reminder was sent (a reminder goes only to
 *   an invoice still unpaid, docs/loans.md "late"), and with it the credit bureau report;
 * - default interest accrued after the value date on the installment amount it paid (R-LOAN-3:
 *   default interest runs up to and including the day paid).
 * A termination notice it cures is cured by the loan workflow (workflows/loan-state.ts `isCured`
 * with the value date), until the loan has been handed to collection; after the handover the
 * payment goes to the collection case (R-COLL-9).
 */
import { allocatePayment, type ItemAllocation, type OpenItem, type OpenLineKind } from './allocation';
import { compareDates, type IsoDate } from './dates';
import { defaultInterestOnAmount, postedDefaultInterest } from './default-interest';
import { Decimal, sumAmounts, ZERO } from './money';
import { DEFAULT_INTEREST_BEARING_KINDS } from './overdue';

export type ReversibleKind = 'late-fee' | 'reminder-fee' | 'default-interest';

/** A charge booked after the value date: its invoice, line and the amount still standing. */
export interface ChargeAfterValueDate {
  invoiceNumber: number;
  kind: ReversibleKind;
  amount: Decimal;
}

export interface Reversal {
  /** The invoice whose line is reversed (default interest: spread over the lines, see `spreadOver`). */
  invoiceNumber: number;
  kind: ReversibleKind;
  amount: Decimal;
}

export interface ValueDateJudgement {
  reversals: Reversal[];
  /** Invoices whose bureau late-payment report the payment would have prevented (R-LOAN-11). */
  bureauReportsPrevented: number[];
}

/**
 * What `amount` paid on `valueDate` would have prevented (see the module comment). `openItems` is
 * the loan now (default interest accrued at least to the value date); `chargesAfter` the late fees,
 * reminder fees and default interest booked after the value date and not yet reversed.
 */
export function chargesPreventedBy(input: {
  valueDate: IsoDate;
  amount: Decimal;
  openItems: readonly OpenItem[];
  chargesAfter: readonly ChargeAfterValueDate[];
  /** The loan's default interest has been posted up to and including this day. */
  defaultInterestAccruedUntil: IsoDate | null;
  /** The day the last default interest posted on or before the value date runs to (null: none). */
  defaultInterestPostedThrough: IsoDate | null;
  nominalRatePercent: Decimal;
}): ValueDateJudgement {
  const { valueDate } = input;
  const chargedAfter = (invoiceNumber: number, kind: ReversibleKind) =>
    sumAmounts(
      input.chargesAfter.filter((c) => c.invoiceNumber === invoiceNumber && c.kind === kind).map((c) => c.amount),
    );
  // The loan as it stood at the value date: charges booked later taken away.
  const asOfValueDate: OpenItem[] = input.openItems
    .map((item) => ({
      ...item,
      lines: item.lines
        .map((line) => {
          const later = isReversible(line.kind) ? chargedAfter(Number(item.id), line.kind) : ZERO;
          return { ...line, remaining: Decimal.max(ZERO, line.remaining.minus(later)) };
        })
        .filter((line) => line.remaining.greaterThan(0)),
    }))
    .filter((item) => item.lines.length > 0);
  if (asOfValueDate.length === 0) return { reversals: [], bureauReportsPrevented: [] };
  const allocation = allocatePayment(input.amount, asOfValueDate);

  const reversals: Reversal[] = [];
  const bureauReportsPrevented: number[] = [];
  for (const item of allocation.items) {
    const number = Number(item.id);
    if (!item.settled) continue;
    const onTime = compareDates(valueDate, item.dueDate) <= 0;
    const lateFee = chargedAfter(number, 'late-fee');
    if (onTime && lateFee.greaterThan(0)) reversals.push({ invoiceNumber: number, kind: 'late-fee', amount: lateFee });
    const reminderFee = chargedAfter(number, 'reminder-fee');
    if (reminderFee.greaterThan(0)) {
      reversals.push({ invoiceNumber: number, kind: 'reminder-fee', amount: reminderFee });
      bureauReportsPrevented.push(number);
    }
  }
  const interestReversed = defaultInterestPrevented(input, asOfValueDate, allocation.items);
  if (interestReversed.greaterThan(0)) {
    reversals.push(...spreadOver(input.openItems, 'default-interest', interestReversed));
  }
  return { reversals, bureauReportsPrevented };
}

/**
 * Default interest booked after the value date, less what it should have been had the payment been
 * applied then: the postings after the value date cover the days after `defaultInterestPostedThrough`
 * up to `defaultInterestAccruedUntil`; recomputed with the installment amounts the payment paid
 * taken off from the value date, and rounded once as a posting is, so the line left open is the
 * öre an independent calculation finds.
 */
function defaultInterestPrevented(
  input: Parameters<typeof chargesPreventedBy>[0],
  asOfValueDate: readonly OpenItem[],
  allocated: readonly ItemAllocation[],
): Decimal {
  const until = input.defaultInterestAccruedUntil;
  const booked = sumAmounts(input.chargesAfter.filter((c) => c.kind === 'default-interest').map((c) => c.amount));
  if (!until || booked.isZero()) return ZERO;
  const interest = (amount: Decimal, from: IsoDate, to: IsoDate) =>
    compareDates(from, to) >= 0 || amount.isZero()
      ? ZERO
      : defaultInterestOnAmount({
          overdueAmount: amount,
          nominalRatePercent: input.nominalRatePercent,
          dueDate: from,
          until: to,
        }).interest;
  const later = (a: IsoDate, b: IsoDate | null) => (b && compareDates(b, a) > 0 ? b : a);
  let shouldHave = ZERO;
  for (const item of asOfValueDate) {
    const bearing = (lines: readonly { kind: OpenLineKind; remaining: Decimal }[]) =>
      sumAmounts(lines.filter((l) => DEFAULT_INTEREST_BEARING_KINDS.includes(l.kind)).map((l) => l.remaining));
    const owed = bearing(item.lines);
    const left = bearing(allocated.find((a) => a.id === item.id)?.lines ?? item.lines);
    const start = later(item.dueDate, input.defaultInterestPostedThrough);
    const paidOn = later(start, input.valueDate);
    shouldHave = shouldHave.plus(interest(owed, start, paidOn)).plus(interest(left, paidOn, until));
  }
  return Decimal.max(ZERO, booked.minus(postedDefaultInterest(shouldHave)));
}

function isReversible(kind: OpenLineKind): kind is ReversibleKind {
  return kind === 'late-fee' || kind === 'reminder-fee' || kind === 'default-interest';
}

/**
 * An amount reversed on one kind of line, oldest invoice first, each line up to what remains on it;
 * what no open line holds any more (already paid) goes on the oldest invoice's line, where the
 * reversal posting pays it back as customer credit.
 */
export function spreadOver(items: readonly OpenItem[], kind: ReversibleKind, amount: Decimal): Reversal[] {
  const out: Reversal[] = [];
  let left = amount;
  for (const item of items) {
    const remaining = sumAmounts(item.lines.filter((l) => l.kind === kind).map((l) => l.remaining));
    const share = Decimal.min(left, remaining);
    if (share.greaterThan(0)) out.push({ invoiceNumber: Number(item.id), kind, amount: share });
    left = left.minus(share);
  }
  if (left.greaterThan(0)) {
    const first = out[0] ?? (items[0] ? { invoiceNumber: Number(items[0].id), kind, amount: ZERO } : undefined);
    if (first && out.length > 0) first.amount = first.amount.plus(left);
    else if (first) out.push({ ...first, amount: left });
  }
  return out;
}
