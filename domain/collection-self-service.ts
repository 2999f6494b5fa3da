/**
 * The debtor's self-service on collection cases, part 2 (R-COLL-2, R-COLL-6, R-COLL-8): receipts of
 * a payment made elsewhere, the message thread, the suggested solution for a debtor with several
 * cases (one monthly amount spread over plans on each), and the power of attorney for a helper.
 * Pure: dates and amounts come in as arguments; every decision answers a result or a refusal.
 */
import { DEFAULT_COLLECTION_PRODUCT, type CollectionProductParameters } from './collection';
import {
  type CaseStanding,
  decideInstallmentPlan,
  type Decision,
  type InstallmentPlan,
  smallestAcceptableMonthlyAmount,
} from './collection-case';
import { addDays, compareDates, type IsoDate, isIsoDate } from './dates';
import { Decimal, formatAmount, isAmountString, ZERO } from './money';
import { isValidPersonnummer, parsePersonnummer } from './personnummer';
import { refusal } from './refusal';

/** Every number of this part of the self-service: named product parameters. */
export interface CollectionSelfServiceParameters {
  /** R-COLL-2: a receipt's file is a PDF, JPEG or PNG of at most this many bytes. */
  receiptFileMaxBytes: number;
  /** R-COLL-2: a receipt's payment date lies at most this many days back. */
  receiptMaxAgeDays: number;
  /**
   * R-COLL-2, R-COLL-3: a rejected receipt resumes the timeline; a deadline that passed while the
   * receipt was checked is moved to at least this many days after the rejection.
   */
  receiptRejectedMinDays: number;
  /** R-COLL-2: a message is at most this many characters. */
  messageMaxLength: number;
  /** R-COLL-8: a power of attorney runs at most this many days ahead. */
  powerOfAttorneyMaxDays: number;
}

export const COLLECTION_SELF_SERVICE_PARAMETERS: CollectionSelfServiceParameters = Object.freeze({
  receiptFileMaxBytes: 5 * 1024 * 1024,
  receiptMaxAgeDays: 365,
  receiptRejectedMinDays: 10,
  messageMaxLength: 4000,
  powerOfAttorneyMaxDays: 2 * 365,
});

const invalid = (message: string, field: string): Decision<never> => ({
  ok: false,
  refusal: refusal('invalid', message, { field }),
});
const conflict = (message: string, field: string, rule: string): Decision<never> => ({
  ok: false,
  refusal: refusal('conflict', message, { field, rule }),
});

// --- receipts ------------------------------------------------------------------------------------

export type ReceiptFileType = 'application/pdf' | 'image/jpeg' | 'image/png';
export const RECEIPT_FILE_TYPES: readonly ReceiptFileType[] = ['application/pdf', 'image/jpeg', 'image/png'];

const MAGIC: Record<ReceiptFileType, readonly number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** The type the file's first bytes say it is, whatever it was declared as; undefined for anything else. */
export function sniffReceiptFile(bytes: Uint8Array): ReceiptFileType | undefined {
  return RECEIPT_FILE_TYPES.find((type) => MAGIC[type].every((b, i) => bytes[i] === b));
}

/**
 * R-COLL-2: a receipt's file: not empty, at most the size cap, and its content (magic bytes) is
 * the PDF, JPEG or PNG its declared content type says.
 */
export function decideReceiptFile(
  file: { declaredType: string; bytes: Uint8Array },
  params: CollectionSelfServiceParameters = COLLECTION_SELF_SERVICE_PARAMETERS,
): Decision<ReceiptFileType> {
  if (file.bytes.length === 0) return invalid('the file is empty', 'body');
  if (file.bytes.length > params.receiptFileMaxBytes) {
    return invalid(`the file is larger than ${params.receiptFileMaxBytes} bytes`, 'body');
  }
  const declared = file.declaredType.split(';')[0]!.trim().toLowerCase();
  if (!RECEIPT_FILE_TYPES.includes(declared as ReceiptFileType)) {
    return invalid('the file must be a PDF, JPEG or PNG', 'headers.content-type');
  }
  const actual = sniffReceiptFile(file.bytes);
  if (actual !== declared) return invalid(`the file's content is not a ${declared}`, 'body');
  return { ok: true, value: actual };
}

export interface ReceiptRequest {
  bankReference: string;
  paidOn: IsoDate;
  amount: string;
}

