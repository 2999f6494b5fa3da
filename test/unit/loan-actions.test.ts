import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { refusalOf, refusalProblem } from '../../api/problem';
import { mapBounded } from '../../api/routes/loan-actions';
import { refusal, REFUSED } from '../../domain/refusal';
import { loanActions, refusalOf as simulatorRefusalOf } from '../../simulator/actions';
import { EVENT_SUPPORT } from '../../simulator/capabilities';
import { borrowerInput } from '../../simulator/runner';
import { parseScenario, parseScenarioText, ScenarioError } from '../../simulator/scenario';

const refused = (message: string, details?: { field?: string; rule?: string }) =>
  ApplicationFailure.create({
    type: REFUSED,
    message,
    nonRetryable: true,
    details: details ? [{ kind: 'conflict', message, ...details }] : [],
  });
const refusalIn = (failure: ApplicationFailure) => refusalOf(new WorkflowUpdateFailedError('Update failed', failure))!;

describe('loan actions in the API: refusals as problems', () => {
  it('a refusal naming a field is a 409 whose errors[0].field is body.<field> (params.<field> for a path parameter)', () => {
    const failure = refused('R-LOAN-10: too short a notice', { field: 'effectiveFrom', rule: 'R-LOAN-10' });
    expect(refusalProblem(refusalIn(failure)).toDetails()).toEqual({
      type: '/problems/update-refused',
      title: 'Conflict',
      status: 409,
      detail: 'R-LOAN-10: too short a notice',
      rule: 'R-LOAN-10',
      errors: [{ field: 'body.effectiveFrom', message: 'R-LOAN-10: too short a notice' }],
    });
    const quote = refusalProblem(refusalIn(refused('no current quote q', { field: 'quoteId' })), {
      params: ['quoteId'],
    });
    expect(quote.errors).toEqual([{ field: 'params.quoteId', message: 'no current quote q' }]);
  });

  it('a refusal without a field (or without details) has no errors, only the detail', () => {
    expect(refusalProblem(refusalIn(refused('the loan is closed', {}))).toDetails()).toEqual({
      type: '/problems/update-refused',
      title: 'Conflict',
      status: 409,
      detail: 'the loan is closed',
    });
    expect(refusalProblem(refusalIn(refused('no'))).errors).toBeUndefined();
  });

  it('a field the request does not carry is not blamed on the request', () => {
    const failure = refusalIn(refused('the withdrawal period ended', { field: 'noticeDate' }));
    expect(refusalProblem(failure, { body: ['amount'] }).errors).toBeUndefined();
    expect(refusalProblem(failure).errors?.[0]?.field).toBe('body.noticeDate');
  });

  it('each kind of refusal has its status; violations name every field', () => {
    const invalid = refusal('invalid', 'invalid answers', {
      violations: [
        { field: 'email', message: 'must be an email address' },
        { field: 'phone', message: 'must be a Swedish mobile number' },
      ],
    });
    expect(refusalProblem(invalid).toDetails()).toMatchObject({
      status: 400,
      type: '/problems/validation-error',
      errors: [
        { field: 'body.email', message: 'must be an email address' },
        { field: 'body.phone', message: 'must be a Swedish mobile number' },
      ],
    });
    expect(refusalProblem(refusal('not-found', 'no applicant 3')).status).toBe(404);
    expect(refusalProblem(refusal('forbidden', 'someone else')).status).toBe(403);
    expect(refusalProblem(refusal('conflict', 'expired', { rule: 'R-APP-5' })).toDetails()).toMatchObject({
      status: 409,
      rule: 'R-APP-5',
    });
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
    const failure = refused('installment 3 is already payment-free', { field: 'installmentNumber' });
    const err = new WorkflowUpdateFailedError('Workflow Update failed', failure);
    expect(simulatorRefusalOf(err)).toEqual({
      outcome: 'refused',
      reason: 'installment 3 is already payment-free',
      field: 'installmentNumber',
    });
    expect(simulatorRefusalOf(new Error('boom'))).toBeUndefined();
  });
});
