/**
 * The debtor's self-service (R-COLL-2, R-COLL-5…7) and the operator's actions (R-COLL-3, R-COLL-7)
 * as updates, defined in workflows/collection-case-messages.ts: each validator refuses
 * synchronously what the case cannot do now (domain/collection-case.ts decides), each handler
 * runs one step at a time with the timeline (`exclusive`) and answers with the case's view.
 */
import { setHandler } from '@temporalio/workflow';
import type { CollectionActivities } from '../activities/collection';
import type { CaseStep } from '../activities/collection/steps';
import { DEFAULT_COLLECTION_PRODUCT, demandDeadline } from '../domain/collection';
import {
  type CaseStanding,
  decideDispute,
  decideInstallmentPlan,
  decidePostponement,
  type Decision,
} from '../domain/collection-case';
import { addDays, type IsoDate, isIsoDate } from '../domain/dates';
import { Decimal, isAmountString } from '../domain/money';
import {
  answerDisputeUpdate,
  type CaseView,
  disputeUpdate,
  orderInvoiceCopyUpdate,
  postponeUpdate,
  proposePlanUpdate,
  writeOffUpdate,
} from './collection-case-messages';
import type { CollectionCaseState } from './collection-case-state';
import { refuseUpdate } from './refusal';

export interface CaseUpdateContext {
  caseId: string;
  state: CollectionCaseState;
  activities: CollectionActivities;
  today(): IsoDate;
  view(): CaseView;
  /** Runs `work` when no other step of the case runs (the timeline or another update). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** One step of the case: the activity under the step's idempotency key. */
  advance(step: CaseStep, actor?: string): Promise<void>;
}

function standingOf(state: CollectionCaseState): CaseStanding {
  return { stage: state.stage, deadline: state.deadline, postponementsUsed: state.postponementsUsed };
}

function orRefuse<T>(decision: Decision<T>): T {
  if (decision.ok) return decision.value;
  const r = decision.refusal;
  return refuseUpdate(r.kind, r.message, {
    ...(r.field ? { field: r.field } : {}),
    ...(r.rule ? { rule: r.rule } : {}),
  });
}

function requireText(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 4000) {
    refuseUpdate('invalid', `${field} must be 1–4000 characters`, { field });
  }
}

