/**
 * The lifecycle simulator playing the loan's actions (R-LOAN-5…9) on the time-skipping server:
 * rate change, payment-free month, early repayment, withdrawal and complaint, with the output's
 * sections read back from PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { addDays, stockholmDate } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { installmentDueDate } from '../../domain/schedule';
import { runScenario, type SimulationContext } from '../../simulator/runner';
import { parseScenario, parseScenarioText } from '../../simulator/scenario';
import { expectLedgerBalanced } from '../support/ledger';
import { runnable, useSimulationContext } from '../support/simulator';

describe('lifecycle simulator: the loan’s actions', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let ctx: SimulationContext;

  useSimulationContext((context) => {
    ctx = context;
    env = context.env;
    db = context.db;
  });

  const tomorrow = async () => addDays(stockholmDate(new Date(await env.currentTimeMs())), 1);

  it('runs examples/rate-change-and-payment-free-month.json: the new rate from its first installment, one installment skipped, 37 months', async () => {
    const text = readFileSync(path.join(__dirname, '../../examples/rate-change-and-payment-free-month.json'), 'utf8');
    const scenario = await runnable(parseScenarioText(text), env);
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    expect(output.rateChanges).toEqual([
      expect.objectContaining({ outcome: 'accepted', newNominalRatePercent: '11.45', status: 'APPLIED' }),
    ]);
    const [change] = output.rateChanges;
    const [free] = output.paymentFreeMonths;
    expect(free).toMatchObject({ outcome: 'accepted', termMonths: 37, status: 'APPLIED' });
    if (free?.outcome !== 'accepted' || change?.outcome !== 'accepted') throw new Error('not accepted');
    const numbers = output.invoices.map((i) => i.number);
    expect(numbers).toHaveLength(36);
    expect(numbers).not.toContain(free.installmentNumber);
    expect(numbers.at(-1)).toBe(37);
    expect(output.invoices.at(-1)!.dueDate).toBe(installmentDueDate(scenario.loan.payoutDate!, 37));
    // Before the change the old annuity, from its first installment the new one (until the payment-free month).
    const payment = (n: number) => {
      const lines = output.invoices.find((i) => i.number === n)!.lines;
      return new Decimal(lines.principal ?? 0).plus(lines.interest ?? 0).toFixed(2);
    };
    // R-LOAN-5: the change takes effect on 2 July: 1 July of the first new-rate installment bears the
    // old rate (actual/365) — less than one day of the 1.5 pp raise on the amount lent; from the next
    // installment on, the new annuity in full.
    expect(change.firstInstallment + 1).toBeLessThan(free.installmentNumber);
    const oldRateDay = new Decimal(change.newMonthlyPayment).minus(payment(change.firstInstallment));
    expect(oldRateDay.greaterThan(0) && oldRateDay.lessThan(new Decimal(60000).times('0.015').div(365))).toBe(true);
    expect(payment(change.firstInstallment + 1)).toBe(change.newMonthlyPayment);
    expect(payment(free.installmentNumber + 1)).toBe(free.newMonthlyPayment);
    expect(output.invoices.every((i) => i.status === 'PAID')).toBe(true);
    expect(output.loan).toMatchObject({ termMonths: 37, nominalRatePercent: '11.45' });
    expect(output.balances.customerDebt).toBe('0.00');
    expect(output.ledger.balanced).toBe(true);
    expect(output.notes).toEqual([]);
    await expectLedgerBalanced(db);
  });

  it('early repayment partial then whole: the principal drops, then the loan closes at 0.00 without a fee', async () => {
    const payoutDate = await tomorrow();
    const scenario = parseScenario({
      loan: { amount: '80000', termMonths: 48, nominalRatePercent: '12.50', noticeChannel: 'e-invoice', payoutDate },
      borrower: { paysDaysBeforeDue: 5 },
      events: [
        { type: 'early-repayment', amount: '15000', date: addDays(installmentDueDate(payoutDate, 2), 2) },
        { type: 'early-repayment', amount: 'all', date: addDays(installmentDueDate(payoutDate, 6), 2) },
      ],
      end: { untilClosed: true },
    });
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    const [partial, whole] = output.earlyRepayments;
    expect(partial).toMatchObject({ kind: 'partial', outcome: 'accepted', amount: '15000.00' });
    expect(whole).toMatchObject({ kind: 'whole', outcome: 'accepted', amount: null });
    if (partial?.outcome !== 'accepted' || whole?.outcome !== 'accepted') throw new Error('not accepted');
    expect(partial.quote.fee).toBe('0.00');
    expect(partial.quote.remainingInstallments).toBeLessThan(46);
    expect(partial.payment).toMatchObject({ amount: '15000.00', status: 'APPLIED' });
    expect(partial.order.status).toBe('SETTLED');
    expect(whole.quote.fee).toBe('0.00');
    expect(whole.payment).toMatchObject({ amount: whole.quote.total, status: 'APPLIED' });
    expect(whole.order.status).toBe('SETTLED');
    expect(output.loan.closedOn).toBe(whole.requestedOn);
    expect(output.balances.customerDebt).toBe('0.00');
    expect(output.payments.filter((p) => p.source === 'scenario')).toHaveLength(2);
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('withdrawal on day 10, repaid: WITHDRAWN; a payment-free month after it is refused and reported; a complaint is escalated', async () => {
    const payoutDate = await tomorrow();
    const scenario = parseScenario({
      loan: { amount: '40000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro', payoutDate },
      borrower: { paysDaysBeforeDue: 5 },
      events: [
        { type: 'complaint', date: addDays(payoutDate, 2), text: 'The contract arrived late' },
        { type: 'withdrawal', date: addDays(payoutDate, 10) },
        { type: 'payment-free-month', date: addDays(payoutDate, 11) },
      ],
      end: { until: addDays(payoutDate, 40) },
    });
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('WITHDRAWN');
    expect(output.withdrawal).toMatchObject({
      outcome: 'accepted',
      noticeDate: addDays(payoutDate, 10),
      principal: '40000.00',
      status: 'REPAID',
      payment: { status: 'APPLIED' },
    });
    expect(output.paymentFreeMonths).toEqual([
      expect.objectContaining({ outcome: 'refused', requestedOn: addDays(payoutDate, 11), reason: expect.any(String) }),
    ]);
    expect(output.notes.some((n) => n.includes('payment-free-month') && n.includes('refused'))).toBe(true);
    expect(output.complaints).toEqual([
      expect.objectContaining({ outcome: 'accepted', receivedOn: addDays(payoutDate, 2), status: 'ESCALATED' }),
    ]);
    expect(output.invoices.filter((i) => i.status !== 'CANCELLED').every((i) => i.status === 'PAID')).toBe(true);
    expect(new Decimal(output.balances.customerDebt).greaterThan(0)).toBe(false);
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });
});