/** R-COLL-2: a receipt of a payment made elsewhere: a reference, a payment date not in the future, an amount. */
export function decideReceipt(
  request: ReceiptRequest & { today: IsoDate },
  params: CollectionSelfServiceParameters = COLLECTION_SELF_SERVICE_PARAMETERS,
): Decision<ReceiptRequest> {
  const ref = typeof request.bankReference === 'string' ? request.bankReference.trim() : '';
  if (ref.length < 1 || ref.length > 100) return invalid('a bank reference of 1–100 characters', 'bankReference');
  if (!isIsoDate(request.paidOn)) return invalid('not a date (YYYY-MM-DD)', 'paidOn');
  if (compareDates(request.paidOn, request.today) > 0) return invalid('the payment date is in the future', 'paidOn');
  if (compareDates(request.paidOn, addDays(request.today, -params.receiptMaxAgeDays)) < 0) {
    return invalid(`the payment date is more than ${params.receiptMaxAgeDays} days back`, 'paidOn');
  }
  if (!isAmountString(request.amount) || !new Decimal(request.amount).greaterThan(0)) {
    return invalid('a positive amount with at most 2 decimals', 'amount');
  }
  return {
    ok: true,
    value: { bankReference: ref, paidOn: request.paidOn, amount: formatAmount(new Decimal(request.amount)) },
  };
}

/**
 * R-COLL-2, R-COLL-3: after a rejected receipt the timeline resumes; a deadline that passed (or
 * nearly) while the receipt was checked is moved to `receiptRejectedMinDays` after the rejection.
 */
export function deadlineAfterRejectedReceipt(
  deadline: IsoDate | null,
  today: IsoDate,
  params: CollectionSelfServiceParameters = COLLECTION_SELF_SERVICE_PARAMETERS,
): IsoDate | null {
  if (deadline === null) return null;
  const earliest = addDays(today, params.receiptRejectedMinDays);
  return compareDates(deadline, earliest) < 0 ? earliest : deadline;
}

// --- messages -------------------------------------------------------------------------------------

export function decideMessage(
  body: string,
  params: CollectionSelfServiceParameters = COLLECTION_SELF_SERVICE_PARAMETERS,
): Decision<string> {
  const text = typeof body === 'string' ? body.trim() : '';
  if (text.length < 1 || text.length > params.messageMaxLength) {
    return invalid(`a message of 1–${params.messageMaxLength} characters`, 'body');
  }
  return { ok: true, value: text };
}

// --- suggested solution (several cases, one monthly amount) ---------------------------------------

export interface SuggestionCase {
  caseNumber: string;
  standing: CaseStanding;
  /** The claim today (R-COLL-1). */
  claimTotal: Decimal;
}

export interface SuggestedCasePlan {
  caseNumber: string;
  monthlyAmount: string;
  /** The plan's installments (its length in months). */
  months: number;
  lastDueDate: IsoDate;
  /** Claim + plan fee. */
  total: string;
  plan: InstallmentPlan;
}

export interface SuggestedSolution {
  /** What the plans ask for each month together (at most the amount stated). */
  monthlyAmount: string;
  dayOfMonth: number;
  plans: SuggestedCasePlan[];
  /** Cases no plan can cover now (a plan runs, or the claim is disputed). */
  excluded: { caseNumber: string; stage: string }[];
}

const mayTakePlan = (c: SuggestionCase): boolean => c.standing.stage !== 'PLAN' && c.standing.stage !== 'DISPUTED';

/**
 * R-COLL-2, R-COLL-6: one monthly amount for all of a debtor's open cases that may take a plan.
 * Each case gets at least its own smallest acceptable amount (R-COLL-6 per case: at most 24 months,
 * at least 300 a month, its plan fee added); what the amount leaves over is shared in proportion
 * to the cases' totals (whole kronor, the rest to the largest), never more than a case's total.
 * Refused with the smallest acceptable amount for all of them.
 */
