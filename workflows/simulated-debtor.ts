/**
 * A debtor for the lifecycle simulator, beside the simulated borrower (workflows/simulated-borrower.ts):
 * once the loan is handed over, it plays the scenario's debtor acts on the collection case, each on
 * its day counted from the case's opening (day 0, the demand's day): pay (part or all, to the
 * case's OCR reference through the payment path), postpone (R-COLL-5), propose an installment
 * plan and keep it, miss installments or stop paying it (R-COLL-6), dispute the claim (R-COLL-7);
 * and the operator's answer to a dispute. Every act is the case workflow's own update (or a bank
 * payment), sent by the simulator's activities as the API sends them; a refusal is a result.
 *
 * Timing: the case's business events happen at 05:00 UTC on their date; the debtor acts from
 * 09:00 UTC, one minute apart for acts on the same day, like the borrower.
 *
 * The activities it calls live with the simulator (simulator/debtor-activities.ts: they use the
 * Temporal client to send updates, which activities/ may not); their shape is declared here.
 */
import { getExternalWorkflowHandle, proxyLocalActivities, sleep } from '@temporalio/workflow';
import { addDays, compareDates, type IsoDate } from '../domain/dates';
import { casePaymentSignal, collectionCaseWorkflowId } from './collection-case-messages';
import { today } from './loan-state';

/** How the debtor pays an accepted plan (R-COLL-6). */
export interface PlanPaying {
  /** Pays this many days before each installment's due date (0: on it). */
  daysBeforeDue: number;
  /** Installment numbers not paid (what is behind is paid with the next one: a catch-up). */
  miss?: number[];
  /** Pays nothing from this installment on. */
  stopFrom?: number;
}

/** One act of the debtor (or, for `answer-dispute` and `write-off`, of an operator) on a day of the case. */
export type DebtorAct =
  | { type: 'pay'; day: number; amount: string | 'all' }
  | { type: 'postpone'; day: number; days: number }
  | {
      type: 'propose-plan';
      day: number;
      /** A monthly amount, or the number of months the claim (and the plan fee) are spread over. */
      monthlyAmount?: string;
      months?: number;
      dayOfMonth: number;
      /** Without it the debtor agrees the plan and pays nothing more on it. */
      pays?: PlanPaying;
    }
  | { type: 'dispute'; day: number; reason: string }
  | { type: 'answer-dispute'; day: number; outcome: 'upheld' | 'rejected'; answer: string; reduceBy?: string }
  | { type: 'write-off'; day: number; reason: string };

/** What one act got: the case's answer or its refusal, and the payment made. */
export interface DebtorActRecord {
  act: DebtorAct['type'] | 'pay-installment';
  date: IsoDate;
  outcome: 'done' | 'refused' | 'case-ended';
  reason?: string;
  /** A payment: its amount (and, for a plan installment, the installment's number). */
  amount?: string;
  installment?: number;
  /** Set for an act that sent an update: the case's stage after it. */
  stage?: string;
}

export interface DebtorActResult extends DebtorActRecord {
  paymentId?: string;
}

/** The next plan installment to pay, with what the plan asks to have been paid by its due date. */
export interface PlanStep {
  open: boolean;
  next: { number: number; dueDate: IsoDate; amountDue: string } | null;
}

/** The simulator's debtor activities (simulator/debtor-activities.ts). */
export interface SimulatedDebtorActivities {
  simulatedDebtorActs(input: {
    caseId: string;
    caseNumber: string;
    date: IsoDate;
    index: number;
    act: DebtorAct;
  }): Promise<DebtorActResult>;
  simulatedDebtorPlanStep(input: { caseId: string; caseNumber: string; date: IsoDate }): Promise<PlanStep>;
  simulatedDebtorPaysInstallment(input: {
    caseId: string;
    caseNumber: string;
    date: IsoDate;
    number: number;
  }): Promise<DebtorActResult>;
}

export interface SimulatedDebtorInput {
  caseId: string;
  caseNumber: string;
  openedOn: IsoDate;
  acts: DebtorAct[];
}

const acts = proxyLocalActivities<SimulatedDebtorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** The debtor's acts in the order played: by day, then as written. */
export function debtorPlan(list: readonly DebtorAct[]): { act: DebtorAct; index: number }[] {
  return list.map((act, index) => ({ act, index })).sort((a, b) => a.act.day - b.act.day || a.index - b.index);
}

function at(date: IsoDate, nthThatDay = 0): number {
  return Date.parse(`${date}T09:00:00Z`) + nthThatDay * 60_000;
}

async function sleepUntil(instant: number): Promise<void> {
  const wait = instant - Date.now();
  if (wait > 0) await sleep(wait);
}

export async function simulatedDebtorWorkflow(input: SimulatedDebtorInput): Promise<DebtorActRecord[]> {
  const records: DebtorActRecord[] = [];
  const tellCase = async (result: DebtorActResult): Promise<void> => {
    const { paymentId, ...record } = result;
    records.push(record);
    if (!paymentId) return;
    // R-COLL-9: as the payment workflow does, the case is told and reads its new balance.
    await getExternalWorkflowHandle(collectionCaseWorkflowId(input.caseNumber))
      .signal(casePaymentSignal, { paymentId, paymentDate: result.date })
      .catch(() => undefined);
  };
  const ids = { caseId: input.caseId, caseNumber: input.caseNumber };

  let lastDay = -1;
  let nthThatDay = 0;
  for (const { act, index } of debtorPlan(input.acts)) {
    const date = addDays(input.openedOn, act.day);
    nthThatDay = act.day === lastDay ? nthThatDay + 1 : 0;
    lastDay = act.day;
    await sleepUntil(at(date, nthThatDay));
    const result = await acts.simulatedDebtorActs({ ...ids, date: today(), index, act });
    await tellCase(result);
    if (result.outcome === 'case-ended') break;
    if (act.type === 'propose-plan' && result.outcome === 'done' && act.pays) {
      if (!(await keepPlan(act.pays))) break;
    }
  }
  return records;

  /** R-COLL-6: pays the plan's installments as told until the case ends; false once it has. */
  async function keepPlan(paying: PlanPaying): Promise<boolean> {
    for (;;) {
      const step = await acts.simulatedDebtorPlanStep({ ...ids, date: today() });
      if (!step.open) return false;
      if (!step.next) return true; // the plan broke: the debtor goes on with the script
      const { number, dueDate } = step.next;
      // Told to pay before a date already behind (an installment due soon after the plan): pays today.
      const planned = addDays(dueDate, -paying.daysBeforeDue);
      const payOn = compareDates(planned, today()) < 0 ? today() : planned;
      const pays = !paying.miss?.includes(number) && !(paying.stopFrom !== undefined && number >= paying.stopFrom);
      if (pays && compareDates(payOn, dueDate) <= 0) {
        await sleepUntil(at(payOn));
        const result = await acts.simulatedDebtorPaysInstallment({ ...ids, date: today(), number });
        await tellCase(result);
        if (result.outcome === 'case-ended') return false;
      }
      // The case checks the installment the day after its due date (05:00 UTC); the debtor looks after.
      await sleepUntil(at(addDays(dueDate, 1)));
    }
  }
}
