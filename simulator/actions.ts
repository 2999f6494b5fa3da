/**
 * The scenario's actions on the loan (R-LOAN-5…8): a rate change, a payment-free month, an early
 * repayment and a withdrawal, each played as the loan workflow's update on its date, the way the
 * API sends them (api/routes/loan-actions.ts). The runner moves the time-skipping server's clock to
 * 10:00 UTC of the action's date first: after the loan's business events (05:00 UTC) and the
 * borrower's payments (09:00 UTC…) of that day, so the loan has issued that day's invoice and
 * applied that day's payments when it is asked.
 *
 * Money the action asks for (the early-repayment total or amount, the withdrawal's repayment) is
 * paid on the same date through the path every bank payment takes: registered once per bank
 * reference (`simulation:<loan>:event-<n>`, matched by the order's OCR reference) and handed to the
 * payment workflow, which applies it to the ledger and wakes the loan.
 *
 * A refusal by the loan is a result, not an error: it is recorded with its reason and the
 * simulation goes on.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../db/database';
import { insertComplaint } from '../db/complaint-repository';
import { findLoan, findPayment, registerPayment } from '../db/loan-repository';
import { COMPLAINT_LIMITS, complaintDeadlines } from '../domain/complaint';
import type { IsoDate } from '../domain/dates';
import { compareDates } from '../domain/dates';
import { asRefusal, REFUSED } from '../domain/refusal';
import {
  changeRateUpdate,
  confirmEarlyRepaymentUpdate,
  loanWorkflowId,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  withdrawUpdate,
} from '../workflows/loan-messages';
import type {
  EarlyRepaymentOrder,
  EarlyRepaymentQuote,
  PaymentFreeMonthGrant,
  RateChangeNotice,
  WithdrawalOrder,
} from '../domain/loan-actions';
import { complaintWorkflow } from '../workflows/complaint';
import { type ComplaintInput, complaintWorkflowId } from '../domain/complaint-state';
import { paymentWorkflow, paymentWorkflowId } from '../workflows/payment';
import type { Scenario } from './scenario';

/** One scenario event the runner plays as an update, with its index in `scenario.events`. */
export type LoanAction =
  | {
      kind: 'rate-change';
      event: number;
      date: IsoDate;
      newNominalRatePercent: string;
      effectiveFrom: IsoDate;
    }
  | { kind: 'payment-free-month'; event: number; date: IsoDate; installmentNumber?: number }
  | { kind: 'early-repayment'; event: number; date: IsoDate; amount: 'all' | string }
  | { kind: 'withdrawal'; event: number; date: IsoDate }
  | { kind: 'complaint'; event: number; date: IsoDate; text?: string };

/** The actions of a scenario in the order they are played: by date, then as written. */
export function loanActions(scenario: Scenario): LoanAction[] {
  const actions: LoanAction[] = [];
  scenario.events.forEach((e, event) => {
    switch (e.type) {
      case 'rate-change':
        actions.push({
          kind: 'rate-change',
          event,
          date: e.announcedOn,
          newNominalRatePercent: e.nominalRatePercent,
          effectiveFrom: e.effectiveOn,
        });
        break;
      case 'payment-free-month':
        actions.push({
          kind: 'payment-free-month',
          event,
          date: e.date,
          ...(e.installment !== undefined ? { installmentNumber: e.installment } : {}),
        });
        break;
      case 'early-repayment':
        actions.push({ kind: 'early-repayment', event, date: e.date, amount: e.amount });
        break;
      case 'withdrawal':
        actions.push({ kind: 'withdrawal', event, date: e.date });
        break;
      case 'complaint':
        actions.push({ kind: 'complaint', event, date: e.date, ...(e.text !== undefined ? { text: e.text } : {}) });
        break;
    }
  });
  return actions.sort((a, b) => compareDates(a.date, b.date) || a.event - b.event);
}

/** The payment the runner made for an action (early repayment, withdrawal). */
export interface ActionPayment {
  paymentId: string;
  amount: string;
  date: IsoDate;
  ocr: string;
  /** The payment's status once the payment workflow applied it (APPLIED), or as it stood after 10 s. */
  status: string;
}

