import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { addDays, addMonths, firstOfMonth, stockholmDate } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { buildSchedule } from '../../domain/schedule';
import { runScenario, type SimulationContext } from '../../simulator/runner';
import { parseScenario, ScenarioError } from '../../simulator/scenario';
import { expectLedgerBalanced } from '../support/ledger';
import { example, runnable, useSimulationContext } from '../support/simulator';

describe('lifecycle simulator on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let ctx: SimulationContext;

  useSimulationContext((context) => {
    ctx = context;
    env = context.env;
    db = context.db;
  });

  it('runs examples/on-time.json to CLOSED: every invoice as the quote planned, paid, ledger balanced', async () => {
    const scenario = await runnable(example('on-time'), env);
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    expect(output.simulated).toMatchObject({ from: scenario.loan.payoutDate, endedBy: 'loan-ended' });
    const schedule = buildSchedule({
      amount: new Decimal(scenario.loan.amount),
      termMonths: scenario.loan.termMonths,
      nominalRatePercent: new Decimal(scenario.loan.nominalRatePercent),
      noticeChannel: scenario.loan.noticeChannel,
      payoutDate: scenario.loan.payoutDate!,
    });
    expect(output.invoices).toHaveLength(60);
    output.invoices.forEach((invoice, i) => {
      const planned = schedule.installments[i]!;
      expect([invoice.number, invoice.dueDate, invoice.total, invoice.status]).toEqual([
        planned.number,
        planned.dueDate,
        planned.total.toFixed(2),
        'PAID',
      ]);
      expect(invoice.paidDate! <= invoice.dueDate).toBe(true);
      expect(invoice.charges).toEqual({});
    });
    expect(output.invoices[0]!.lines).toMatchObject({ 'setup-fee': '350.00', 'notice-fee': '20.00' });
    expect(output.reminders).toEqual([]);
    expect(output.payments).toHaveLength(60);
    expect(output.payments.every((p) => p.status === 'APPLIED' && p.source === 'borrower')).toBe(true);
    expect(output.balances.customerDebt).toBe('0.00');
    expect(output.ledger).toMatchObject({ balanced: true, sum: '0.00' });
    expect(output.loan.closedOn).toBe(output.invoices.at(-1)!.paidDate);
    expect(output.temporal.stateAtEnd).toBe('COMPLETED');
    expect(output.temporal.workflowRuns).toBeGreaterThanOrEqual(5); // continue-as-new per loan-year
    expect(output.temporal.historyEvents).toBe(output.temporal.runs.reduce((n, r) => n + r.historyEvents, 0));
    expect(JSON.parse(JSON.stringify(output))).toEqual(output); // one plain JSON document
    await expectLedgerBalanced(db);
  });

  it('R-PAY-1: runs examples/late-bank-file.json: a payment made on the due date, registered after the reminder, is on time', async () => {
    const scenario = await runnable(example('late-bank-file'), env);
    const late = scenario.events.flatMap((e) => (e.type === 'payment' ? [e] : []))[0]!;
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    const second = output.invoices[1]!;
    expect(second.dueDate).toBe(late.date);
    // The late fee and the reminder were sent before the file came, then reversed: nothing stays charged.
    expect(second.lateFeeChargedOn).not.toBeNull();
    expect(second.charges).toEqual({});
    expect(second.paidDate).toBe(late.date);
    expect(output.invoices.every((i) => Object.keys(i.charges).length === 0)).toBe(true);
    expect(output.balances.customerDebt).toBe('0.00');
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('runs examples/missed-invoice.json: late fee and reminder on invoice 3, the catch-up payment settles it', async () => {
    const scenario = await runnable(example('missed-invoice'), env);
    const catchUpDate = scenario.events.flatMap((e) => (e.type === 'payment' ? [e.date] : []))[0];
    const { output } = await runScenario(ctx, scenario);

    expect(output.status).toBe('CLOSED');
    const third = output.invoices[2]!;
    expect(third.charges).toMatchObject({ 'late-fee': '95.00', 'reminder-fee': '60.00' });
    expect(third.paidDate).toBe(catchUpDate);
    expect(output.reminders).toEqual([
      { invoice: 3, sentOn: third.lateFeeChargedOn, channel: 'post', fee: '60.00', newDueDate: expect.any(String) },
    ]);
    const catchUp = output.payments.find((p) => p.source === 'scenario')!;
    expect(catchUp).toMatchObject({ date: catchUpDate, amount: '2000.00', ocr: output.loan.ocr, status: 'APPLIED' });
    expect(catchUp.allocation.map((a) => a.invoice)).toEqual([3]);
    expect(new Decimal(catchUp.excess!).greaterThan(0)).toBe(true); // the rest reduced principal (R-LOAN-7)
    expect(output.invoices.filter((i) => i.number !== 3).every((i) => Object.keys(i.charges).length === 0)).toBe(true);
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('stops at an end date, terminating the still-running loan workflow', async () => {
    // Paid out today; stop 9 days into the month after the first due date: invoice 1 is late,
    // has its late fee and its reminder (first banking day of that month), and nothing more.
    const today = stockholmDate(new Date(await env.currentTimeMs()));
    const until = addDays(addMonths(firstOfMonth(today), 2), 8);
    const scenario = parseScenario({
      loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
      borrower: { never: true },
      end: { until },
    });
    const { output } = await runScenario(ctx, scenario);
    expect(output.status).toBe('ACTIVE');
    expect(output.simulated).toEqual({ from: today, to: until, endedBy: 'until' });
    expect(output.temporal.stateAtEnd).toBe('RUNNING');
    expect(output.notes.join(' ')).toContain('terminated');
    expect(output.payments).toEqual([]);
    expect(output.invoices).toHaveLength(1);
    expect(output.invoices[0]).toMatchObject({
      status: 'OPEN',
      charges: { 'late-fee': '95.00', 'reminder-fee': '60.00' },
    });
    expect(output.reminders).toHaveLength(1);
    expect(output.ledger.balanced).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('refuses a payout date before the simulation clock’s today', async () => {
    const scenario = parseScenario({
      ...example('on-time'),
      loan: { ...example('on-time').loan, payoutDate: '2020-01-15' },
    });
    await expect(runScenario(ctx, scenario)).rejects.toThrow(ScenarioError);
  });
});
