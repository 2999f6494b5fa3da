/**
 * The simulated debtor's activities (workflows/simulated-debtor.ts), run only by the simulator's
 * worker: a payment is registered like a bank file's (to the case's OCR reference) and applied as
 * the payment workflow applies one (`registerAndApplyPayment`); every other act is the case
 * workflow's update, sent with the Temporal client as the API sends it (api/routes/collection/).
 * A refusal is a result.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { registerAndApplyPayment } from '../activities/loan/payments';
import type { BureauClient } from '../adapters/bureau';
import { caseLedgerLines, casePaidTotal } from '../db/collection-case-repository';
import type { Db } from '../db/database';
import { findLoan } from '../db/loan-repository';
import { claimFromLines, claimOn, claimTotal, DEFAULT_COLLECTION_PRODUCT } from '../domain/collection';
import { planDueBy } from '../domain/collection-case';
import { addDays, type IsoDate } from '../domain/dates';
import { Decimal, formatAmount } from '../domain/money';
import { asRefusal, REFUSED } from '../domain/refusal';
import {
  answerDisputeUpdate,
  type CaseView,
  caseViewQuery,
  collectionCaseWorkflowId,
  disputeUpdate,
  postponeUpdate,
  proposePlanUpdate,
  writeOffUpdate,
} from '../workflows/collection-case-messages';
import type { DebtorAct, DebtorActResult, PlanStep, SimulatedDebtorActivities } from '../workflows/simulated-debtor';

/** Who the simulated acts are recorded as (the case's timeline keeps the actor). */
const DEBTOR = 'simulated-debtor';
const OPERATOR = 'simulated-operator';

async function caseRow(db: Db, caseId: string) {
  return db.selectFrom('collection_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
}

/** R-COLL-1: the claim on `date`, default interest included up to it, as the debtor would be told. */
export async function claimToday(db: Db, caseId: string, date: IsoDate): Promise<Decimal> {
  const row = await caseRow(db, caseId);
  const loan = (await findLoan(db, row.loan_id))!;
  return claimTotal(
    claimOn({
      claim: claimFromLines(await caseLedgerLines(db, caseId)),
      nominalRatePercent: new Decimal(loan.nominal_rate_percent),
      accruedUntil: row.default_interest_accrued_until ?? date,
      date,
    }),
  );
}

/** The case's refusal in a failed update, or undefined for anything else. */
function refusalOf(err: unknown): { reason: string } | undefined {
  if (err instanceof WorkflowNotFoundError) return { reason: 'the case workflow has ended' };
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === REFUSED) {
    return { reason: asRefusal(cause.details?.[0])?.message || cause.message };
  }
  return undefined;
}