export function setCollectionUpdateHandlers(ctx: CaseUpdateContext): void {
  const { state } = ctx;
  const requireOpen = (): void => {
    if (state.status !== 'OPEN') refuseUpdate('conflict', `the case is ${state.status}`, { rule: 'R-COLL-3' });
  };

  setHandler(
    postponeUpdate,
    (request) =>
      ctx.exclusive(async () => {
        const { newDueDate } = orRefuse(
          decidePostponement(standingOf(state), { today: ctx.today(), newDueDate: request.newDueDate }),
        );
        await ctx.advance({ kind: 'postponed', newDueDate }, request.actor);
        state.stage = 'POSTPONED';
        state.deadline = newDueDate;
        state.postponementsUsed++;
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        if (!isIsoDate(request.newDueDate)) refuseUpdate('invalid', 'not a date (YYYY-MM-DD)', { field: 'newDueDate' });
        orRefuse(decidePostponement(standingOf(state), { today: ctx.today(), newDueDate: request.newDueDate }));
      },
    },
  );

  const decidePlan = (request: { monthlyAmount: string; dayOfMonth: number }, claimTotal: string) =>
    decideInstallmentPlan(standingOf(state), {
      today: ctx.today(),
      claimTotal: new Decimal(claimTotal),
      monthlyAmount: new Decimal(request.monthlyAmount),
      dayOfMonth: request.dayOfMonth,
    });

  setHandler(
    proposePlanUpdate,
    (request) =>
      ctx.exclusive(async () => {
        // Decided again on the claim read today: default interest has accrued since the last read.
        state.snapshot = await ctx.activities.caseSnapshot({ caseId: ctx.caseId, date: ctx.today() });
        const plan = orRefuse(decidePlan(request, state.snapshot.claim.total));
        const paidBefore = state.snapshot.paid;
        await ctx.advance({ kind: 'plan-accepted', plan }, request.actor);
        state.stage = 'PLAN';
        state.plan = { ...plan, checked: 0, misses: 0, paidBefore };
        const first = plan.installments[0]!;
        await ctx.advance({
          kind: 'plan-installment',
          number: first.number,
          count: plan.installments.length,
          amount: first.amount,
          dueDate: first.dueDate,
        });
        state.deadline = first.dueDate;
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        if (!isAmountString(request.monthlyAmount) || !new Decimal(request.monthlyAmount).greaterThan(0)) {
          refuseUpdate('invalid', 'a positive amount with at most 2 decimals', { field: 'monthlyAmount' });
        }
        orRefuse(decidePlan(request, state.snapshot.claim.total));
      },
    },
  );

  setHandler(
    disputeUpdate,
    (request) =>
      ctx.exclusive(async () => {
        orRefuse(decideDispute(standingOf(state)));
        const answerBy = addDays(ctx.today(), DEFAULT_COLLECTION_PRODUCT.disputeAnswerDays);
        await ctx.advance({ kind: 'dispute-filed', reason: request.reason, answerBy }, request.actor);
        state.dispute = { filedOn: ctx.today(), answerBy, escalated: false, resumeStage: state.stage };
        state.stage = 'DISPUTED';
        state.deadline = null;
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        requireText(request.reason, 'reason');
        orRefuse(decideDispute(standingOf(state)));
      },
    },
  );

  setHandler(
    answerDisputeUpdate,
    (request) =>
      ctx.exclusive(async () => {
        if (state.stage !== 'DISPUTED') refuseUpdate('conflict', 'the claim is not disputed', { rule: 'R-COLL-7' });
        const closes = request.outcome === 'upheld' && !request.reduceBy;
        // R-COLL-7: rejected (or reduced), the timeline resumes with a fresh deadline.
        const deadline = closes ? undefined : demandDeadline(ctx.today());
        await ctx.advance(
          {
            kind: 'dispute-answered',
            outcome: request.outcome,
            answer: request.answer,
            ...(request.reduceBy ? { reduceBy: request.reduceBy } : {}),
            ...(deadline ? { deadline } : {}),
          },
          request.actor,
        );
        state.dispute = null;
        if (closes) {
          state.status = 'WRITTEN_OFF';
        } else {
          state.stage = 'DEMAND';
          state.deadline = deadline!;
        }
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        if (state.stage !== 'DISPUTED') refuseUpdate('conflict', 'the claim is not disputed', { rule: 'R-COLL-7' });
        if (request.outcome !== 'upheld' && request.outcome !== 'rejected') {
          refuseUpdate('invalid', 'upheld or rejected', { field: 'outcome' });
        }
        requireText(request.answer, 'answer');
        if (request.reduceBy !== undefined) {
          if (request.outcome !== 'upheld')
            refuseUpdate('invalid', 'only an upheld dispute reduces the claim', { field: 'reduceBy' });
          if (!isAmountString(request.reduceBy) || !new Decimal(request.reduceBy).greaterThan(0)) {
            refuseUpdate('invalid', 'a positive amount with at most 2 decimals', { field: 'reduceBy' });
          }
        }
      },
    },
  );

  // R-COLL-2: the route has checked that the invoice exists; every order is one more letter.
  setHandler(
    orderInvoiceCopyUpdate,
    (request) =>
      ctx.exclusive(async () => {
        await ctx.advance({ kind: 'invoice-copy', invoiceNumber: request.invoiceNumber }, request.actor);
        return ctx.view();
      }),
    {
      validator: (request) => {
        if (!Number.isInteger(request.invoiceNumber) || request.invoiceNumber < 1) {
          refuseUpdate('invalid', 'an invoice number', { field: 'invoiceNumber' });
        }
      },
    },
  );

  setHandler(
    writeOffUpdate,
    (request) =>
      ctx.exclusive(async () => {
        requireOpen();
        await ctx.advance({ kind: 'written-off', reason: request.reason }, request.actor);
        state.status = 'WRITTEN_OFF';
        state.deadline = null;
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        requireText(request.reason, 'reason');
      },
    },
  );
}
