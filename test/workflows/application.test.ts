/**
 * The application workflow on the time-skipping server with the real sandbox doubles (BankID RP v6,
 * bureau, open banking, bank payout, SMTP, SMS) and PostgreSQL, without letting time skip: the
 * happy paths with one and two applicants (the loan workflow started as an abandoned child),
 * rejections, income verification completed or declined, deletion, cancellation and reminders.
 * Deadlines are in application-deadlines.test.ts, on a server of their own.
 */
import { randomUUID } from 'node:crypto';
import {
  findApplication,
  listApplicants,
  listApplicationEvents,
  listApplicationPayouts,
  listVendorPending,
  listVendorSubmitted,
  upsertVendor,
} from '../../db/application-repository';
import { findCustomer } from '../../db/customer-repository';
import { findLoan } from '../../db/loan-repository';
import { listMailboxMessages } from '../../db/mailbox-repository';
import { type ApplicantAnswers, isValidContractNumber, makeOffer } from '../../domain/application';
import { stockholmDate } from '../../domain/dates';
import { REFUSED } from '../../domain/refusal';
import {
  acceptOfferUpdate,
  answersUpdate,
  identifyUpdate,
  incomeVerificationSignal,
  reminderUpdate,
  withdrawUpdate,
} from '../../workflows/application-messages';
import { applicationWorkflowId } from '../../domain/application-state';
import { loanWorkflowId } from '../../workflows/loan-messages';
import {
  type ApplicationTestEnv,
  applicationInput,
  goodAnswers,
  newPerson,
  recordHistory,
  startApplicationTestEnv,
  TEST_END_USER_IP,
  type TestPerson,
  updateFailure,
  waitFor,
} from '../support/application';