interface Refusal {
  outcome: 'refused';
  reason: string;
  field?: string;
}

/** What happened to one action: the loan's answers, or its refusal. */
export type ActionRecord = { event: number; date: IsoDate } & (
  | ({ kind: 'rate-change'; changeId: string; newNominalRatePercent: string; effectiveFrom: IsoDate } & (
      { outcome: 'accepted'; notice: RateChangeNotice } | Refusal
    ))
  | ({ kind: 'payment-free-month' } & ({ outcome: 'accepted'; grant: PaymentFreeMonthGrant } | Refusal))
  | ({ kind: 'early-repayment'; requested: 'whole' | 'partial'; amount: string | null } & (
      | { outcome: 'accepted'; quote: EarlyRepaymentQuote; order: EarlyRepaymentOrder; payment: ActionPayment }
      | (Refusal & { quote?: EarlyRepaymentQuote })
    ))
  | ({ kind: 'withdrawal' } & ({ outcome: 'accepted'; order: WithdrawalOrder; payment: ActionPayment } | Refusal))
  | ({ kind: 'complaint' } & ({ outcome: 'accepted'; complaintId: string; workflowId: string } | Refusal))
);

/** The loan's refusal in a failed update (or the workflow having ended), as a record; else undefined. */
export function refusalOf(err: unknown): Refusal | undefined {
  if (err instanceof WorkflowNotFoundError) return { outcome: 'refused', reason: 'the loan workflow has ended' };
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === REFUSED) {
    const refusal = asRefusal(cause.details?.[0]);
    return {
      outcome: 'refused',
      reason: refusal?.message || cause.message,
      ...(refusal?.field ? { field: refusal.field } : {}),
    };
  }
  return undefined;
}

export interface ActionContext {
  env: TestWorkflowEnvironment;
  db: Db;
  loanId: string;
  taskQueue: string;
  log: (message: string) => void;
}

/** Registers a payment like a bank file import and lets the payment workflow apply it. */
async function pay(ctx: ActionContext, action: LoanAction, amount: string, ocr: string): Promise<ActionPayment> {
  const payment = await registerPayment(ctx.db, {
    id: randomUUID(),
    bankReference: `simulation:${ctx.loanId}:event-${action.event}`,
    ocrReference: ocr,
    amount,
    paymentDate: action.date,
  });
  await ctx.env.client.workflow.start(paymentWorkflow, {
    taskQueue: ctx.taskQueue,
    workflowId: paymentWorkflowId(payment.id),
    args: [{ paymentId: payment.id }],
  });
  // Real-time polling while the simulated clock stands still: awaiting the workflow's result would
  // let the time-skipping server move the loan's and the borrower's timers meanwhile.
  let status = payment.status;
  for (let i = 0; i < 400 && status !== 'APPLIED'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    status = (await findPayment(ctx.db, payment.id))?.status ?? status;
  }
  if (status !== 'APPLIED') ctx.log(`the payment for event ${action.event} was not applied within 10 s (${status})`);
  return { paymentId: payment.id, amount: payment.amount, date: action.date, ocr, status };
}

