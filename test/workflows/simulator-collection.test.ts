/**
 * The lifecycle simulator follows a loan into collection (R-COLL-1…9): the simulated debtor
 * (workflows/simulated-debtor.ts) plays each preset on the case, and the output's case timeline and
 * claim are read from PostgreSQL. Every run ends with the ledger balanced.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { Decimal } from '../../domain/money';
import { type DebtorPresetName, debtorPreset } from '../../simulator/debtor';
import type { SimulationOutput } from '../../simulator/output-document';
import { runScenario, type SimulationContext } from '../../simulator/runner';
import { parseScenario, ScenarioError, withDebtor } from '../../simulator/scenario';
import { expectLedgerBalanced } from '../support/ledger';
import { example, runnable, useSimulationContext } from '../support/simulator';

describe('lifecycle simulator: the collection case and a simulated debtor', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let ctx: SimulationContext;

  useSimulationContext((context) => {
    ctx = context;
    env = context.env;
    db = context.db;
  });

  /** examples/collection.json with the preset debtor. */
  async function run(preset: DebtorPresetName): Promise<SimulationOutput> {
    const scenario = withDebtor(await runnable(example('collection'), env), debtorPreset(preset));
    const { output } = await runScenario(ctx, scenario);
    expect(output.status).toBe('IN_COLLECTION');
    expect(output.collectionCase).toBeDefined();
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
    return output;
  }
  const kinds = (output: SimulationOutput) => output.collectionCase!.timeline.map((e) => e.kind);

  it('R-COLL-6: examples/collection.json: a 24-month plan kept to the end → CLOSED_PAID, the claim 0 in the ledger', async () => {
    const scenario = await runnable(example('collection'), env);
    expect(scenario.debtor?.preset).toBe('plan-kept');
    const { output } = await runScenario(ctx, scenario);
    const c = output.collectionCase!;
    expect(c).toMatchObject({ status: 'CLOSED_PAID', claimAtEnd: { total: '0.00' } });
    expect(output.simulated).toMatchObject({ endedBy: 'case-ended', to: c.closedOn });
    const events = kinds(output);
    expect(events.slice(0, 3)).toEqual(['opened', 'demand', 'plan-accepted']);
    expect(events.filter((k) => k === 'plan-installment').length).toBeGreaterThanOrEqual(24);
    expect(events).not.toContain('plan-reminder');
    expect(events.at(-1)).toBe('closed-paid');
    expect(c.debtor.acts[0]).toMatchObject({ act: 'propose-plan', outcome: 'done', stage: 'PLAN' });
    const paid = c.debtor.acts.filter((a) => a.act === 'pay-installment');
    expect(paid.length).toBeGreaterThanOrEqual(24);
    expect(paid.every((a) => a.outcome === 'done' && new Decimal(a.amount!).greaterThan(0))).toBe(true);
    expect(c.temporal.stateAtEnd).toBe('COMPLETED');
    expect(c.temporal.historyEvents).toBe(c.temporal.runs.reduce((n, r) => n + r.historyEvents, 0));
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('R-COLL-6: a missed installment gets a reminder; caught up with the next one, the plan is kept', async () => {
    const output = await run('plan-missed');
    expect(output.collectionCase!.status).toBe('CLOSED_PAID');
    expect(kinds(output).filter((k) => k === 'plan-reminder')).toHaveLength(1);
    expect(kinds(output)).not.toContain('plan-broken');
    const acts = output.collectionCase!.debtor.acts.filter((a) => a.act === 'pay-installment');
    expect(acts.map((a) => a.installment)).not.toContain(2);
  });

  it('R-COLL-6, R-COLL-3: a plan stopped after two installments breaks; the claim goes to a payment order', async () => {
    const output = await run('plan-broken');
    const c = output.collectionCase!;
    expect(c.status).toBe('SENT_TO_ENFORCEMENT');
    expect(c.enforcementReference).toMatch(/\S/);
    expect(kinds(output).slice(-5)).toEqual([
      'plan-reminder',
      'plan-installment',
      'plan-broken',
      'last-reminder',
      'sent-to-enforcement',
    ]);
    expect(new Decimal(c.claimAtEnd.total).greaterThan(0)).toBe(true);
  });

  it('R-COLL-3, R-COLL-4: no reaction: demand, last reminder, payment order', async () => {
    const output = await run('no-reaction');
    expect(kinds(output)).toEqual(['opened', 'demand', 'last-reminder', 'sent-to-enforcement']);
    expect(output.collectionCase!.debtor.acts).toEqual([]);
  });

  it('R-COLL-5, R-COLL-9: postponed by 30 days and paid on the new due date → CLOSED_PAID without a last reminder', async () => {
    const output = await run('postpone');
    expect(kinds(output)).toEqual(['opened', 'demand', 'postponed', 'payment', 'closed-paid']);
    expect(output.collectionCase!.claimAtEnd.total).toBe('0.00');
  });

  it('R-COLL-9: a part payment keeps the case open at the new balance; the rest closes it', async () => {
    const output = await run('part-pay');
    expect(kinds(output)).toEqual(['opened', 'demand', 'payment', 'last-reminder', 'payment', 'closed-paid']);
    expect(output.collectionCase!.debtor.acts.map((a) => a.amount)).toEqual(['1000.00', expect.any(String)]);
  });

  it('R-COLL-7: a dispute pauses the timeline until the operator rejects it; then the debtor pays', async () => {
    const output = await run('dispute-rejected');
    expect(kinds(output)).toEqual([
      'opened',
      'demand',
      'dispute-filed',
      'dispute-escalated',
      'dispute-answered',
      'payment',
      'closed-paid',
    ]);
  });

  it('R-COLL-7: a dispute upheld writes the claim off', async () => {
    const output = await run('dispute-upheld');
    expect(output.collectionCase).toMatchObject({ status: 'WRITTEN_OFF', claimAtEnd: { total: '0.00' } });
    expect(kinds(output).at(-1)).toBe('dispute-answered');
  });

  it('refuses a debtor for a loan that never goes to collection', () => {
    expect(() =>
      parseScenario({
        loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
        borrower: { paysDaysBeforeDue: 5 },
        debtor: { preset: 'pay-in-full' },
        end: { untilClosed: true },
      }),
    ).toThrow(ScenarioError);
  });
});
