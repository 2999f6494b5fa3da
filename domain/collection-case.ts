/**
 * The collection case's life (R-COLL-3…7): its statuses, the statutory timeline's stages, and the
 * debtor's agreements: postponement (R-COLL-5) and installment plan (R-COLL-6). Pure: every
 * decision takes the dates and the claim as arguments and answers with a result or a refusal.
 */
import { DEFAULT_COLLECTION_PRODUCT, type CollectionProductParameters } from './collection';
import { addDays, addMonths, compareDates, daysBetween, type IsoDate, parseIsoDate, formatIsoDate } from './dates';
import { Decimal, formatAmount, minAmount, ZERO } from './money';
import { refusal, type Refusal } from './refusal';

/** R-COLL-3: OPEN while the case runs; the other three are final. */
export type CollectionStatus = 'OPEN' | 'SENT_TO_ENFORCEMENT' | 'CLOSED_PAID' | 'WRITTEN_OFF';
export const COLLECTION_STATUSES: readonly CollectionStatus[] = [
  'OPEN',
  'SENT_TO_ENFORCEMENT',
  'CLOSED_PAID',
  'WRITTEN_OFF',
];

/**
 * R-PAY-4: a case that ended paid or written off claims nothing any more: money paid to its loan
 * afterwards is the customer's, to refund. A case sent to the enforcement authority still claims.
 */
export function caseClaimsNothing(status: CollectionStatus): boolean {
  return status === 'CLOSED_PAID' || status === 'WRITTEN_OFF';
}

/** Where an open case is on its timeline (R-COLL-4…7). */
export type CollectionStage = 'DEMAND' | 'LAST_REMINDER' | 'POSTPONED' | 'PLAN' | 'DISPUTED';
export const COLLECTION_STAGES: readonly CollectionStage[] = [
  'DEMAND',
  'LAST_REMINDER',
  'POSTPONED',
  'PLAN',
  'DISPUTED',
];

export type Decision<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const refused = (message: string, field: string, rule: string): Decision<never> => ({
  ok: false,
  refusal: refusal('conflict', message, { field, rule }),
});

/** What the rules need to know about an open case. */
export interface CaseStanding {
  stage: CollectionStage;
  /** The date the claim must be paid by (the demand's, reminder's or postponement's). */
  deadline: IsoDate | null;
  postponementsUsed: number;
}

/**
 * R-COLL-5: a new due date after the current deadline and at most `postponementMaxDays` after
 * today, at most `postponementsPerCase` times; not while a plan runs or a dispute is open.
 */
export function decidePostponement(
  standing: CaseStanding,
  request: { today: IsoDate; newDueDate: IsoDate },
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): Decision<{ newDueDate: IsoDate }> {
  if (standing.stage === 'PLAN' || standing.stage === 'DISPUTED') {
    return refused(`no postponement while the case is ${standing.stage}`, 'newDueDate', 'R-COLL-5');
  }
  if (standing.postponementsUsed >= params.postponementsPerCase) {
    return refused(
      `at most ${params.postponementsPerCase} postponement per case, and it has been used`,
      'newDueDate',
      'R-COLL-5',
    );
  }
  const latest = addDays(request.today, params.postponementMaxDays);
  if (compareDates(request.newDueDate, latest) > 0) {
    return refused(
      `the new due date may be at most ${latest} (${params.postponementMaxDays} days ahead)`,
      'newDueDate',
      'R-COLL-5',
    );
  }
  if (standing.deadline && compareDates(request.newDueDate, standing.deadline) <= 0) {
    return refused(`the new due date must be after the current one, ${standing.deadline}`, 'newDueDate', 'R-COLL-5');
  }
  return { ok: true, value: { newDueDate: request.newDueDate } };
}

export interface PlanInstallment {
  number: number;
  dueDate: IsoDate;
  /** The last installment's amount is what then remains (default interest keeps accruing). */
  amount: string;
}

export interface InstallmentPlan {
  acceptedOn: IsoDate;
  monthlyAmount: string;
  dayOfMonth: number;
  fee: string;
  /** Claim + plan fee at acceptance, spread over the installments. */
  total: string;
  installments: PlanInstallment[];
}

/** R-COLL-6: the smallest monthly amount that pays `total` within the plan's months (whole kronor). */
export function smallestAcceptableMonthlyAmount(
  total: Decimal,
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): Decimal {
  const spread = total.div(params.planMaxMonths).ceil();
  const floor = new Decimal(params.planMinMonthlyAmount);
  return spread.greaterThan(floor) ? spread : floor;
}