describe('application workflow (time-skipping server, clock held)', () => {
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

  it('R-APP-2/4/8/9: one applicant, customer-started: identify, submit, offer with APR, sign, one payout, the loan starts and outlives the application', async () => {
    const anna = newPerson();
    await t.atBureau(anna);
    const input = applicationInput({ applicants: [anna] });
    const customer = input.creatorCustomerId!;
    const h = await t.start(input);

    expect((await t.view(h)).status).toBe('NOT_STARTED');
    // Answers need identification first (R-APP-3), and nobody else acts as this applicant.
    expect(await updateFailure(t.submit(h, 0, customer, goodAnswers()))).toMatchObject({
      type: REFUSED,
      kind: 'conflict',
    });
    expect(
      await updateFailure(
        h.executeUpdate(identifyUpdate, {
          args: [{ applicantIndex: 0, customerId: 'mallory', endUserIp: TEST_END_USER_IP }],
        }),
      ),
    ).toMatchObject({ type: REFUSED, kind: 'forbidden' });

    await t.identify(h, 0, customer);
    // A draft makes the application STARTED (R-APP-4); bad answers are refused field by field.
    const draft = await h.executeUpdate(answersUpdate, {
      args: [{ applicantIndex: 0, customerId: customer, answers: { employment: 'permanent' }, submit: false }],
    });
    expect(draft.status).toBe('STARTED');
    const invalid = await updateFailure(
      h.executeUpdate(answersUpdate, {
        args: [{ applicantIndex: 0, customerId: customer, answers: { employment: 'permanent' }, submit: true }],
      }),
    );
    expect(invalid).toMatchObject({ type: REFUSED, kind: 'invalid' });
    expect((invalid.details[0] as { violations: { field: string }[] }).violations.map((v) => v.field)).toContain(
      'monthlyIncome',
    );

    const submitted = await t.submit(h, 0, customer, goodAnswers());
    expect(submitted.contractNumber).not.toBeNull();
    expect(isValidContractNumber(submitted.contractNumber!)).toBe(true);
    expect(await updateFailure(t.submit(h, 0, customer, goodAnswers()))).toMatchObject({
      type: REFUSED,
      kind: 'conflict',
      message: 'the applicant has already submitted',
    });

    const offered = await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    expect(offered.decision).toMatchObject({ outcome: 'APPROVED', riskGrade: 'A', nominalRatePercent: '7.75' });
    const offerDay = stockholmDate(new Date(Date.parse(offered.offer!.offeredAt)));
    expect(offered.offer).toEqual(
      makeOffer({
        amount: '100000.00',
        termMonths: 60,
        nominalRatePercent: '7.75',
        noticeChannel: 'e-invoice',
        offeredAtMs: Date.parse(offered.offer!.offeredAt),
        today: offerDay,
      }),
    );

    await t.sign(h, 0, customer);
    const outcome = await t.closed(h);
    await recordHistory(t.client, h.workflowId, 'application-v3-one-applicant-local-bankid-start');
    expect(outcome).toMatchObject({ status: 'PAID_OUT', contractNumber: submitted.contractNumber, reasons: [] });

    // Exactly one payout, to the account in the application, for the next banking day (R-APP-9).
    const payouts = await t.payoutsOf(input.reference);
    expect(payouts).toEqual([
      expect.objectContaining({
        idempotencyKey: `${applicationWorkflowId(input.reference)}:payout`,
        amount: '100000.00',
        toAccount: { kind: 'bankAccount', clearingNumber: '6000', accountNumber: '123456789' },
      }),
    ]);
    // R-APP-9: the loan started only once the bank reported the payout executed.
    expect(payouts[0]!.status).toBe('executed');
    expect(await listApplicationPayouts(t.db, input.applicationId)).toEqual([
      expect.objectContaining({
        leg: 'applicant',
        payout_id: payouts[0]!.payoutId,
        amount: '100000.00',
        status: 'executed',
      }),
    ]);

    // R-LOAN-11: the offer and the payout are in the customer's mailbox, each announced once by
    // SMS; the contact details the loan's notices will use are stored.
    const mailbox = await listMailboxMessages(t.db, customer);
    expect(mailbox.map((m) => [m.kind, m.application_id, m.loan_id])).toEqual([
      ['application-payout', input.applicationId, outcome.loanId],
      ['application-offer', input.applicationId, null],
    ]);
    expect(mailbox[1]!.body).toContain(offered.offer!.aprPercent);
    expect(mailbox.every((m) => m.notified_channel === 'sms' || m.notified_channel === null)).toBe(true);
    expect(mailbox[0]!.notified_channel).toBe('sms');
    expect(await findCustomer(t.db, customer)).toMatchObject({ email: anna.email, phone: anna.phone });
    const newMailSms = (await t.sandbox.sandbox.sms.listMessages({ to: anna.phone })).filter((m) =>
      m.idempotencyKey.startsWith('mailbox:'),
    );
    expect(newMailSms.map((m) => m.idempotencyKey)).toEqual([`mailbox:${mailbox[0]!.id}:new-mail:sms`]);

    // The projection the API reads.
    const row = await findApplication(t.db, input.applicationId);
    expect(row).toMatchObject({
      status: 'PAID_OUT',
      reference: input.reference,
      contract_number: submitted.contractNumber,
      payout_status: 'EXECUTED',
      loan_id: outcome.loanId,
    });
    expect((row!.offer as { aprPercent: string }).aprPercent).toBe(offered.offer!.aprPercent);
    expect((await listApplicants(t.db, input.applicationId)).map((a) => a.status)).toEqual(['SIGNED']);
    const events = (await listApplicationEvents(t.db, input.applicationId)).map((e) => e.type);
    expect(events).toEqual([
      'created',
      'applicant-identified',
      'answers-saved',
      'answers-submitted',
      'submitted',
      'credit-checked',
      'offered',
      'applicant-signed',
      'signed',
      'payouts-accepted',
      'payouts-executed',
      'paid-out',
    ]);

    // The loan is its own workflow, still running after the application closed (ParentClosePolicy ABANDON).
    const loanRun = t.client.workflow.getHandle(loanWorkflowId(outcome.loanId!));
    expect((await loanRun.describe()).status.name).toBe('RUNNING');
    const loan = await waitFor(
      () => findLoan(t.db, outcome.loanId!),
      (l) => l !== undefined,
      'the loan row',
    );
    expect(loan).toMatchObject({
      contract_number: submitted.contractNumber,
      customer_id: customer,
      amount: '100000.00',
      nominal_rate_percent: '7.75',
      payout_date: payouts[0]!.executionDate,
    });

    // Search attributes: status, reference, no personal data (R-SEC-2).
    const description = await h.describe();
    expect(description.searchAttributes).toMatchObject({
      ApplicationStatus: ['PAID_OUT'],
      ApplicationReference: [input.reference],
    });
    expect(JSON.stringify(description.searchAttributes)).not.toContain(anna.personnummer);
  });
  it('R-APP-1/3/4/10: two applicants, vendor-started: links by email and SMS, STARTED after one submission, vendor mail on submit, both sign, creditors paid first', async () => {
    const [main, co] = [newPerson(), newPerson()];
    await t.atBureau(main);
    await t.atBureau(co);
    const vendorId = `vendor-${randomUUID()}`;
    const vendorEmail = `${vendorId}@shop.example.com`;
    await upsertVendor(t.db, { id: vendorId, name: 'Cykelbutiken', email: vendorEmail });
    const loans = [
      { creditor: 'Kortbolaget', amount: '25000.00', bankgiro: '56781234', ocr: '1234567897' },
      { creditor: 'Billån AB', amount: '15000.50', bankgiro: '5050105', ocr: '45678912345642' },
    ];
    const input = applicationInput({
      applicants: [main, co],
      createdBy: 'vendor',
      vendorId,
      amount: '90000.00',
      consolidation: loans,
    });
    const h = await t.start(input);

    // R-APP-3: each applicant gets the link with their own invitation code, by email and SMS.
    for (const [i, p] of [main, co].entries()) {
      const mails = await waitFor(
        () => t.sandbox.sandbox.email.listMessages({ to: p.email }),
        (m) => m.length === 1,
        'the invitation mail',
      );
      expect(mails[0]!.text).toContain(`/apply/${input.applicationId}?invite=${input.applicants[i]!.inviteCode}`);
      expect(mails[0]!.text).not.toContain(p.personnummer);
      const sms = await waitFor(
        () => t.sandbox.sandbox.sms.listMessages({ to: p.phone }),
        (m) => m.length === 1,
        'the SMS',
      );
      expect(sms[0]!.text).toContain(`invite=${input.applicants[i]!.inviteCode}`);
    }
    const pending = await listVendorPending(t.db, vendorId, new Date(await t.env.currentTimeMs()), {
      limit: 10,
      offset: 0,
    });
    expect(pending.map((a) => [a.reference, a.status])).toEqual([[input.reference, 'NOT_STARTED']]);

    // BankID decides who the applicant is: only the named person can complete the order.
    const attempt = await h.executeUpdate(identifyUpdate, {
      args: [{ applicantIndex: 1, customerId: 'c-co', endUserIp: TEST_END_USER_IP }],
    });
    await expect(t.sandbox.sandbox.bankId.completeOrder(attempt.orderRef, main.personnummer)).rejects.toThrow(
      'the order requires another person',
    );
    await t.sandbox.sandbox.bankId.failOrder(attempt.orderRef, 'userCancel');
    await waitFor(
      () => t.view(h),
      (v) => v.applicants[1]!.identification?.state === 'FAILED',
      'the failed order',
    );
    expect((await t.view(h)).applicants[1]!.identification).toMatchObject({ state: 'FAILED', hintCode: 'userCancel' });

    await t.identify(h, 0, 'c-main');
    await t.identify(h, 1, 'c-co');
    const afterFirst = await t.submit(h, 0, 'c-main', goodAnswers({ householdAdults: 2 }));
    expect(afterFirst.status).toBe('STARTED');
    expect(afterFirst.contractNumber).toBeNull();
    expect((await findApplication(t.db, input.applicationId))!.status).toBe('STARTED');
    // Only the main applicant gives the payout account.
    expect(await updateFailure(t.submit(h, 1, 'c-co', goodAnswers({}, true)))).toMatchObject({
      type: REFUSED,
      kind: 'invalid',
    });
    // Another customer cannot act as the co-applicant.
    expect(await updateFailure(t.submit(h, 1, 'c-main', goodAnswers({}, false)))).toMatchObject({
      type: REFUSED,
      kind: 'forbidden',
    });
    const afterBoth = await t.submit(h, 1, 'c-co', goodAnswers({ householdAdults: 2 }, false));
    expect(afterBoth.contractNumber).toMatch(/^\d{9}$/);

    // R-APP-4: the application moves to the submitted list and the vendor gets a mail.
    const submittedList = await listVendorSubmitted(t.db, vendorId, { limit: 10, offset: 0 });
    expect(submittedList.map((a) => a.contract_number)).toEqual([afterBoth.contractNumber]);
    expect(
      await listVendorPending(t.db, vendorId, new Date(await t.env.currentTimeMs()), { limit: 10, offset: 0 }),
    ).toEqual([]);
    const vendorMail = await waitFor(
      () => t.sandbox.sandbox.email.listMessages({ to: vendorEmail }),
      (m) => m.length === 1,
      'the vendor mail',
    );
    expect(vendorMail[0]!.subject).toContain(afterBoth.contractNumber!);

    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    // R-APP-9: each applicant is told of the offer by SMS, with their own link.
    for (const p of [main, co]) {
      await waitFor(
        () => t.sandbox.sandbox.sms.listMessages({ to: p.phone }),
        (m) => m.length === 2,
        `the offer SMS to ${p.phone}`,
      );
    }
    await t.sign(h, 0, 'c-main');
    await waitFor(
      () => t.view(h),
      (v) => v.applicants[0]!.status === 'SIGNED',
      'the first signature',
    );
    expect((await t.view(h)).status).toBe('OFFERED'); // the loan needs every applicant's signature (R-APP-9)
    expect(await t.payoutsOf(input.reference)).toEqual([]);
    await t.sign(h, 1, 'c-co');
    const outcome = await t.closed(h);
    expect(outcome.status).toBe('PAID_OUT');
    await recordHistory(t.client, h.workflowId, 'application-v3-two-applicants-local-bankid-start');

    // R-APP-10: creditors first, in order, then the rest to the applicant; each exactly once.
    const wf = applicationWorkflowId(input.reference);
    expect((await t.payoutsOf(input.reference)).map((p) => [p.idempotencyKey, p.amount, p.toAccount.kind])).toEqual([
      [`${wf}:payout:creditor:0`, '25000.00', 'bankgiro'],
      [`${wf}:payout:creditor:1`, '15000.50', 'bankgiro'],
      [`${wf}:payout`, '49999.50', 'bankAccount'],
    ]);
    const loan = await waitFor(
      () => findLoan(t.db, outcome.loanId!),
      (l) => l !== undefined,
      'the loan row',
    );
    expect(loan).toMatchObject({
      customer_id: 'c-main',
      contract_number: afterBoth.contractNumber,
      amount: '90000.00',
    });
    expect((await t.client.workflow.getHandle(loanWorkflowId(outcome.loanId!)).describe()).status.name).toBe('RUNNING');
    expect((await listApplicants(t.db, input.applicationId)).map((a) => [a.status, a.customer_id])).toEqual([
      ['SIGNED', 'c-main'],
      ['SIGNED', 'c-co'],
    ]);
  });

  it('R-APP-1: payment remarks or enforcement debt reject after the credit check, without an offer or a payout', async () => {
    const p = newPerson();
    await t.atBureau(p, { paymentRemarks: 2, enforcementDebt: '1200.00' });
    const { input, h } = await submittedApplication(p);
    const outcome = await t.closed(h);
    expect(outcome).toMatchObject({ status: 'REJECTED', reasons: ['payment-remarks', 'enforcement-debt'] });
    await recordHistory(t.client, h.workflowId, 'application-rejected-mailbox');
    const row = await findApplication(t.db, input.applicationId);
    expect(row).toMatchObject({ status: 'REJECTED', offer: null, payout_status: null });
    // R-LOAN-11: the decision is in the mailbox; no contact details are kept for a rejected applicant.
    const customerId = input.creatorCustomerId!;
    expect((await listMailboxMessages(t.db, customerId)).map((m) => [m.kind, m.subject])).toEqual([
      ['application-rejected', `Besked om ansökan ${input.reference}`],
    ]);
    expect(await findCustomer(t.db, customerId)).toBeUndefined();
    expect(row!.decision).toEqual({ outcome: 'REJECTED', reasons: ['payment-remarks', 'enforcement-debt'] });
    expect(await t.payoutsOf(input.reference)).toEqual([]);
    const inquiries = (await t.sandbox.sandbox.bureau.listInquiries()).filter(
      (i) => i.personalNumber === p.personnummer,
    );
    expect(inquiries.map((i) => i.idempotencyKey)).toEqual([`${applicationWorkflowId(input.reference)}:bureau:0`]);
    const mail = await t.sandbox.sandbox.email.listMessages({ to: p.email });
    expect(mail.map((m) => m.subject)).toEqual([`Besked om ansökan ${input.reference}`]);
  });

  it('R-APP-8: a household that cannot afford the loan at its rate + 3 pp is rejected', async () => {
    const p = newPerson();
    await t.atBureau(p);
    const answers = goodAnswers({ debts: [{ kind: 'mortgage', balance: '2000000', monthlyPayment: '12000' }] });
    const { input, h } = await submittedApplication(p, answers, '100000.00');
    expect(await t.closed(h)).toMatchObject({ status: 'REJECTED', reasons: ['affordability'] });
    const decision = (await findApplication(t.db, input.applicationId))!.decision as {
      affordability: { margin: string };
    };
    expect(decision.affordability.margin.startsWith('-')).toBe(true);
  });

  it('R-APP-7: above 100 000 SEK income is verified; the verified income decides', async () => {
    const p = newPerson();
    await t.atBureau(p);
    const { h } = await submittedApplication(p, goodAnswers(), '150000.00');
    const waiting = await waitFor(
      () => t.view(h),
      (v) => v.status === 'INCOME_VERIFICATION',
      'income verification',
    );
    const { verificationId } = waiting.incomeVerification!.applicants[0]!;
    expect(waiting.incomeVerification!.applicants[0]!.triggers).toEqual(['amount-above-limit']);
    await t.sandbox.sandbox.openBanking.completeVerification(verificationId, '36000.00');
    await h.signal(incomeVerificationSignal, { verificationId });
    const offered = await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    expect(offered.incomeVerification).toMatchObject({ status: 'COMPLETED' });
    expect(offered.decision!.affordability!.netIncome).toBe('36000.00');
  });

  it('R-APP-7: a declined verification rejects the application', async () => {
    const p = newPerson();
    await t.atBureau(p);
    const { h } = await submittedApplication(p, goodAnswers(), '150000.00');
    const waiting = await waitFor(
      () => t.view(h),
      (v) => v.status === 'INCOME_VERIFICATION',
      'income verification',
    );
    const { verificationId } = waiting.incomeVerification!.applicants[0]!;
    await t.sandbox.sandbox.openBanking.failVerification(verificationId, 'consent_declined');
    await h.signal(incomeVerificationSignal, { verificationId });
    expect(await t.closed(h)).toMatchObject({ status: 'REJECTED', reasons: ['income-verification-failed'] });
  });

  it('R-APP-3: the vendor deletes a started application; a customer cancels an offer while signing', async () => {
    const person = newPerson();
    const input = applicationInput({ applicants: [person], createdBy: 'vendor' });
    const h = await t.start(input);
    await t.identify(h, 0, 'c-1');
    await h.executeUpdate(answersUpdate, {
      args: [{ applicantIndex: 0, customerId: 'c-1', answers: { monthlyIncome: '40000' }, submit: false }],
    });
    expect(await h.executeUpdate(withdrawUpdate, { args: [{ by: 'vendor', actorId: input.vendorId! }] })).toEqual({
      status: 'DELETED',
    });
    expect(await t.closed(h)).toMatchObject({ status: 'DELETED', reasons: ['by vendor'] });
    await recordHistory(t.client, h.workflowId, 'application-deleted');
    const events = await listApplicationEvents(t.db, input.applicationId);
    expect(events.at(-1)).toMatchObject({ type: 'deleted', status: 'DELETED', actor: input.vendorId });

    const p2 = newPerson();
    await t.atBureau(p2);
    const second = await submittedApplication(p2);
    await waitFor(
      () => t.view(second.h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    const order = await second.h.executeUpdate(acceptOfferUpdate, {
      args: [{ applicantIndex: 0, customerId: second.customer, endUserIp: TEST_END_USER_IP }],
    });
    expect(
      await second.h.executeUpdate(withdrawUpdate, { args: [{ by: 'customer', actorId: second.customer }] }),
    ).toEqual({ status: 'CANCELLED' });
    expect((await t.closed(second.h)).status).toBe('CANCELLED');
    // The pending signature order is cancelled at BankID, and the application can no longer be signed.
    expect((await t.sandbox.sandbox.bankId.getOrder(order.orderRef)).status).toBe('cancelled');
    expect(await t.payoutsOf(second.input.reference)).toEqual([]);
  });

  it('R-APP-3: a reminder goes to a changed email and phone; none after submission', async () => {
    const person = newPerson();
    await t.atBureau(person);
    const input = applicationInput({ applicants: [person], createdBy: 'vendor' });
    const h = await t.start(input);
    await waitFor(
      () => t.sandbox.sandbox.email.listMessages({ to: person.email }),
      (m) => m.length === 1,
      'the invitation',
    );

    const invalid = await updateFailure(
      h.executeUpdate(reminderUpdate, { args: [{ applicantIndex: 0, email: 'nope', phone: '08-123', actorId: 'v' }] }),
    );
    expect(invalid).toMatchObject({ type: REFUSED, kind: 'invalid' });
    expect((invalid.details[0] as { violations: { field: string }[] }).violations.map((v) => v.field)).toEqual([
      'email',
      'phone',
    ]);

    const newEmail = `right-${randomUUID().slice(0, 8)}@example.com`;
    const newCode = `fresh-${randomUUID()}`;
    const reminded = await h.executeUpdate(reminderUpdate, {
      args: [
        { applicantIndex: 0, email: newEmail, phone: '070-999 88 77', inviteCode: newCode, actorId: input.vendorId! },
      ],
    });
    expect(reminded).toEqual({ applicantIndex: 0, reminder: 1, email: true, sms: true });
    const mails = await t.sandbox.sandbox.email.listMessages({ to: newEmail });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Påminnelse om låneansökan ${input.reference}`);
    // A changed address gets a fresh invitation code: the old link identifies no one.
    expect(mails[0]!.text).toContain(`invite=${newCode}`);
    expect(mails[0]!.text).not.toContain(input.applicants[0]!.inviteCode!);
    const sms = (await t.sandbox.sandbox.sms.listMessages({ to: '+46709998877' })).filter((m) =>
      m.text.includes(input.applicationId),
    );
    expect(sms).toHaveLength(1);
    expect((await listApplicants(t.db, input.applicationId))[0]).toMatchObject({
      email: newEmail,
      phone: '+46709998877',
    });
    const last = (await listApplicationEvents(t.db, input.applicationId)).at(-1)!;
    expect(last).toMatchObject({
      type: 'reminder-sent',
      detail: { applicantIndex: 0, emailChanged: true, phoneChanged: true },
    });
    expect(JSON.stringify(last.detail)).not.toContain(newEmail);

    await t.identify(h, 0, 'c-1');
    await t.submit(h, 0, 'c-1', goodAnswers());
    expect(
      await updateFailure(h.executeUpdate(reminderUpdate, { args: [{ applicantIndex: 0, actorId: input.vendorId! }] })),
    ).toMatchObject({ type: REFUSED, kind: 'conflict' });
  });
});