export function suggestSolution(
  input: { today: IsoDate; monthlyAmount: Decimal; dayOfMonth: number; cases: readonly SuggestionCase[] },
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): Decision<SuggestedSolution> {
  const eligible = input.cases.filter(mayTakePlan);
  const excluded = input.cases
    .filter((c) => !mayTakePlan(c))
    .map((c) => ({ caseNumber: c.caseNumber, stage: c.standing.stage }));
  if (eligible.length === 0)
    return conflict('none of the cases can take an installment plan now', 'monthlyAmount', 'R-COLL-6');
  if (!Number.isInteger(input.dayOfMonth) || input.dayOfMonth < 1 || input.dayOfMonth > params.planMaxDayOfMonth) {
    return conflict(`the day of month is 1–${params.planMaxDayOfMonth}`, 'dayOfMonth', 'R-COLL-6');
  }
  const fee = new Decimal(params.planFee);
  const totals = eligible.map((c) => c.claimTotal.plus(fee));
  const amounts = totals.map((t) => smallestAcceptableMonthlyAmount(t, params));
  const smallest = amounts.reduce((a, b) => a.plus(b), ZERO);
  if (input.monthlyAmount.lessThan(smallest)) {
    return conflict(
      `the smallest acceptable monthly amount for these ${eligible.length} cases is ${formatAmount(smallest)} SEK`,
      'monthlyAmount',
      'R-COLL-6',
    );
  }
  // The surplus, shared by the totals in whole kronor (what is left, öre too, to the largest case
  // that can take it); a case never asks more than its total.
  const cap = (i: number) => totals[i]!.ceil();
  let surplus = input.monthlyAmount.minus(smallest);
  for (let round = 0; round <= eligible.length && surplus.greaterThan(0); round++) {
    const open = amounts.map((_, i) => i).filter((i) => amounts[i]!.lessThan(cap(i)));
    if (open.length === 0) break;
    const weight = open.reduce((sum, i) => sum.plus(totals[i]!), ZERO);
    let given = ZERO;
    for (const i of open) {
      const share = Decimal.min(surplus.times(totals[i]!).div(weight).floor(), cap(i).minus(amounts[i]!));
      amounts[i] = amounts[i]!.plus(share);
      given = given.plus(share);
    }
    surplus = surplus.minus(given);
    if (given.isZero()) {
      const largest = open.reduce((a, b) => (totals[b]!.greaterThan(totals[a]!) ? b : a));
      const rest = Decimal.min(surplus, cap(largest).minus(amounts[largest]!));
      amounts[largest] = amounts[largest]!.plus(rest);
      surplus = surplus.minus(rest);
    }
  }
  const plans: SuggestedCasePlan[] = [];
  for (const [i, c] of eligible.entries()) {
    const decided = decideInstallmentPlan(
      c.standing,
      { today: input.today, claimTotal: c.claimTotal, monthlyAmount: amounts[i]!, dayOfMonth: input.dayOfMonth },
      params,
    );
    if (!decided.ok) return decided;
    const plan = decided.value;
    plans.push({
      caseNumber: c.caseNumber,
      monthlyAmount: plan.monthlyAmount,
      months: plan.installments.length,
      lastDueDate: plan.installments[plan.installments.length - 1]!.dueDate,
      total: plan.total,
      plan,
    });
  }
  return {
    ok: true,
    value: {
      monthlyAmount: formatAmount(amounts.reduce((a, b) => a.plus(b), ZERO)),
      dayOfMonth: input.dayOfMonth,
      plans,
      excluded,
    },
  };
}

// --- power of attorney ----------------------------------------------------------------------------

/**
 * R-COLL-8: a helper named by a valid personal identity number (Luhn, via domain/personnummer.ts),
 * not the grantor themself, until a date after today and at most `powerOfAttorneyMaxDays` ahead.
 * Answers the helper's number in its 12-digit form.
 */
export function decidePowerOfAttorney(
  request: { today: IsoDate; helperPersonnummer: string; validUntil: IsoDate; grantorPersonnummer?: string },
  params: CollectionSelfServiceParameters = COLLECTION_SELF_SERVICE_PARAMETERS,
): Decision<{ helperPersonnummer: string; validUntil: IsoDate }> {
  if (
    typeof request.helperPersonnummer !== 'string' ||
    !isValidPersonnummer(request.helperPersonnummer, request.today)
  ) {
    return invalid('not a valid personal identity number', 'helperPersonnummer');
  }
  const helper = parsePersonnummer(request.helperPersonnummer, request.today).normalised;
  if (
    request.grantorPersonnummer &&
    isValidPersonnummer(request.grantorPersonnummer, request.today) &&
    parsePersonnummer(request.grantorPersonnummer, request.today).normalised === helper
  ) {
    return conflict('a power of attorney is given to someone else', 'helperPersonnummer', 'R-COLL-8');
  }
  if (!isIsoDate(request.validUntil)) return invalid('not a date (YYYY-MM-DD)', 'validUntil');
  if (compareDates(request.validUntil, request.today) <= 0)
    return invalid('the date must be after today', 'validUntil');
  const latest = addDays(request.today, params.powerOfAttorneyMaxDays);
  if (compareDates(request.validUntil, latest) > 0) {
    return invalid(`at most ${latest} (${params.powerOfAttorneyMaxDays} days ahead)`, 'validUntil');
  }
  return { ok: true, value: { helperPersonnummer: helper, validUntil: request.validUntil } };
}

/** R-COLL-8: a signed power of attorney is in force on `today` until its date, unless revoked. */
export function powerOfAttorneyInForce(poa: { status: string; validUntil: IsoDate }, today: IsoDate): boolean {
  return poa.status === 'ACTIVE' && compareDates(today, poa.validUntil) <= 0;
}
