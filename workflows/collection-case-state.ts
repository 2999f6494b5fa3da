/**
 * The collection case workflow's small explicit state (carried across continue-as-new) and the
 * pure decision of what the case waits for next (R-COLL-4…7).
 */
import type { CaseSnapshot } from '../activities/collection/case-ledger';
import { DEFAULT_COLLECTION_PRODUCT } from '../domain/collection';
import type { CollectionStage, CollectionStatus } from '../domain/collection-case';
import { addDays, type IsoDate } from '../domain/dates';
import type { CaseView, PlanProgress } from './collection-case-messages';

export interface CollectionCaseState {
  status: CollectionStatus;
  stage: CollectionStage;
  deadline: IsoDate | null;
  postponementsUsed: number;
  plan: PlanProgress | null;
  dispute: { filedOn: IsoDate; answerBy: IsoDate; escalated: boolean; resumeStage: CollectionStage } | null;
  snapshot: CaseSnapshot;
  pendingPayments: string[];
  demandSent: boolean;
  /** R-COLL-2: receipts being checked (workflows/collection-case-receipts.ts); absent in older runs. */
  receiptsChecking?: string[];
  /** R-PAY-3: the plan's autogiro mandate, once one was given (workflows/collection-case-direct-debit.ts). */
  directDebit?: { active: boolean; drawnThrough: number };
}

export type CaseEvent =
  | { kind: 'demand-deadline'; date: IsoDate }
  | { kind: 'reminder-deadline'; date: IsoDate }
  | { kind: 'plan-check'; date: IsoDate; number: number }
  | { kind: 'dispute-escalation'; date: IsoDate }
  | { kind: 'none' };

/**
 * The next thing that happens without the debtor: the day after a deadline (the deadline is the
 * last day to pay), the day after a plan installment's due date, the dispute's escalation date.
 */
export function nextCaseEvent(state: CollectionCaseState): CaseEvent {
  if (state.status !== 'OPEN') return { kind: 'none' };
  switch (state.stage) {
    case 'DISPUTED':
      return state.dispute && !state.dispute.escalated
        ? {
            kind: 'dispute-escalation',
            date: addDays(state.dispute.filedOn, DEFAULT_COLLECTION_PRODUCT.disputeEscalationDays),
          }
        : { kind: 'none' };
    case 'PLAN': {
      const next = state.plan?.installments[state.plan.checked];
      return next ? { kind: 'plan-check', date: addDays(next.dueDate, 1), number: next.number } : { kind: 'none' };
    }
    case 'LAST_REMINDER':
      return state.deadline ? { kind: 'reminder-deadline', date: addDays(state.deadline, 1) } : { kind: 'none' };
    case 'DEMAND':
    case 'POSTPONED':
      return state.deadline ? { kind: 'demand-deadline', date: addDays(state.deadline, 1) } : { kind: 'none' };
  }
}

export function caseView(state: CollectionCaseState, step: string): CaseView {
  return {
    caseNumber: state.snapshot.caseNumber,
    status: state.status,
    stage: state.stage,
    step,
    deadline: state.deadline,
    claim: state.snapshot.claim,
    claimDate: state.snapshot.date,
    postponementsUsed: state.postponementsUsed,
    plan: state.plan,
    dispute: state.dispute
      ? { filedOn: state.dispute.filedOn, answerBy: state.dispute.answerBy, escalated: state.dispute.escalated }
      : null,
  };
}
