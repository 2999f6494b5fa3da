/**
 * One durable workflow per collection case (R-COLL-1…9), `collection-<caseNumber>`, started by the
 * loan workflow at the handover: the collection demand at opening, the last reminder after its
 * deadline, then the application for a payment order to the enforcement authority (R-COLL-4,
 * R-COLL-3), unless the claim is paid (CLOSED_PAID), agreed (postponement, installment plan),
 * disputed (the timeline pauses) or written off (WRITTEN_OFF). The ledger holds every öre under
 * the case; payments are applied by the payment workflow, which tells the case with a signal.
 *
 * History stays small: a case waits on one timer to its next date; continue-as-new carries the
 * small explicit state (workflows/collection-case-state.ts).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CollectionActivities } from '../activities/collection';
import type { LoanActivities } from '../activities/loan';
import type { CaseSnapshot } from '../activities/collection/case-ledger';
import type { CaseStep } from '../activities/collection/steps';
import {
  type Claim,
  claimOn,
  claimTotal,
  DEFAULT_COLLECTION_PRODUCT,
  demandDeadline,
  lastReminderDeadline,
} from '../domain/collection';
import { afterMissedInstallment, daysInCollection, planDueBy } from '../domain/collection-case';
import { addDays, addMonths, compareDates, type IsoDate } from '../domain/dates';
import { idempotencyKey } from '../domain/idempotency';
import { Decimal, formatAmount } from '../domain/money';
import { casePaymentSignal, caseViewQuery, collectionCaseWorkflowId } from './collection-case-messages';
import { type CaseEvent, caseView, type CollectionCaseState, nextCaseEvent } from './collection-case-state';
import { holdWhileReceiptsChecked, setSelfServiceHandlers } from './collection-case-receipts';
import { setCollectionUpdateHandlers } from './collection-case-updates';
import { setCaseDirectDebit } from './collection-case-direct-debit';
import { instantOf, today } from './loan-state';
import { CaseNumber, CollectionStatus, ContractNumber, DaysInCollection } from './search-attributes';

/** Fewer history events per case-month (bench/collection.ts); histories from before replay without it. */
const FEWER_EVENTS = 'collection-case-fewer-events';
/** R-PAY-4: a case closed paid refunds the credit left; histories from before close without it. */
const REFUND_CREDIT = 'collection-case-refund-credit';

export interface CollectionCaseInput {
  caseId: string;
  caseNumber: string;
  contractNumber: string;
  openedOn: IsoDate;
  state?: CollectionCaseState & { steps: number };
}

function claimOfView(view: CaseSnapshot['claim']): Claim {
  return {
    principal: new Decimal(view.principal),
    interest: new Decimal(view.interest),
    fees: new Decimal(view.fees),
    defaultInterest: new Decimal(view.defaultInterest),
    collectionFee: new Decimal(view.collectionFee),
  };
}

const activities = proxyLocalActivities<CollectionActivities & Pick<LoanActivities, 'startRefund'>>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// R-COLL-3: the enforcement authority is an external system: its own retries, a longer reach.
const { applyForPaymentOrder } = proxyLocalActivities<CollectionActivities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

