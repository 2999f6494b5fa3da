/**
 * The collection case's claim (R-COLL-1) and its money rules: the collection product's named
 * parameters, default interest on the principal part (R-COLL-1, R-LOAN-3), and allocation of a
 * payment fees → interest → principal (R-COLL-9, R-LOAN-2). Pure: dates come in as arguments.
 */
import { allocatePayment, type AllocationResult, type OpenLineKind } from './allocation';
import { addDays, compareDates, type IsoDate } from './dates';
import { defaultInterestOnAmount, postedDefaultInterest } from './default-interest';
import { Decimal, formatAmount, maxAmount, sumAmounts, ZERO } from './money';
import { generateOcr } from './ocr';
import { DEFAULT_PRODUCT, type ProductParameters } from './product';

/** Every number of the collection stage (DOMAIN.md R-COLL-1…7), beside DEFAULT_PRODUCT. */
export interface CollectionProductParameters {
  /** R-COLL-1: the statutory collection fee. */
  collectionFee: string;
  /** R-COLL-4: the demand's payment deadline is at least this many days from sending … */
  demandMinDeadlineDays: number;
  /** … and this many by default. */
  demandDeadlineDays: number;
  /** R-COLL-4: the last reminder gives this many more days. */
  lastReminderDays: number;
  /** R-COLL-5: a postponement moves the due date at most this many days ahead … */
  postponementMaxDays: number;
  /** … at most this many times per case. */
  postponementsPerCase: number;
  /** R-COLL-6 */
  planMaxMonths: number;
  planMinMonthlyAmount: string;
  planFee: string;
  /** R-COLL-6: the day of month an installment falls due is 1…this (every month has it). */
  planMaxDayOfMonth: number;
  /** R-COLL-6: the miss that breaks the plan (the first gets a reminder). */
  planMissesBreaking: number;
  /** R-COLL-6: a missed installment's reminder gives this many days. */
  planReminderDays: number;
  /** R-COLL-7, R-LOAN-9: an unanswered dispute is escalated after this many days, answered within … */
  disputeEscalationDays: number;
  disputeAnswerDays: number;
  /** R-COLL-4: the bankgiro number printed with the case's OCR reference. */
  bankgiro: string;
}

export const DEFAULT_COLLECTION_PRODUCT: CollectionProductParameters = Object.freeze({
  collectionFee: DEFAULT_PRODUCT.fees.collection,
  demandMinDeadlineDays: 8,
  demandDeadlineDays: 10,
  lastReminderDays: 10,
  postponementMaxDays: 30,
  postponementsPerCase: 1,
  planMaxMonths: 24,
  planMinMonthlyAmount: '300.00',
  planFee: '170.00',
  planMaxDayOfMonth: 28,
  planMissesBreaking: 2,
  planReminderDays: 10,
  disputeEscalationDays: DEFAULT_PRODUCT.loan.complaintEscalationDays,
  disputeAnswerDays: DEFAULT_PRODUCT.loan.complaintAnswerDays,
  bankgiro: '5050-1055',
}) as CollectionProductParameters;

/** R-COLL-1: the claim, itemised as the customer reads it. Amounts in öre, ≥ 0. */
export interface Claim {
  principal: Decimal;
  interest: Decimal;
  /** Fees other than the collection fee (late, reminder, notice, plan fee). */
  fees: Decimal;
  defaultInterest: Decimal;
  collectionFee: Decimal;
}

export function claimTotal(claim: Claim): Decimal {
  return sumAmounts([claim.principal, claim.interest, claim.fees, claim.defaultInterest, claim.collectionFee]);
}

/** The claim as the API and the case's activities show it (R-MONEY-1): two-decimal strings. */
export interface ClaimView {
  principal: string;
  interest: string;
  fees: string;
  defaultInterest: string;
  collectionFee: string;
  total: string;
}

export function claimView(claim: Claim): ClaimView {
  return {
    principal: formatAmount(claim.principal),
    interest: formatAmount(claim.interest),
    fees: formatAmount(claim.fees),
    defaultInterest: formatAmount(claim.defaultInterest),
    collectionFee: formatAmount(claim.collectionFee),
    total: formatAmount(claimTotal(claim)),
  };
}