/** `bureau`: the worker's bureau client (absent when it runs without adapters), as the payment workflow's. */
export function createDebtorActivities(db: Db, bureau: BureauClient | undefined): SimulatedDebtorActivities {
  /** A bank payment to the case's OCR reference, registered once per reference and applied at once. */
  async function pay(
    caseId: string,
    date: IsoDate,
    amount: Decimal,
    reference: string,
  ): Promise<{ paymentId: string; amount: string }> {
    const row = await caseRow(db, caseId);
    const { payment } = await registerAndApplyPayment(db, bureau, {
      bankReference: `debtor:${caseId}:${reference}`,
      ocrReference: row.ocr_reference!,
      amount: formatAmount(amount),
      paymentDate: date,
    });
    return { paymentId: payment.id, amount: payment.amount };
  }

  async function update(caseId: string, caseNumber: string, act: DebtorAct, date: IsoDate): Promise<CaseView> {
    const handle = Context.current().client.workflow.getHandle(collectionCaseWorkflowId(caseNumber));
    switch (act.type) {
      case 'postpone':
        return handle.executeUpdate(postponeUpdate, {
          args: [{ actor: DEBTOR, newDueDate: addDays(date, act.days) }],
        });
      case 'propose-plan': {
        let monthlyAmount = act.monthlyAmount;
        if (!monthlyAmount) {
          // The claim today (default interest to today, as the case decides on), plus the plan fee,
          // over the months asked for.
          const total = (await claimToday(db, caseId, date)).plus(DEFAULT_COLLECTION_PRODUCT.planFee);
          monthlyAmount = formatAmount(total.div(act.months ?? DEFAULT_COLLECTION_PRODUCT.planMaxMonths).ceil());
        }
        return handle.executeUpdate(proposePlanUpdate, {
          args: [{ actor: DEBTOR, monthlyAmount, dayOfMonth: act.dayOfMonth }],
        });
      }
      case 'dispute':
        return handle.executeUpdate(disputeUpdate, { args: [{ actor: DEBTOR, reason: act.reason }] });
      case 'answer-dispute':
        return handle.executeUpdate(answerDisputeUpdate, {
          args: [
            {
              actor: OPERATOR,
              outcome: act.outcome,
              answer: act.answer,
              ...(act.reduceBy ? { reduceBy: act.reduceBy } : {}),
            },
          ],
        });
      case 'write-off':
        return handle.executeUpdate(writeOffUpdate, { args: [{ actor: OPERATOR, reason: act.reason }] });
      case 'pay':
        throw new Error('a payment is not an update');
    }
  }

  /** R-COLL-6: the next installment the case will check, and what the plan asks to have been paid by its due date. */
  async function planStep({
    caseId,
    caseNumber,
    date,
  }: {
    caseId: string;
    caseNumber: string;
    date: IsoDate;
  }): Promise<PlanStep> {
    const row = await caseRow(db, caseId);
    if (row.status !== 'OPEN') return { open: false, next: null };
    const view = await Context.current()
      .client.workflow.getHandle(collectionCaseWorkflowId(caseNumber))
      .query(caseViewQuery);
    const plan = view.stage === 'PLAN' ? view.plan : null;
    const next = plan?.installments[plan.checked];
    if (!plan || !next) return { open: view.status === 'OPEN', next: null };
    const paidOnPlan = (await casePaidTotal(db, row.loan_id)).minus(plan.paidBefore);
    const due = Decimal.max(planDueBy(plan, next.number).minus(paidOnPlan), 0);
    const claim = await claimToday(db, caseId, date);
    return {
      open: true,
      next: { number: next.number, dueDate: next.dueDate, amountDue: formatAmount(Decimal.min(due, claim)) },
    };
  }

  return {
    async simulatedDebtorActs({ caseId, caseNumber, date, index, act }): Promise<DebtorActResult> {
      const base = { act: act.type, date };
      if ((await caseRow(db, caseId)).status !== 'OPEN') return { ...base, outcome: 'case-ended' };
      if (act.type === 'pay') {
        const amount = act.amount === 'all' ? await claimToday(db, caseId, date) : new Decimal(act.amount);
        return { ...base, outcome: 'done', ...(await pay(caseId, date, amount, `act-${index}`)) };
      }
      try {
        const view = await update(caseId, caseNumber, act, date);
        return { ...base, outcome: 'done', stage: view.status === 'OPEN' ? view.stage : view.status };
      } catch (err) {
        const refused = refusalOf(err);
        if (!refused) throw err;
        return { ...base, outcome: 'refused', reason: refused.reason };
      }
    },

    simulatedDebtorPlanStep: planStep,

    /** R-COLL-6: what the plan asks by this installment's due date (catching up a miss), never more than the claim. */
    async simulatedDebtorPaysInstallment({ caseId, caseNumber, date, number }): Promise<DebtorActResult> {
      const base = { act: 'pay-installment' as const, date, installment: number };
      const step = await planStep({ caseId, caseNumber, date });
      if (!step.open) return { ...base, outcome: 'case-ended' };
      const amount = new Decimal(step.next?.amountDue ?? 0);
      if (!step.next || amount.lessThanOrEqualTo(0)) return { ...base, outcome: 'done', amount: '0.00' };
      return { ...base, outcome: 'done', ...(await pay(caseId, date, amount, `installment-${number}`)) };
    },
  };
}
