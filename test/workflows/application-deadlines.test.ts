/**
 * The application's deadlines on the time-skipping server: 7 days to submit (R-APP-5), 14 days to
 * verify income (R-APP-7), 30 days to sign (R-APP-9), the 30-day prefill window (R-APP-6). Each
 * deadline is crossed by awaiting the result (or `env.sleep`), so weeks pass in about a second.
 * No loan is started here: the test server cannot skip time past a closed workflow's abandoned
 * child, so the payout paths live in application.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { findApplication, listVendorPending, listVendorSubmitted } from '../../db/application-repository';
import { type ApplicantAnswers } from '../../domain/application';
import { acceptOfferUpdate, answersQuery, withdrawUpdate } from '../../workflows/application-messages';
import {
  type ApplicationTestEnv,
  applicationInput,
  goodAnswers,
  newPerson,
  recordHistory,
  startApplicationTestEnv,
  TEST_END_USER_IP,
  type TestPerson,
  waitFor,
} from '../support/application';

const DAY_MS = 86_400_000;

function daysBetweenInstants(from: Date | string, to: Date | string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / DAY_MS;
}

describe('application workflow deadlines (time-skipping server)', () => {
  let t: ApplicationTestEnv;
  beforeAll(async () => {
    t = await startApplicationTestEnv();
  });
  afterEach(async () => t.cleanUp());
  afterAll(async () => t?.stop());

  async function submittedApplication(person: TestPerson, answers: ApplicantAnswers = goodAnswers(), amount?: string) {
    const input = applicationInput({ applicants: [person], ...(amount ? { amount } : {}) });
    const h = await t.start(input);
    await t.identify(h, 0, input.creatorCustomerId!);
    await t.submit(h, 0, input.creatorCustomerId!, answers);
    return { input, h, customer: input.creatorCustomerId! };
  }

  it('R-APP-5: an application nobody submits expires after 7 days and leaves the pending list', async () => {
    const [main, co] = [newPerson(), newPerson()];
    const vendorId = `vendor-${randomUUID()}`;
    const input = applicationInput({ applicants: [main, co], createdBy: 'vendor', vendorId });
    const h = await t.start(input);
    await t.identify(h, 0, 'c-1');
    await t.submit(h, 0, 'c-1', goodAnswers());
    expect(
      await listVendorPending(t.db, vendorId, new Date(await t.env.currentTimeMs()), { limit: 10, offset: 0 }),
    ).toHaveLength(1);

    const outcome = await t.skipUntilClosed(h); // time skips to the validity deadline
    expect(outcome).toMatchObject({ status: 'EXPIRED', contractNumber: null });
    await recordHistory(t.client, h.workflowId, 'application-expired');
    const row = await findApplication(t.db, input.applicationId);
    expect(row!.status).toBe('EXPIRED');
    expect(daysBetweenInstants(row!.created_at, row!.closed_at!)).toBeCloseTo(7, 3);
    expect(
      await listVendorPending(t.db, vendorId, new Date(await t.env.currentTimeMs()), { limit: 10, offset: 0 }),
    ).toEqual([]);
    expect(await listVendorSubmitted(t.db, vendorId, { limit: 10, offset: 0 })).toEqual([]);
  });

  it('R-APP-7: a stated income far from the taxed one needs verification; unverified within 14 days it is rejected', async () => {
    const p = newPerson();
    await t.atBureau(p, { taxedAnnualIncome: '300000.00' }); // stated 45 000 × 12 = 540 000: +80 %
    const { input, h } = await submittedApplication(p);
    const waiting = await waitFor(
      () => t.view(h),
      (v) => v.status === 'INCOME_VERIFICATION',
      'income verification',
    );
    expect(waiting.incomeVerification!.applicants).toEqual([
      expect.objectContaining({ index: 0, triggers: ['income-deviation'], status: 'pending' }),
    ]);
    const mail = await waitFor(
      () => t.sandbox.sandbox.email.listMessages({ to: p.email }),
      (m) => m.length === 1,
      'the verification mail',
    );
    expect(mail[0]!.text).toContain(waiting.incomeVerification!.applicants[0]!.redirectUrl);

    expect(await t.skipUntilClosed(h)).toMatchObject({ status: 'REJECTED', reasons: ['income-verification-expired'] });
    const row = await findApplication(t.db, input.applicationId);
    expect(row!.income_verification).toMatchObject({
      status: 'EXPIRED',
      deadline: waiting.incomeVerification!.deadline,
    });
    expect(daysBetweenInstants(row!.submitted_at!, waiting.incomeVerification!.deadline)).toBeCloseTo(14, 3);
    expect(new Date(row!.closed_at!).getTime()).toBeGreaterThanOrEqual(
      Date.parse(waiting.incomeVerification!.deadline),
    );
  });

  it('R-APP-9: an offer not signed within 30 days expires, and nothing is paid out', async () => {
    const p = newPerson();
    await t.atBureau(p);
    const { input, h } = await submittedApplication(p);
    const offered = await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    const outcome = await t.skipUntilClosed(h);
    expect(outcome).toMatchObject({ status: 'OFFER_EXPIRED', loanId: null });
    const closedAt = new Date((await findApplication(t.db, input.applicationId))!.closed_at!).getTime();
    expect(closedAt).toBeGreaterThanOrEqual(Date.parse(offered.offer!.validUntil));
    expect(daysBetweenInstants(offered.offer!.offeredAt, offered.offer!.validUntil)).toBe(30);
    expect(await t.payoutsOf(input.reference)).toEqual([]);
    expect((await findApplication(t.db, input.applicationId))!.status).toBe('OFFER_EXPIRED');
  });

  it('R-APP-9: signing a pending order after the deadline is refused by the validator', async () => {
    const p = newPerson();
    await t.atBureau(p);
    const { h, customer } = await submittedApplication(p);
    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    await t.env.sleep(30 * DAY_MS + 60_000); // the offer timer fires; the workflow closes
    const outcome = await t.closed(h);
    expect(outcome.status).toBe('OFFER_EXPIRED');
    await expect(
      h.executeUpdate(acceptOfferUpdate, {
        args: [{ applicantIndex: 0, customerId: customer, endUserIp: TEST_END_USER_IP }],
      }),
    ).rejects.toThrow();
  });

  it('R-APP-6: a second application within 30 days is prefilled from the first answers (to be confirmed); after 30 days it is not', async () => {
    const p = newPerson();
    await t.atBureau(p, { paymentRemarks: 1 }); // the first application ends quickly (rejected)
    const firstAnswers = goodAnswers({ monthlyIncome: '41234.00', householdChildren: 2 });
    const first = await submittedApplication(p, firstAnswers);
    // Polled, not awaited: awaiting a result lets the test server skip time, and the window is 30 days.
    await waitFor(
      () => findApplication(t.db, first.input.applicationId),
      (r) => r?.status === 'REJECTED',
      'rejection',
    );

    const second = applicationInput({ applicants: [p] });
    const h2 = await t.start(second);
    expect((await h2.query(answersQuery, 0)).prefill).toBeNull(); // nothing shown before identification
    await t.identify(h2, 0, second.creatorCustomerId!);
    const { payoutAccount: _account, ...withoutAccount } = firstAnswers;
    expect(await h2.query(answersQuery, 0)).toEqual({
      applicantIndex: 0,
      status: 'NOT_STARTED',
      answers: null,
      prefill: {
        fromReference: first.input.reference,
        submittedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        answers: withoutAccount,
      },
    });
    // Prefilled answers are not answers: the application is still NOT_STARTED until confirmed.
    expect((await t.view(h2)).status).toBe('NOT_STARTED');
    await h2.executeUpdate(withdrawUpdate, { args: [{ by: 'customer', actorId: second.creatorCustomerId! }] });

    await t.env.sleep(31 * DAY_MS);
    const third = applicationInput({ applicants: [p] });
    const h3 = await t.start(third);
    await t.identify(h3, 0, third.creatorCustomerId!);
    expect((await h3.query(answersQuery, 0)).prefill).toBeNull();
    await h3.executeUpdate(withdrawUpdate, { args: [{ by: 'customer', actorId: third.creatorCustomerId! }] });
  });
});
