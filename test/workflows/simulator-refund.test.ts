/** R-PAY-4 in the simulator: a scenario's overpayment closes the loan and the excess is refunded. */
import { Decimal, formatAmount, sumAmounts } from '../../domain/money';
import { runScenario, type SimulationContext } from '../../simulator/runner';
import { expectLedgerBalanced } from '../support/ledger';
import { example, runnable, useSimulationContext } from '../support/simulator';

describe('simulator: a refund (R-PAY-4)', () => {
  let ctx: SimulationContext;
  useSimulationContext((context) => {
    ctx = context;
  });

  it('R-PAY-4: examples/overpayment-refund.json closes the loan and refunds exactly what was paid beyond the debt, once', async () => {
    const scenario = await runnable(example('overpayment-refund'), ctx.env);
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    expect(output.refunds).toHaveLength(1);
    const [refund] = output.refunds;
    expect(refund).toMatchObject({ reason: 'overpayment', status: 'PAID' });
    // Paid in = principal + the interest and fees the lender earned + the refund, to the öre.
    const paidIn = sumAmounts(output.payments.map((p) => new Decimal(p.amount)));
    const earned = new Decimal(output.balances.accounts.interest_income!)
      .plus(output.balances.accounts.fee_income!)
      .negated();
    expect(refund!.amount).toBe(formatAmount(paidIn.minus(scenario.loan.amount).minus(earned)));
    expect(output.balances.accounts.customer_credit).toBe('0.00');
    expect(output.ledger.postingsByType['refund-payout']).toBe(1);
    await expectLedgerBalanced(ctx.db);
  });
});
