import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mapBounded, refusalProblem } from '../../api/routes/loan-actions';
import { loanActions, refusalOf } from '../../simulator/actions';
import { EVENT_SUPPORT } from '../../simulator/capabilities';
import { borrowerInput } from '../../simulator/runner';
import { parseScenario, parseScenarioText, ScenarioError } from '../../simulator/scenario';
import { LOAN_ACTION_REFUSED } from '../../workflows/loan-messages';

const refused = (message: string, details?: { field?: string; reason: string }) =>
  ApplicationFailure.create({
    type: LOAN_ACTION_REFUSED,
    message,
    nonRetryable: true,
    details: details ? [details] : [],
  });

describe('loan actions in the API: refusals as problems', () => {
  it('a refusal naming a field is a 409 whose errors[0].field is body.<field> (params.<field> for a path parameter)', () => {
    const failure = refused('R-LOAN-10: too short a notice', { field: 'effectiveFrom', reason: 'notice-too-short' });
    expect(refusalProblem(failure)).toEqual({
      type: '/problems/loan-action-refused',
      title: 'Conflict',
      status: 409,
      detail: 'R-LOAN-10: too short a notice',
      reason: 'notice-too-short',
      errors: [{ field: 'body.effectiveFrom', message: 'R-LOAN-10: too short a notice' }],
    });
    const quote = refusalProblem(refused('no current quote q', { field: 'quoteId', reason: 'no current quote q' }), [
      'quoteId',
    ]);
    expect(quote.errors).toEqual([{ field: 'params.quoteId', message: 'no current quote q' }]);
  });

  it('a refusal without a field (or without details) has no errors, only the reason', () => {
    expect(refusalProblem(refused('the loan is closed', { reason: 'the loan is closed' }))).toEqual({
      type: '/problems/loan-action-refused',
      title: 'Conflict',
      status: 409,
      detail: 'the loan is closed',
      reason: 'the loan is closed',
    });
    expect(refusalProblem(refused('no')).errors).toBeUndefined();
  });

  it('a field the request does not carry is not blamed on the request', () => {
    const failure = refused('the withdrawal period ended', {
      field: 'noticeDate',
      reason: 'the withdrawal period ended',
    });
    expect(refusalProblem(failure, [], ['amount']).errors).toBeUndefined();
    expect(refusalProblem(failure).errors?.[0]?.field).toBe('body.noticeDate');
  });

  it('mapBounded keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded(
      Array.from({ length: 50 }, (_, i) => i),
      16,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        running--;
        if (i === 3) return 'refused';
        return i * 2;
      },
    );
    expect(peak).toBe(16);
    expect(out[3]).toBe('refused');
    expect(out.filter((_, i) => i !== 3)).toEqual(
      Array.from({ length: 50 }, (_, i) => i * 2).filter((_, i) => i !== 3),
    );
    expect(await mapBounded([], 16, async () => 1)).toEqual([]);
  });
});

describe('loan actions in the simulator', () => {
  const scenario = () =>
    parseScenario({
      loan: {
        amount: '60000',
        termMonths: 36,
        nominalRatePercent: '9.95',
        noticeChannel: 'autogiro',
        payoutDate: '2028-03-10',
      },
      borrower: { paysDaysBeforeDue: 5 },
      events: [
        { type: 'withdrawal', date: '2028-03-20' },
        { type: 'payment-free-month', date: '2028-09-05', installment: 7 },
        { type: 'rate-change', announcedOn: '2028-06-01', effectiveOn: '2028-07-02', nominalRatePercent: '11.45' },
        { type: 'early-repayment', amount: '5000', date: '2028-09-05' },
        { type: 'payment', amount: '100', date: '2028-04-01' },
      ],
      end: { untilClosed: true },
    });

  it('rate change, payment-free month, early repayment, withdrawal and complaint are played', () => {
    expect(EVENT_SUPPORT['rate-change'].supported).toBe(true);
    expect(EVENT_SUPPORT['payment-free-month'].supported).toBe(true);
    expect(EVENT_SUPPORT['early-repayment'].supported).toBe(true);
    expect(EVENT_SUPPORT.withdrawal.supported).toBe(true);
    expect(EVENT_SUPPORT.complaint.supported).toBe(true);
  });

  it('plays the actions by date (a rate change on its announcement date), then in the order written', () => {
    expect(loanActions(scenario())).toEqual([
      { kind: 'withdrawal', event: 0, date: '2028-03-20' },
      {
        kind: 'rate-change',
        event: 2,
        date: '2028-06-01',
        newNominalRatePercent: '11.45',
        effectiveFrom: '2028-07-02',
      },
      { kind: 'payment-free-month', event: 1, date: '2028-09-05', installmentNumber: 7 },
      { kind: 'early-repayment', event: 3, date: '2028-09-05', amount: '5000.00' },
    ]);
  });

  it('the borrower pays the installment each payment-free month adds to the term (R-LOAN-6)', () => {
    expect(borrowerInput(scenario(), 'loan-1', '2028-03-10').termMonths).toBe(37);
  });

  it('a payment-free month names an installment within the term', () => {
    try {
      parseScenario({ ...scenario(), events: [{ type: 'payment-free-month', date: '2028-09-05', installment: 99 }] });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as ScenarioError).issues).toEqual([
        { field: 'events[0].installment', message: 'the loan has 36 invoices' },
      ]);
    }
  });

  it('the example with a rate change and a payment-free month parses', () => {
    const text = readFileSync(path.join(__dirname, '../../examples/rate-change-and-payment-free-month.json'), 'utf8');
    expect(loanActions(parseScenarioText(text)).map((a) => a.kind)).toEqual(['rate-change', 'payment-free-month']);
  });

  it('reads the loan’s refusal out of a failed update', () => {
    const failure = refused('installment 3 is already payment-free', {
      field: 'installmentNumber',
      reason: 'installment 3 is already payment-free',
    });
    const err = new WorkflowUpdateFailedError('Workflow Update failed', failure);
    expect(refusalOf(err)).toEqual({
      outcome: 'refused',
      reason: 'installment 3 is already payment-free',
      field: 'installmentNumber',
    });
    expect(refusalOf(new Error('boom'))).toBeUndefined();
  });
});
