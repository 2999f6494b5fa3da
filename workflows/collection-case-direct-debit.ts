/**
 * R-COLL-6 with R-PAY-3 in the collection case workflow (workflows/collection-case.ts): once the
 * debtor has given a mandate for the case, each plan installment is drawn on its due date (what is
 * still short of the plan by that installment); a paid draw is a payment to the case like any other;
 * a refused draw books nothing, so the next day's plan check finds the installment missed (the
 * existing miss → reminder → second miss breaks the plan path). Kept apart from the case's own
 * steps so the workflow's edits stay small.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { CollectionActivities } from '../activities/collection';
import type { DirectDebitActivities } from '../activities/direct-debit';
import { planDueBy } from '../domain/collection-case';
import { compareDates, type IsoDate } from '../domain/dates';
import { idempotencyKey } from '../domain/idempotency';
import { Decimal, formatAmount } from '../domain/money';
import type { CollectionCaseState } from './collection-case-state';
import { mandateChangedSignal } from './direct-debit-messages';
import { today } from './loan-state';

/** Versioned: cases that ran before direct debit replay without it. */
export const CASE_DIRECT_DEBIT_PATCH = 'collection-plan-direct-debit';

const directDebit = proxyActivities<DirectDebitActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

const { caseSnapshot } = proxyLocalActivities<CollectionActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The plan installment to draw next, if the mandate is active and it was not drawn yet. */
function nextDraw(state: CollectionCaseState): { number: number; dueDate: IsoDate } | undefined {
  const dd = state.directDebit;
  if (!dd?.active || state.status !== 'OPEN' || state.stage !== 'PLAN' || !state.plan) return undefined;
  const next = state.plan.installments[state.plan.checked];
  return next && next.number > dd.drawnThrough ? next : undefined;
}

export interface CaseDirectDebitHooks {
  /** True once after the mandate changed (the case's wait ends on it). */
  takeChange(): boolean;
  /** The earlier of `eventDate` and the next draw's due date. */
  wakeDate(eventDate: IsoDate | undefined): IsoDate | undefined;
  /** True when an installment is due to be drawn today (synchronous: no await without a mandate). */
  isDrawDue(): boolean;
  /** Draws the installment due today, if one is; true when it did something. */
  drawDue(workflowId: string, setStep: (step: string) => void): Promise<boolean>;
}

export function setCaseDirectDebit(caseId: string, state: CollectionCaseState): CaseDirectDebitHooks {
  let changed = false;
  setHandler(mandateChangedSignal, ({ active }) => {
    state.directDebit = { active, drawnThrough: state.directDebit?.drawnThrough ?? 0 };
    changed = true;
  });
  return {
    takeChange() {
      const was = changed;
      changed = false;
      return was;
    },
    wakeDate(eventDate) {
      const drawOn = nextDraw(state)?.dueDate;
      if (!drawOn) return eventDate;
      return eventDate && compareDates(eventDate, drawOn) <= 0 ? eventDate : drawOn;
    },
    isDrawDue() {
      const installment = nextDraw(state);
      return !!installment && compareDates(installment.dueDate, today()) <= 0;
    },
    async drawDue(workflowId, setStep) {
      const installment = nextDraw(state);
      if (!installment || compareDates(installment.dueDate, today()) > 0) return false;
      if (!patched(CASE_DIRECT_DEBIT_PATCH)) return false;
      setStep(`drawing installment ${installment.number} by autogiro`);
      const plan = state.plan!;
      const snapshot = await caseSnapshot({ caseId, date: today() });
      const paidSincePlan = new Decimal(snapshot.paid).minus(plan.paidBefore);
      const short = Decimal.min(planDueBy(plan, installment.number).minus(paidSincePlan), snapshot.claim.total);
      const outcome = await directDebit.drawPlanInstallment({
        caseId,
        number: installment.number,
        amount: formatAmount(Decimal.max(short, 0)),
        idempotencyKey: idempotencyKey(workflowId, 'autogiro', installment.number),
        date: installment.dueDate,
      });
      const dd = state.directDebit!;
      dd.drawnThrough = Math.max(dd.drawnThrough, installment.number);
      if (outcome.outcome === 'paid') {
        if (!state.pendingPayments.includes(outcome.paymentId)) state.pendingPayments.push(outcome.paymentId);
      } else if (
        outcome.outcome === 'no-mandate' ||
        (outcome.outcome === 'refused' && outcome.reason === 'mandate_cancelled')
      ) {
        dd.active = false;
      }
      return true;
    },
  };
}
