/**
 * The simulator plays autogiro (R-PAY-3): a borrower who pays nothing themselves but has a mandate
 * is drawn on each due date; the draw of the invoice the scenario refuses is refused, so that
 * invoice alone gets the late fee.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { addDays, addMonths, firstOfMonth, stockholmDate } from '../../domain/dates';
import { runScenario, type SimulationContext } from '../../simulator/runner';
import { parseScenario } from '../../simulator/scenario';
import { expectLedgerBalanced } from '../support/ledger';
import { useSimulationContext } from '../support/simulator';

describe('the simulator plays autogiro (R-PAY-3)', () => {
  let ctx: SimulationContext;
  let env: TestWorkflowEnvironment;
  let db: Db;
  useSimulationContext((context) => {
    ctx = context;
    env = context.env;
    db = context.db;
  });

  it('R-PAY-3: draws every invoice; the refused draw of invoice 2 leaves it late with its late fee', async () => {
    const today = stockholmDate(new Date(await env.currentTimeMs()));
    const until = addDays(addMonths(firstOfMonth(today), 3), 8);
    const scenario = parseScenario({
      loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
      borrower: { never: true, autogiro: { refuseInvoices: [2] } },
      end: { until },
    });
    const { output } = await runScenario(ctx, scenario);
    const byNumber = new Map(output.invoices.map((i) => [i.number, i]));
    expect(byNumber.get(1)).toMatchObject({ status: 'PAID' });
    expect(byNumber.get(2)).toMatchObject({ status: 'OPEN', charges: { 'late-fee': '95.00' } });
    expect(byNumber.get(1)?.charges).not.toHaveProperty('late-fee');
    expect(output.payments.length).toBeGreaterThanOrEqual(1);
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });
});