export async function collectionCaseWorkflow(input: CollectionCaseInput): Promise<{ status: string }> {
  const { caseId, caseNumber } = input;
  const workflowId = collectionCaseWorkflowId(caseNumber);
  let steps = input.state?.steps ?? 0;
  let step = 'opening';
  let busy = false;
  let woken = false;
  let publishedDays = -1;

  const state: CollectionCaseState = input.state ?? {
    status: 'OPEN',
    stage: 'DEMAND',
    deadline: null,
    postponementsUsed: 0,
    plan: null,
    dispute: null,
    snapshot: await activities.caseSnapshot({ caseId, date: today() }),
    pendingPayments: [],
    demandSent: false,
  };

  const setStep = (next: string): void => {
    step = next;
    setCurrentDetails(`**${state.status}** (${state.stage}) — ${next}`);
  };
  const publish = (): void => {
    const days = daysInCollection(input.openedOn, today());
    upsertSearchAttributes([
      { key: CollectionStatus, value: state.status },
      { key: CaseNumber, value: caseNumber },
      { key: ContractNumber, value: input.contractNumber },
      { key: DaysInCollection, value: days },
    ]);
    publishedDays = days;
  };
  const merge = (snapshot: CaseSnapshot): void => {
    state.snapshot = snapshot;
    state.status = snapshot.status;
  };
  /** One step of the case under its own key: `collection-<caseNumber>:<n>:<kind>`. */
  const advance = async (caseStep: CaseStep, actor?: string): Promise<void> => {
    steps++;
    merge(
      await activities.advanceCase({
        caseId,
        idempotencyKey: idempotencyKey(workflowId, steps, caseStep.kind),
        date: today(),
        step: caseStep,
        ...(actor ? { actor } : {}),
      }),
    );
    woken = true;
  };
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  };

  setHandler(casePaymentSignal, (payment) => {
    if (!state.pendingPayments.includes(payment.paymentId)) state.pendingPayments.push(payment.paymentId);
  });
  setHandler(caseViewQuery, () => caseView(state, step));
  setCollectionUpdateHandlers({
    caseId,
    state,
    activities,
    today,
    view: () => caseView(state, step),
    exclusive,
    advance,
  });
  // R-COLL-2: receipts and messages (workflows/collection-case-receipts.ts).
  setSelfServiceHandlers({
    state,
    today,
    view: () => caseView(state, step),
    exclusive,
    taskQueue: workflowInfo().taskQueue,
    step: async (selfServiceStep, actor) => {
      steps++;
      const result = await activities.selfServiceStep({
        caseId,
        idempotencyKey: idempotencyKey(workflowId, steps, selfServiceStep.kind),
        date: today(),
        step: selfServiceStep,
        actor,
      });
      merge(result.snapshot);
      woken = true;
      return result;
    },
  });

  const directDebit = setCaseDirectDebit(caseId, state); // R-COLL-6, R-PAY-3

  publish();
  if (!state.demandSent) {
    // R-COLL-4: the demand at opening, with the default deadline (never under the statutory minimum).
    await exclusive(async () => {
      setStep('sending the collection demand');
      const deadline = demandDeadline(today());
      await advance({ kind: 'demand', deadline });
      state.deadline = deadline;
      state.demandSent = true;
    });
  }

  let handledThisRun = 0;
  /** The one timer to the next date (FEWER_EVENTS): a wake that leaves the date as it was keeps it. */
  let timer: { date: IsoDate; fired: boolean; scope: CancellationScope } | undefined;
  while (state.status === 'OPEN') {
    // A payment wakes the case without a new timer and without publishing the days; a plan's check
    // reads no claim first (every payment has been read on its signal): about 12 history events a
    // plan month (docs/benchmarks.md).
    const fewer = patched(FEWER_EVENTS);
    if (state.pendingPayments.length > 0) {
      await exclusive(async () => {
        setStep('reading the claim after a payment');
        state.pendingPayments.splice(0);
        merge(await activities.caseSnapshot({ caseId, date: today() }));
        if (state.status === 'OPEN' && new Decimal(state.snapshot.claim.total).lessThanOrEqualTo(0)) {
          setStep('closing: paid in full');
          await advance({ kind: 'closed-paid' });
          state.status = 'CLOSED_PAID';
        }
      });
      continue;
    }
    if (!fewer && publishedDays !== daysInCollection(input.openedOn, today())) publish();

    if (directDebit.isDrawDue() && (await exclusive(() => directDebit.drawDue(workflowId, setStep)))) continue;
    const event = holdWhileReceiptsChecked(state, nextCaseEvent(state));
    if (event.kind !== 'none' && compareDates(event.date, today()) <= 0) {
      if (fewer && publishedDays !== daysInCollection(input.openedOn, today())) publish();
      await exclusive(() => handle(event, fewer));
      handledThisRun++;
      if ((handledThisRun >= 24 || workflowInfo().continueAsNewSuggested) && state.status === 'OPEN') {
        setStep('continuing as new');
        await condition(() => allHandlersFinished() && !busy);
        if (state.pendingPayments.length === 0) {
          await continueAsNew<typeof collectionCaseWorkflow>({ ...input, state: { ...state, steps } });
        }
      }
      continue;
    }
    setStep(event.kind === 'none' ? 'waiting for the debtor or an operator' : `waiting until ${event.date}`);
    woken = false;
    const wake = () => state.pendingPayments.length > 0 || woken || state.status !== 'OPEN' || directDebit.takeChange();
    const wakeOn = directDebit.wakeDate(event.kind === 'none' ? undefined : event.date);
    if (!wakeOn) await condition(wake);
    else if (fewer) {
      if (timer?.date !== wakeOn) {
        timer?.scope.cancel();
        timer = startTimer(wakeOn);
      }
      const waiting = timer;
      await condition(() => wake() || waiting.fired);
      if (waiting.fired) timer = undefined;
    } else await condition(wake, Math.max(1, instantOf(wakeOn) - Date.now()));
  }
  if (state.status === 'CLOSED_PAID' && patched(REFUND_CREDIT)) {
    // R-PAY-4, R-COLL-9: paid beyond the claim, the case owes the customer the rest: paid back to
    // their account by its own workflow (a payment that overpaid may have opened it already: then
    // the credit is in that refund and nothing more is opened).
    setStep('refunding credit');
    const refund = await activities.openCaseRefund({
      caseId,
      idempotencyKey: idempotencyKey(workflowId, 'refund', 'close'),
      date: today(),
    });
    if (refund) await activities.startRefund(refund);
  }
  publish();
  setStep(state.status.toLowerCase().replace(/_/g, ' '));
  await condition(allHandlersFinished);
  return { status: state.status };

  function startTimer(date: IsoDate): NonNullable<typeof timer> {
    const scope = new CancellationScope();
    const started = { date, fired: false, scope };
    scope
      .run(() => sleep(Math.max(1, instantOf(date) - Date.now())))
      .then(
        () => (started.fired = true),
        () => undefined, // cancelled: the next date moved
      );
    return started;
  }

  async function handle(event: CaseEvent, fewer: boolean): Promise<void> {
    // Every decision is taken on the claim read today (a payment may have arrived meanwhile); a
    // plan's check takes the claim read at the last payment, whose signal woke the case (R-COLL-9).
    if (!(fewer && event.kind === 'plan-check')) merge(await activities.caseSnapshot({ caseId, date: today() }));
    const claimLeft = new Decimal(state.snapshot.claim.total);
    if (state.status !== 'OPEN') return;
    if (claimLeft.lessThanOrEqualTo(0)) {
      setStep('closing: paid in full');
      await advance({ kind: 'closed-paid' });
      return;
    }
    switch (event.kind) {
      case 'demand-deadline': {
        setStep('sending the last reminder');
        const deadline = lastReminderDeadline(today());
        await advance({ kind: 'last-reminder', deadline });
        state.stage = 'LAST_REMINDER';
        state.deadline = deadline;
        return;
      }
      case 'reminder-deadline': {
        // R-COLL-3: neither paid, agreed nor disputed: the application for a payment order.
        setStep('applying for a payment order');
        steps++;
        merge(
          await applyForPaymentOrder({
            caseId,
            idempotencyKey: idempotencyKey(workflowId, steps, 'enforcement'),
            date: today(),
          }),
        );
        return;
      }
      case 'dispute-escalation': {
        // R-COLL-7, R-LOAN-9: an unanswered dispute is escalated before its answer is due.
        setStep('escalating the unanswered dispute');
        await advance({ kind: 'dispute-escalated' });
        state.dispute!.escalated = true;
        return;
      }
      case 'plan-check':
        return checkInstallment(event.number);
      case 'none':
        return;
    }
  }

  /** R-COLL-6: was the plan kept up to installment `number`? A miss gets a reminder; the breaking miss ends the plan. */
  async function checkInstallment(number: number): Promise<void> {
    const plan = state.plan!;
    const paid = new Decimal(state.snapshot.paid).minus(plan.paidBefore);
    const shortfall = planDueBy(plan, number).minus(paid);
    plan.checked = number;
    if (shortfall.greaterThan(0)) {
      const { misses, outcome } = afterMissedInstallment(plan.misses);
      plan.misses = misses;
      if (outcome === 'broken') {
        setStep(`plan broken at installment ${number}`);
        const deadline = demandDeadline(today());
        await advance({ kind: 'plan-broken', deadline });
        state.plan = null;
        state.stage = 'DEMAND';
        state.deadline = deadline;
        return;
      }
      setStep(`reminding of installment ${number}`);
      await advance({
        kind: 'plan-reminder',
        amount: formatAmount(shortfall),
        dueDate: addDays(today(), DEFAULT_COLLECTION_PRODUCT.planReminderDays),
      });
    }
    let next = plan.installments[number];
    if (!next) {
      // The last installment is behind: what default interest added meanwhile, up to the new due
      // date, is one more installment (R-COLL-1: default interest runs until paid).
      const last = plan.installments[plan.installments.length - 1]!;
      const dueDate = addMonths(last.dueDate, 1);
      const { snapshot } = state;
      const claimThen = claimOn({
        claim: claimOfView(snapshot.claim),
        nominalRatePercent: new Decimal(snapshot.nominalRatePercent),
        accruedUntil: snapshot.date,
        date: dueDate,
      });
      next = { number: number + 1, dueDate, amount: formatAmount(claimTotal(claimThen)) };
      plan.installments.push(next);
    }
    setStep(`invoicing installment ${next.number}`);
    await advance({
      kind: 'plan-installment',
      number: next.number,
      count: plan.installments.length,
      amount: next.amount,
      dueDate: next.dueDate,
    });
    state.deadline = next.dueDate;
  }
}