/** Plays one action now (the clock already on its date) and records the outcome. */
export async function playAction(ctx: ActionContext, action: LoanAction): Promise<ActionRecord> {
  const loan = ctx.env.client.workflow.getHandle(loanWorkflowId(ctx.loanId));
  const at = { event: action.event, date: action.date };
  switch (action.kind) {
    case 'rate-change': {
      const request = {
        changeId: `scenario-event-${action.event}`,
        newNominalRatePercent: action.newNominalRatePercent,
        effectiveFrom: action.effectiveFrom,
      };
      const base = { ...at, kind: action.kind, ...request };
      try {
        const notice = await loan.executeUpdate(changeRateUpdate, { args: [request] });
        return { ...base, outcome: 'accepted', notice };
      } catch (err) {
        return { ...base, ...(await refusal(ctx, err)) };
      }
    }
    case 'payment-free-month': {
      const base = { ...at, kind: action.kind };
      try {
        const grant = await loan.executeUpdate(requestPaymentFreeMonthUpdate, {
          args: [action.installmentNumber === undefined ? {} : { installmentNumber: action.installmentNumber }],
        });
        return { ...base, outcome: 'accepted', grant };
      } catch (err) {
        return { ...base, ...(await refusal(ctx, err)) };
      }
    }
    case 'early-repayment': {
      const whole = action.amount === 'all';
      const base = {
        ...at,
        kind: action.kind,
        requested: whole ? ('whole' as const) : ('partial' as const),
        amount: whole ? null : action.amount,
      };
      let quote: EarlyRepaymentQuote | undefined;
      try {
        quote = await loan.executeUpdate(quoteEarlyRepaymentUpdate, {
          args: [
            action.amount === 'all'
              ? { kind: 'whole', paymentDate: action.date }
              : { kind: 'partial', amount: action.amount, paymentDate: action.date },
          ],
        });
        const order = await loan.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: quote.quoteId }] });
        // Whole: the quoted total settles the loan; partial: the amount asked for.
        const payment = await pay(ctx, action, whole ? order.total : action.amount, order.ocrReference);
        return { ...base, outcome: 'accepted', quote, order, payment };
      } catch (err) {
        return { ...base, ...(await refusal(ctx, err)), ...(quote ? { quote } : {}) };
      }
    }
    case 'complaint':
      return { ...at, kind: action.kind, ...(await fileComplaint(ctx, action)) };
    case 'withdrawal': {
      const base = { ...at, kind: action.kind };
      try {
        const order = await loan.executeUpdate(withdrawUpdate, { args: [{}] });
        const payment = await pay(ctx, action, order.total, order.ocrReference);
        return { ...base, outcome: 'accepted', order, payment };
      } catch (err) {
        return { ...base, ...(await refusal(ctx, err)) };
      }
    }
  }
}

/**
 * R-LOAN-9: the borrower files a complaint, as `POST /v1/loans/{loanId}/complaints` does: the row
 * first, then the complaint workflow with its answer and escalation deadlines from the date.
 */
async function fileComplaint(
  ctx: ActionContext,
  action: Extract<LoanAction, { kind: 'complaint' }>,
): Promise<{ outcome: 'accepted'; complaintId: string; workflowId: string } | Refusal> {
  const loan = await findLoan(ctx.db, ctx.loanId);
  if (!loan) return { outcome: 'refused', reason: 'the loan was never opened' };
  const text = action.text?.trim() || 'Complaint filed by the simulated borrower';
  const input: ComplaintInput = {
    complaintId: randomUUID(),
    loanId: loan.id,
    customerId: loan.customer_id,
    contractNumber: loan.contract_number,
    receivedOn: action.date,
    subject: (text.split('\n')[0] ?? text).slice(0, COMPLAINT_LIMITS.subjectMax),
  };
  const deadlines = complaintDeadlines(action.date);
  const workflowId = complaintWorkflowId(input.complaintId);
  await insertComplaint(ctx.db, {
    id: input.complaintId,
    loanId: loan.id,
    customerId: loan.customer_id,
    workflowId,
    receivedOn: action.date,
    escalateOn: deadlines.escalateOn,
    answerDueOn: deadlines.answerDueOn,
    subject: input.subject,
    text,
  });
  await ctx.env.client.workflow.start(complaintWorkflow, { taskQueue: ctx.taskQueue, workflowId, args: [input] });
  return { outcome: 'accepted', complaintId: input.complaintId, workflowId };
}

/** The loan's refusal, or its workflow having ended; anything else is a failure of the simulation. */
async function refusal(ctx: ActionContext, err: unknown): Promise<Refusal> {
  const refused = refusalOf(err);
  if (refused) return refused;
  const state = await ctx.env.client.workflow
    .getHandle(loanWorkflowId(ctx.loanId))
    .describe()
    .then((d) => d.status.name)
    .catch(() => 'UNKNOWN');
  if (state !== 'RUNNING') return { outcome: 'refused', reason: `the loan workflow has ended (${state})` };
  throw err;
}
