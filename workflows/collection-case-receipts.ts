/**
 * The debtor's receipts and messages on a collection case (R-COLL-2, R-COLL-3), as updates of the
 * case workflow (workflows/collection-case-self-service-messages.ts), kept apart from the timeline
 * and the agreements (workflows/collection-case-updates.ts). Each validator refuses synchronously;
 * each handler runs one step at a time with the timeline and answers with the case's view.
 *
 * A receipt being checked holds the case back from enforcement (`holdWhileReceiptsChecked`): the
 * application for a payment order waits until every receipt is decided. Accepted, the payment is
 * registered and applied by its own payment workflow, like any bank payment (R-COLL-9); rejected,
 * the timeline resumes, a deadline that passed meanwhile moved to a fresh one.
 */
import { ParentClosePolicy, setHandler, startChild } from '@temporalio/workflow';
import type { SelfServiceResult, SelfServiceStep } from '../activities/collection/self-service';
import type { Decision } from '../domain/collection-case';
import { deadlineAfterRejectedReceipt, decideMessage, decideReceipt } from '../domain/collection-self-service';
import type { IsoDate } from '../domain/dates';
import type { CaseView } from './collection-case-messages';
import {
  answerCaseMessageUpdate,
  decideReceiptUpdate,
  sendCaseMessageUpdate,
  submitReceiptUpdate,
} from './collection-case-self-service-messages';
import type { CaseEvent, CollectionCaseState } from './collection-case-state';
import type { paymentWorkflow } from './payment';
import { refuseUpdate } from './refusal';

export interface SelfServiceContext {
  state: CollectionCaseState;
  today(): IsoDate;
  view(): CaseView;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** One step under the case's next idempotency key (activities/collection/self-service.ts). */
  step(step: SelfServiceStep, actor: string): Promise<SelfServiceResult>;
  taskQueue: string;
}

/** R-COLL-2, R-COLL-3: no application for a payment order while a receipt is being checked. */
export function holdWhileReceiptsChecked(state: CollectionCaseState, event: CaseEvent): CaseEvent {
  return event.kind === 'reminder-deadline' && (state.receiptsChecking?.length ?? 0) > 0 ? { kind: 'none' } : event;
}

function orRefuse<T>(decision: Decision<T>): T {
  if (decision.ok) return decision.value;
  const r = decision.refusal;
  return refuseUpdate(r.kind, r.message, {
    ...(r.field ? { field: r.field } : {}),
    ...(r.rule ? { rule: r.rule } : {}),
  });
}

const isId = (s: unknown): boolean => typeof s === 'string' && /^[0-9a-f-]{36}$/.test(s);

export function setSelfServiceHandlers(ctx: SelfServiceContext): void {
  const { state } = ctx;
  const requireOpen = (): void => {
    if (state.status !== 'OPEN') refuseUpdate('conflict', `the case is ${state.status}`, { rule: 'R-COLL-3' });
  };
  const checking = (): string[] => (state.receiptsChecking ??= []);

  setHandler(
    submitReceiptUpdate,
    (request) =>
      ctx.exclusive(async () => {
        requireOpen();
        const receipt = orRefuse(decideReceipt({ ...request, today: ctx.today() }));
        await ctx.step(
          {
            kind: 'receipt-submitted',
            receiptId: request.receiptId,
            ...receipt,
            ...(request.fileId ? { fileId: request.fileId } : {}),
          },
          request.actor,
        );
        if (!checking().includes(request.receiptId)) checking().push(request.receiptId);
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        if (!isId(request.receiptId)) refuseUpdate('invalid', 'a receipt id', { field: 'receiptId' });
        if (request.fileId !== undefined && !isId(request.fileId)) {
          refuseUpdate('invalid', 'a file id', { field: 'fileId' });
        }
        orRefuse(decideReceipt({ ...request, today: ctx.today() }));
      },
    },
  );

  setHandler(
    decideReceiptUpdate,
    (request) =>
      ctx.exclusive(async () => {
        requireOpen();
        if (!checking().includes(request.receiptId)) {
          refuseUpdate('conflict', 'the receipt is not being checked', { field: 'receiptId', rule: 'R-COLL-2' });
        }
        if (request.outcome === 'accepted') {
          const { paymentId } = await ctx.step(
            { kind: 'receipt-accepted', receiptId: request.receiptId },
            request.actor,
          );
          // R-COLL-9: the payment is applied like any bank payment, by its own workflow (which tells the case).
          await startChild<typeof paymentWorkflow>('paymentWorkflow', {
            workflowId: `payment-${paymentId!}`,
            taskQueue: ctx.taskQueue,
            parentClosePolicy: ParentClosePolicy.ABANDON,
            args: [{ paymentId: paymentId! }],
          });
        } else {
          // The timeline's own deadline (not a plan installment's) moves if it passed meanwhile.
          const onTimeline = state.stage !== 'PLAN' && state.stage !== 'DISPUTED';
          const deadline = onTimeline ? deadlineAfterRejectedReceipt(state.deadline, ctx.today()) : state.deadline;
          await ctx.step(
            {
              kind: 'receipt-rejected',
              receiptId: request.receiptId,
              reason: request.reason!,
              ...(deadline && deadline !== state.deadline ? { deadline } : {}),
            },
            request.actor,
          );
          state.deadline = deadline;
        }
        state.receiptsChecking = checking().filter((id) => id !== request.receiptId);
        return ctx.view();
      }),
    {
      validator: (request) => {
        requireOpen();
        if (request.outcome !== 'accepted' && request.outcome !== 'rejected') {
          refuseUpdate('invalid', 'accepted or rejected', { field: 'outcome' });
        }
        const reason = request.reason;
        if (request.outcome === 'rejected' && (typeof reason !== 'string' || !reason.trim() || reason.length > 4000)) {
          refuseUpdate('invalid', 'a reason of 1–4000 characters', { field: 'reason' });
        }
        if (!checking().includes(request.receiptId)) {
          refuseUpdate('conflict', 'the receipt is not being checked', { field: 'receiptId', rule: 'R-COLL-2' });
        }
      },
    },
  );

  const messageValidator = (request: { messageId: string; body: string }): void => {
    requireOpen();
    if (!isId(request.messageId)) refuseUpdate('invalid', 'a message id', { field: 'messageId' });
    orRefuse(decideMessage(request.body));
  };

  setHandler(
    sendCaseMessageUpdate,
    (request) =>
      ctx.exclusive(async () => {
        await ctx.step(
          { kind: 'message-received', messageId: request.messageId, body: orRefuse(decideMessage(request.body)) },
          request.actor,
        );
        return ctx.view();
      }),
    { validator: messageValidator },
  );

  setHandler(
    answerCaseMessageUpdate,
    (request) =>
      ctx.exclusive(async () => {
        await ctx.step(
          { kind: 'message-answered', messageId: request.messageId, body: orRefuse(decideMessage(request.body)) },
          request.actor,
        );
        return ctx.view();
      }),
    { validator: messageValidator },
  );
}
