/**
 * Payment allocation (R-LOAN-2): a payment settles open items oldest due date first; within an item
 * fees and costs first, then interest (default interest included), then principal. What is left
 * after every open item is settled is `excess`, which the caller applies as an early partial
 * repayment of principal (R-LOAN-7, see early-repayment.ts).
 *
 * The caller passes every invoiced open item of the loan, due or not yet due, so a payment made
 * before the due date settles the current invoice rather than becoming excess.
 *
 * Note: the seed's "Avräkningsordning" would also allow all due fees and interest of every item
 * before any principal; DOMAIN.md chose per item, oldest first, which is what this implements.
 */
import { type IsoDate, isIsoDate } from './dates';
import { Decimal, minAmount, sumAmounts, ZERO } from './money';

export type AllocationCategory = 'fee' | 'interest' | 'principal';

/** R-LOAN-2 order within an item. */
export const ALLOCATION_ORDER: readonly AllocationCategory[] = ['fee', 'interest', 'principal'];

export type OpenLineKind =
  | 'setup-fee'
  | 'notice-fee'
  | 'late-fee'
  | 'reminder-fee'
  | 'collection-fee'
  | 'other-fee'
  | 'interest'
  | 'default-interest'
  | 'principal';

export const CATEGORY_OF_LINE_KIND: Readonly<Record<OpenLineKind, AllocationCategory>> = Object.freeze({
  'setup-fee': 'fee',
  'notice-fee': 'fee',
  'late-fee': 'fee',
  'reminder-fee': 'fee',
  'collection-fee': 'fee',
  'other-fee': 'fee',
  interest: 'interest',
  'default-interest': 'interest',
  principal: 'principal',
});

export interface OpenLine {
  kind: OpenLineKind;
  /** What is still unpaid on this line, ≥ 0, in öre. */
  remaining: Decimal;
}

/** An invoice (or other due item, e.g. a reminder) with what is still unpaid on it. */
export interface OpenItem {
  /** Invoice number or other unique id. */
  id: string;
  dueDate: IsoDate;
  /** Lines of the same category are settled in the order given here. */
  lines: readonly OpenLine[];
}

export interface LineAllocation {
  kind: OpenLineKind;
  category: AllocationCategory;
  /** `remaining` of the input line. */
  owed: Decimal;
  allocated: Decimal;
  /** owed − allocated. */
  remaining: Decimal;
}

export interface ItemAllocation {
  id: string;
  dueDate: IsoDate;
  /** Same order and length as the input item's lines. */
  lines: LineAllocation[];
  allocated: Decimal;
  remaining: Decimal;
  /** Nothing remains unpaid on the item. */
  settled: boolean;
}

export interface AllocationResult {
  payment: Decimal;
  /** Oldest due date first (ties keep the input order): the order the payment was applied in. */
  items: ItemAllocation[];
  /** Totals per category over all items, for posting to the ledger. */
  allocatedByCategory: Record<AllocationCategory, Decimal>;
  /** Payment beyond every open item: reduces principal (R-LOAN-7). */
  excess: Decimal;
}

export class InvalidPaymentError extends Error {
  constructor(readonly amount: string) {
    super(`a payment must be a positive amount in öre, got ${amount}`);
    this.name = 'InvalidPaymentError';
  }
}

export class InvalidOpenItemError extends Error {
  constructor(
    readonly itemId: string,
    detail: string,
  ) {
    super(`open item ${JSON.stringify(itemId)}: ${detail}`);
    this.name = 'InvalidOpenItemError';
  }
}

function isOreAmount(d: Decimal): boolean {
  return d.isFinite() && d.decimalPlaces() <= 2;
}

/** Allocates `payment` over `openItems` (R-LOAN-2). Pure; conserves every öre. */
export function allocatePayment(payment: Decimal, openItems: readonly OpenItem[]): AllocationResult {
  if (!isOreAmount(payment) || !payment.greaterThan(0)) throw new InvalidPaymentError(payment.toString());
  validateOpenItems(openItems);

  // Array.prototype.sort is stable, so items due the same day keep the caller's order.
  const oldestFirst = [...openItems].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  let unallocated = payment;
  const allocatedByCategory: Record<AllocationCategory, Decimal> = {
    fee: ZERO,
    interest: ZERO,
    principal: ZERO,
  };

  const items = oldestFirst.map((item): ItemAllocation => {
    const allocatedPerLine: Decimal[] = item.lines.map(() => ZERO);
    for (const category of ALLOCATION_ORDER) {
      item.lines.forEach((line, index) => {
        if (CATEGORY_OF_LINE_KIND[line.kind] !== category) return;
        const share = minAmount(unallocated, line.remaining);
        allocatedPerLine[index] = share;
        unallocated = unallocated.minus(share);
        allocatedByCategory[category] = allocatedByCategory[category].plus(share);
      });
    }
    const lines = item.lines.map((line, index): LineAllocation => {
      const allocated = allocatedPerLine[index]!;
      return {
        kind: line.kind,
        category: CATEGORY_OF_LINE_KIND[line.kind],
        owed: line.remaining,
        allocated,
        remaining: line.remaining.minus(allocated),
      };
    });
    const remaining = sumAmounts(lines.map((l) => l.remaining));
    return {
      id: item.id,
      dueDate: item.dueDate,
      lines,
      allocated: sumAmounts(lines.map((l) => l.allocated)),
      remaining,
      settled: remaining.isZero(),
    };
  });

  return { payment, items, allocatedByCategory, excess: unallocated };
}

/** Total still unpaid over `items` (e.g. the overdue amount for default interest or termination). */
export function totalRemaining(items: readonly OpenItem[]): Decimal {
  return sumAmounts(items.flatMap((item) => item.lines.map((line) => line.remaining)));
}

function validateOpenItems(openItems: readonly OpenItem[]): void {
  const seen = new Set<string>();
  for (const item of openItems) {
    if (seen.has(item.id)) throw new InvalidOpenItemError(item.id, 'the id occurs more than once');
    seen.add(item.id);
    if (!isIsoDate(item.dueDate)) throw new InvalidOpenItemError(item.id, `due date is not a date: ${item.dueDate}`);
    for (const line of item.lines) {
      if (!(line.kind in CATEGORY_OF_LINE_KIND)) {
        throw new InvalidOpenItemError(item.id, `unknown line kind ${JSON.stringify(line.kind)}`);
      }
      if (!isOreAmount(line.remaining) || line.remaining.lessThan(0)) {
        throw new InvalidOpenItemError(item.id, `${line.kind} must be ≥ 0 in öre, got ${line.remaining.toString()}`);
      }
    }
  }
}
