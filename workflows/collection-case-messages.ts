/**
 * The collection case workflow's messages (workflows/collection-case.ts), imported by the API and
 * the payment workflow. The debtor's self-service (R-COLL-2) and the operator's actions are
 * updates with synchronous validators that refuse with the one refusal type (workflows/refusal.ts).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClaimView } from '../domain/collection';
import type { CollectionStage, CollectionStatus, InstallmentPlan } from '../domain/collection-case';
import type { IsoDate } from '../domain/dates';

export { collectionCaseWorkflowId } from '../domain/collection-case';

/** R-COLL-9: a payment was applied to the case's ledger (by the payment workflow). */
export const casePaymentSignal = defineSignal<[{ paymentId: string; paymentDate: IsoDate }]>('casePayment');

/** Who acts: the debtor (or, later, their helper) or an operator, by the token's subject. */
export interface Actor {
  actor: string;
}

/** R-COLL-5 */
export const postponeUpdate = defineUpdate<CaseView, [Actor & { newDueDate: IsoDate }]>('postpone');
/** R-COLL-6: refused with the smallest acceptable monthly amount. */
export const proposePlanUpdate = defineUpdate<CaseView, [Actor & { monthlyAmount: string; dayOfMonth: number }]>(
  'proposePlan',
);
/** R-COLL-7: the timeline pauses until an operator answers. */
export const disputeUpdate = defineUpdate<CaseView, [Actor & { reason: string }]>('dispute');
/** R-COLL-7 (operator): upheld closes the case, or reduces the claim by `reduceBy`; rejected resumes it. */
export const answerDisputeUpdate = defineUpdate<
  CaseView,
  [Actor & { outcome: 'upheld' | 'rejected'; answer: string; reduceBy?: string }]
>('answerDispute');
/** R-COLL-2: a copy of one of the loan's original invoices, by post. */
export const orderInvoiceCopyUpdate = defineUpdate<CaseView, [Actor & { invoiceNumber: number }]>('orderInvoiceCopy');
/** R-COLL-3 (operator): the claim is given up. */
export const writeOffUpdate = defineUpdate<CaseView, [Actor & { reason: string }]>('writeOff');

export interface PlanProgress extends InstallmentPlan {
  /** Installments whose due date has been checked. */
  checked: number;
  misses: number;
  /** What had been paid to the case when the plan was accepted. */
  paidBefore: string;
}

export interface CaseView {
  caseNumber: string;
  status: CollectionStatus;
  stage: CollectionStage;
  step: string;
  deadline: IsoDate | null;
  claim: ClaimView;
  /** The date the claim was last read from the ledger. */
  claimDate: IsoDate;
  postponementsUsed: number;
  plan: PlanProgress | null;
  dispute: { filedOn: IsoDate; answerBy: IsoDate; escalated: boolean } | null;
}
export const caseViewQuery = defineQuery<CaseView>('view');
