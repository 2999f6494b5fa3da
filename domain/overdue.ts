/**
 * What counts as overdue on a loan's open invoices (R-LOAN-3, R-LOAN-4), and the default interest
 * it bears between two accruals.
 */
import type { OpenItem, OpenLineKind } from './allocation';
import { compareDates, type IsoDate } from './dates';
import { defaultInterestOnAmount, postedDefaultInterest } from './default-interest';
import { type Decimal, sumAmounts, ZERO } from './money';

/** What bears default interest: the installment, not fees (R-LOAN-3). */
export const DEFAULT_INTEREST_BEARING_KINDS: readonly OpenLineKind[] = ['principal', 'interest'];

/** What counts towards the termination grounds: the installment and its fees (R-LOAN-4). */
export const TERMINATION_COUNTED_KINDS: readonly OpenLineKind[] = [
  'principal',
  'interest',
  'setup-fee',
  'notice-fee',
  'late-fee',
  'reminder-fee',
];

/** What is still unpaid on `item`'s lines of the given kinds. */
export function overdueAmount(
  item: OpenItem,
  kinds: readonly OpenLineKind[] = DEFAULT_INTEREST_BEARING_KINDS,
): Decimal {
  return sumAmounts(item.lines.filter((l) => kinds.includes(l.kind)).map((l) => l.remaining));
}

/** What is still unpaid on `item`'s lines of one kind (0 without the item). */
export function lineRemaining(item: OpenItem | undefined, kind: OpenLineKind): Decimal {
  return sumAmounts((item?.lines ?? []).filter((l) => l.kind === kind).map((l) => l.remaining));
}

/** The open items whose due date is before `date`. */
export function overdueItems(items: readonly OpenItem[], date: IsoDate): OpenItem[] {
  return items.filter((i) => compareDates(i.dueDate, date) < 0);
}

/**
 * R-LOAN-3: default interest (rate + 5 pp, actual/365) on each overdue installment from the last
 * accrual (or its due date) up to and including `until`, rounded to öre as it is posted; the
 * posting goes on the oldest overdue invoice. Between two accruals every overdue amount is
 * constant, so the result is exact to the day. `null` when nothing is to be accrued (already
 * accrued up to `until`).
 */
export function defaultInterestToAccrue(input: {
  openItems: readonly OpenItem[];
  nominalRatePercent: Decimal;
  accruedUntil: IsoDate | null;
  until: IsoDate;
}): { posted: Decimal; onInvoice: number | null } | null {
  const { accruedUntil: from, until } = input;
  if (from && compareDates(from, until) >= 0) return null;
  const overdue = overdueItems(input.openItems, until);
  let interest = ZERO;
  for (const item of overdue) {
    const start = from && compareDates(from, item.dueDate) > 0 ? from : item.dueDate;
    interest = interest.plus(
      defaultInterestOnAmount({
        overdueAmount: overdueAmount(item),
        nominalRatePercent: input.nominalRatePercent,
        dueDate: start,
        until,
      }).interest,
    );
  }
  return { posted: postedDefaultInterest(interest), onInvoice: overdue[0] ? Number(overdue[0].id) : null };
}

/**
 * R-LOAN-2, R-LOAN-3 (defect 7): what a payment made on `date` must be to settle every invoice that
 * fell due before it — what the ledger shows unpaid, plus the default interest the payment posts
 * before it is allocated (accrued from the last accrual to `date`), plus the late fee of each such
 * invoice not charged yet (a payment after the due date brings it). The statement shows this figure,
 * so a borrower who pays it leaves no residual open.
 */
export function overdueToSettleOn(input: {
  openItems: readonly OpenItem[];
  nominalRatePercent: Decimal;
  accruedUntil: IsoDate | null;
  date: IsoDate;
  /** Invoices due before `date` whose late fee is not charged yet. */
  lateFeesToCome: number;
  lateFee: Decimal;
}): { overdue: Decimal; defaultInterestToDate: Decimal } {
  const accrual = defaultInterestToAccrue({
    openItems: input.openItems,
    nominalRatePercent: input.nominalRatePercent,
    accruedUntil: input.accruedUntil,
    until: input.date,
  });
  const defaultInterestToDate = accrual?.posted ?? ZERO;
  const overdue = sumAmounts(overdueItems(input.openItems, input.date).flatMap((i) => i.lines.map((l) => l.remaining)));
  return {
    overdue: overdue.plus(defaultInterestToDate).plus(input.lateFee.times(input.lateFeesToCome)),
    defaultInterestToDate,
  };
}