/** The claim from what remains per line kind of the case (its ledger lines). */
export function claimFromLines(lines: readonly { kind: OpenLineKind; remaining: Decimal }[]): Claim {
  const of = (kinds: readonly OpenLineKind[]) =>
    sumAmounts(lines.filter((l) => kinds.includes(l.kind)).map((l) => l.remaining));
  return {
    principal: of(['principal']),
    interest: of(['interest']),
    fees: of(['setup-fee', 'notice-fee', 'late-fee', 'reminder-fee', 'other-fee']),
    defaultInterest: of(['default-interest']),
    collectionFee: of(['collection-fee']),
  };
}

/** The line kinds a case's claim is held under (domain/ledger.ts receivable accounts). */
export const CASE_LINE_ORDER: readonly OpenLineKind[] = [
  'collection-fee',
  'other-fee',
  'default-interest',
  'interest',
  'principal',
];

/**
 * R-COLL-1, R-LOAN-3: default interest on the principal part from the day after `from` up to and
 * including `until`, at the loan's nominal rate + the add-on (5 pp), actual days / 365, rounded to
 * öre once (R-MONEY-2). Zero when `until` is not after `from`.
 */
export function caseDefaultInterest(input: {
  principal: Decimal;
  nominalRatePercent: Decimal;
  from: IsoDate;
  until: IsoDate;
  product?: ProductParameters;
}): Decimal {
  if (compareDates(input.until, input.from) <= 0 || input.principal.isZero()) return ZERO;
  const { interest } = defaultInterestOnAmount({
    overdueAmount: input.principal,
    nominalRatePercent: input.nominalRatePercent,
    dueDate: input.from,
    until: input.until,
    ...(input.product ? { product: input.product } : {}),
  });
  return postedDefaultInterest(interest);
}

/** The claim read on `date`: the ledger's claim plus default interest not yet posted (exact to the day). */
export function claimOn(input: {
  claim: Claim;
  nominalRatePercent: Decimal;
  accruedUntil: IsoDate;
  date: IsoDate;
}): Claim {
  const pending = caseDefaultInterest({
    principal: input.claim.principal,
    nominalRatePercent: input.nominalRatePercent,
    from: input.accruedUntil,
    until: input.date,
  });
  return { ...input.claim, defaultInterest: input.claim.defaultInterest.plus(pending) };
}

/**
 * R-COLL-9: a payment to the case settles the collection fee and other fees, then default interest
 * and interest, then principal (R-LOAN-2 order, one item: the case). What exceeds the claim is
 * `excess` (owed back to the customer, R-PAY-4).
 */
export function allocateCasePayment(payment: Decimal, caseId: string, claim: Claim): AllocationResult {
  const remainingOf: Record<string, Decimal> = {
    'collection-fee': claim.collectionFee,
    'other-fee': claim.fees,
    'default-interest': claim.defaultInterest,
    interest: claim.interest,
    principal: claim.principal,
  };
  return allocatePayment(payment, [
    {
      id: caseId,
      dueDate: '2000-01-01',
      lines: CASE_LINE_ORDER.map((kind) => ({ kind, remaining: maxAmount(ZERO, remainingOf[kind]!) })),
    },
  ]);
}

/** R-COLL-4: the demand's deadline, never earlier than the statutory minimum. */
export function demandDeadline(
  sentOn: IsoDate,
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
  days: number = params.demandDeadlineDays,
): IsoDate {
  if (!Number.isInteger(days) || days < params.demandMinDeadlineDays) {
    throw new RangeError(`a demand's deadline is at least ${params.demandMinDeadlineDays} days, got ${days}`);
  }
  return addDays(sentOn, days);
}

/** R-COLL-4: the last reminder's deadline. */
export function lastReminderDeadline(
  sentOn: IsoDate,
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): IsoDate {
  return addDays(sentOn, params.lastReminderDays);
}

/**
 * R-COLL-4: the case's own OCR reference (case number + length digit + check digit). Case numbers
 * are six digits, so the reference is eight: never the length of a loan's (11) or an invoice's (14).
 */
export function caseOcrReference(caseNumber: string): string {
  return generateOcr(caseNumber, { withLengthDigit: true });
}
