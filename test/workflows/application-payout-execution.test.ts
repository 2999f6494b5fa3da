/**
 * R-APP-9: a payout the bank has accepted is not yet money in the customer's account. The
 * application waits in PAYING_OUT (payout status ACCEPTED) until the bank reports the payout
 * executed, and only then starts the loan; the projection then says EXECUTED. Here the sandbox bank
 * never executes by itself: the test steers it, as the bank's execution day would.
 */
import { listApplicationPayouts, findApplication } from '../../db/application-repository';
import { findLoan } from '../../db/loan-repository';
import {
  type ApplicationTestEnv,
  applicationInput,
  goodAnswers,
  newPerson,
  startApplicationTestEnv,
  waitFor,
} from '../support/application';

describe('payout execution before the loan starts (R-APP-9)', () => {
  let t: ApplicationTestEnv;
  beforeAll(async () => {
    t = await startApplicationTestEnv({ payoutExecutionDelayMs: null });
  });
  afterEach(async () => t.cleanUp());
  afterAll(async () => t?.stop());

  it('R-APP-9: waits while the bank has only accepted the payout; the loan starts once it is executed', async () => {
    const person = newPerson();
    await t.atBureau(person);
    const input = applicationInput({ applicants: [person] });
    const customer = input.creatorCustomerId!;
    const h = await t.start(input);
    await t.identify(h, 0, customer);
    await t.submit(h, 0, customer, goodAnswers());
    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    await t.sign(h, 0, customer);

    const accepted = await waitFor(
      () => t.view(h),
      (v) => v.payoutStatus === 'ACCEPTED',
      'the bank to accept the payout',
    );
    expect(accepted).toMatchObject({ status: 'PAYING_OUT', loanId: null });
    expect(accepted.step).toBe('waiting for the bank to execute the payout');
    // Still waiting a while later: no loan without executed money.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await t.view(h)).toMatchObject({ status: 'PAYING_OUT', payoutStatus: 'ACCEPTED', loanId: null });
    expect(await findApplication(t.db, input.applicationId)).toMatchObject({
      status: 'PAYING_OUT',
      payout_status: 'ACCEPTED',
      loan_id: null,
    });
    const [payout] = await t.payoutsOf(input.reference);
    expect(payout).toMatchObject({ status: 'accepted' });

    await t.sandbox.sandbox.bankPayout.executePayout(payout!.payoutId);
    const outcome = await t.closed(h);
    expect(outcome.status).toBe('PAID_OUT');
    expect(await findApplication(t.db, input.applicationId)).toMatchObject({
      status: 'PAID_OUT',
      payout_status: 'EXECUTED',
      loan_id: outcome.loanId,
    });
    expect(await listApplicationPayouts(t.db, input.applicationId)).toEqual([
      expect.objectContaining({ payout_id: payout!.payoutId, status: 'executed' }),
    ]);
    expect(await t.payoutsOf(input.reference)).toHaveLength(1); // still exactly one payout
    await waitFor(
      () => findLoan(t.db, outcome.loanId!),
      (l) => l !== undefined,
      'the loan',
    );
  });
});

describe('a payout the bank accepted but never confirmed (R-APP-9): an operator task, never a silent end', () => {
  let t: ApplicationTestEnv;
  beforeAll(async () => {
    // Each wait attempt asks the bank briefly, so skipped time reaches the wait's deadline quickly.
    t = await startApplicationTestEnv({ payoutExecutionDelayMs: null, payoutPollWindowMs: 200 });
  });
  afterEach(async () => t.cleanUp());
  afterAll(async () => t?.stop());

  it('past the deadline the operations mailbox gets the facts; the wait goes on; the bank’s confirmation starts the loan', async () => {
    const person = newPerson();
    await t.atBureau(person);
    const input = applicationInput({ applicants: [person] });
    const customer = input.creatorCustomerId!;
    const h = await t.start(input);
    await t.identify(h, 0, customer);
    await t.submit(h, 0, customer, goodAnswers());
    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    await t.sign(h, 0, customer);
    await waitFor(
      () => t.view(h),
      (v) => v.payoutStatus === 'ACCEPTED',
      'the bank to accept the payout',
    );

    await t.env.sleep('11 days'); // past the 10-day wait for the bank's confirmation
    const unconfirmed = await waitFor(
      () => t.view(h),
      (v) => v.payoutStatus === 'UNCONFIRMED',
      'the payout to be reported unconfirmed',
    );
    expect(unconfirmed).toMatchObject({ status: 'PAYING_OUT', loanId: null });
    const [payout] = await t.payoutsOf(input.reference);
    const mail = await waitFor(
      () => t.sandbox.sandbox.email.listMessages({ to: 'drift@sandbox.loan-engine.local' }),
      (items) => items.some((m) => m.subject.includes(input.reference)),
      'the operator task',
    );
    expect(mail.find((m) => m.subject.includes(input.reference))!.text).toContain(payout!.payoutId);

    await t.sandbox.sandbox.bankPayout.executePayout(payout!.payoutId);
    // The next attempt may be an hour of backoff away: let time skip to it.
    const outcome = await t.skipUntilClosed(h);
    expect(outcome.status).toBe('PAID_OUT');
    expect(await findApplication(t.db, input.applicationId)).toMatchObject({
      status: 'PAID_OUT',
      payout_status: 'EXECUTED',
      loan_id: outcome.loanId,
    });
    expect(await t.payoutsOf(input.reference)).toHaveLength(1); // still exactly one payout
  });
});