/** The `dayOfMonth` of the month after `date`'s month … `n` months on. */
function nthDueDate(after: IsoDate, n: number, dayOfMonth: number): IsoDate {
  const { year, month } = parseIsoDate(addMonths(after, n));
  return formatIsoDate({ year, month, day: dayOfMonth });
}

/**
 * R-COLL-6: a plan the debtor proposes, accepted when it runs at most `planMaxMonths` with at
 * least `planMinMonthlyAmount` a month; refused with the smallest acceptable amount otherwise.
 * The first installment falls due on `dayOfMonth` of the next month.
 */
export function decideInstallmentPlan(
  standing: CaseStanding,
  request: { today: IsoDate; claimTotal: Decimal; monthlyAmount: Decimal; dayOfMonth: number },
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): Decision<InstallmentPlan> {
  if (standing.stage === 'PLAN' || standing.stage === 'DISPUTED') {
    return refused(`no new plan while the case is ${standing.stage}`, 'monthlyAmount', 'R-COLL-6');
  }
  if (
    !Number.isInteger(request.dayOfMonth) ||
    request.dayOfMonth < 1 ||
    request.dayOfMonth > params.planMaxDayOfMonth
  ) {
    return refused(`the day of month is 1–${params.planMaxDayOfMonth}`, 'dayOfMonth', 'R-COLL-6');
  }
  const fee = new Decimal(params.planFee);
  const total = request.claimTotal.plus(fee);
  const smallest = smallestAcceptableMonthlyAmount(total, params);
  if (request.monthlyAmount.lessThan(smallest)) {
    return refused(
      `the smallest acceptable monthly amount is ${formatAmount(smallest)} SEK (at most ${params.planMaxMonths} months, at least ${params.planMinMonthlyAmount} SEK a month)`,
      'monthlyAmount',
      'R-COLL-6',
    );
  }
  const installments: PlanInstallment[] = [];
  let left = total;
  for (let number = 1; left.greaterThan(ZERO); number++) {
    const amount = minAmount(left, request.monthlyAmount);
    installments.push({
      number,
      dueDate: nthDueDate(request.today, number, request.dayOfMonth),
      amount: formatAmount(amount),
    });
    left = left.minus(amount);
  }
  return {
    ok: true,
    value: {
      acceptedOn: request.today,
      monthlyAmount: formatAmount(request.monthlyAmount),
      dayOfMonth: request.dayOfMonth,
      fee: formatAmount(fee),
      total: formatAmount(total),
      installments,
    },
  };
}

/** R-COLL-6: what the plan asks to have been paid by the due date of installment `number`. */
export function planDueBy(plan: Pick<InstallmentPlan, 'installments'>, number: number): Decimal {
  return plan.installments.filter((i) => i.number <= number).reduce((sum, i) => sum.plus(i.amount), ZERO);
}

/** R-COLL-6: a missed installment: the first misses get a reminder, the breaking one breaks the plan. */
export function afterMissedInstallment(
  missesBefore: number,
  params: CollectionProductParameters = DEFAULT_COLLECTION_PRODUCT,
): { misses: number; outcome: 'reminder' | 'broken' } {
  const misses = missesBefore + 1;
  return { misses, outcome: misses >= params.planMissesBreaking ? 'broken' : 'reminder' };
}

/**
 * R-COLL-7: a dispute is taken while the case is open and not already disputed, and not while an
 * installment plan runs (agreeing to the plan acknowledged the claim).
 */
export function decideDispute(standing: CaseStanding): Decision<true> {
  if (standing.stage === 'DISPUTED') return refused('the claim is already disputed', 'reason', 'R-COLL-7');
  if (standing.stage === 'PLAN')
    return refused('the claim was acknowledged by the installment plan', 'reason', 'R-COLL-7');
  return { ok: true, value: true };
}

/** Days a case has been in collection on `today` (a search attribute and the overview). */
export function daysInCollection(openedOn: IsoDate, today: IsoDate): number {
  return Math.max(0, daysBetween(openedOn, today));
}

/** The case's workflow id (its number is not personal data). */
export function collectionCaseWorkflowId(caseNumber: string): string {
  return `collection-${caseNumber}`;
}

/** The Temporal UI's Summary of a case's workflow: ids only, never personal data. */
export function collectionCaseSummary(opened: { caseNumber: string; contractNumber: string }): string {
  return `Collection case ${opened.caseNumber} (contract ${opened.contractNumber})`;
}
