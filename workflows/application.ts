/**
 * One durable workflow per application (R-APP-1…10), id `application-<reference>`: from creation
 * (by a customer or, on the customer's behalf, by a vendor) through identification, answers and
 * submission, credit check, income verification when needed, decision, offer and BankID signing by
 * every applicant, to the payout (creditors first for a consolidation) and the start of the loan's
 * own workflow, which outlives this one.
 *
 * Every wait has a durable deadline: 7 days to submit (R-APP-5), 14 days to verify income
 * (R-APP-7), 30 days to sign the offer (R-APP-9); BankID orders end by BankID's own expiry. Every
 * external call is an activity with a retry policy and an idempotency key from the workflow id and
 * the step. The projection in PostgreSQL is rewritten (versioned) at every step, so lists and
 * detail pages never query workflows. Search attributes carry the status, vendor id and reference
 * only; personal data stays in encrypted payloads.
 *
 * This file is the process; the state and what each step does with it are in
 * workflows/application-run.ts, the message handlers in workflows/application-handlers.ts. It is
 * longer than 400 lines because it reads as the process does: one function per phase, in order.
 *
 * Versioned changes (recorded histories in test/replay/ replay without them):
 * - `application-mailbox-notices` (R-LOAN-11): the decision (offer or rejection) and the payout also
 *   go to every applicant's mailbox with a new-mail notice, and at the payout the applicants'
 *   contact details are stored for the loan's notices.
 * - `application-payout-execution` (R-APP-9): after the bank accepts the payouts the workflow waits
 *   (durably, with backoff) until the bank reports them executed, and only then starts the loan.
 * - `application-reminder-after-invitation` (R-APP-3, workflows/application-handlers.ts): a reminder
 *   waits until the invitations have gone out before it changes an address, and a changed address
 *   gets a fresh invitation code.
 * - `application-local-steps` and `application-local-bankid-start` (workflows/application-run.ts):
 *   the short steps, and the start of a BankID order, run as local activities.
 */
import { condition, ParentClosePolicy, patched, startChild, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import { idempotencyKey } from '../domain/idempotency';
import {
  type ApplicantAnswers,
  decide,
  eligibilityFailures,
  incomeVerificationDeadline,
  incomeVerificationTriggers,
  makeOffer,
  payoutExecutionDate,
  payoutPlan,
} from '../domain/application';
import type { ApplicationInput, ApplicationOutcome, IncomeVerificationState } from '../domain/application-state';
import { loanWorkflowSummary } from './loan';
import {
  decisionRejectedMessage,
  incomeVerificationMessage,
  incomeVerificationReturnLink,
  invitationMessage,
  offerMessage,
  offerNotice,
  payoutNotice,
  rejectedNotice,
  vendorSubmittedMessage,
} from '../texts/application';
import { acts, payoutActs, payoutReconcileActs, payoutWaitActs } from './application-activities';
import { registerApplicationHandlers } from './application-handlers';
import { ApplicationRun, today } from './application-run';
import type { loanWorkflow } from './loan';
import type { SigningMandate } from './loan-direct-debit';
import { loanWorkflowId } from './loan-messages';
import { ApplicationReference, ApplicationStatus as ApplicationStatusKey, VendorId } from './search-attributes';

const MAILBOX_NOTICES_PATCH = 'application-mailbox-notices';
const PAYOUT_EXECUTION_PATCH = 'application-payout-execution';
const PAYOUT_RECONCILIATION_PATCH = 'application-payout-reconciliation';
/** Versioned: the open-banking provider sends the applicant back to the application's page (R-APP-7). */
const INCOME_RETURN_URL_PATCH = 'application-income-verification-return-url';
/** Versioned: an autogiro application hands the loan its mandate given at signing (R-PROD-2, R-PAY-3). */
const AUTOGIRO_MANDATE_PATCH = 'application-autogiro-mandate';

/** A safety-net poll of pending income verifications; the provider's callback (a signal) is the fast path. */
const INCOME_VERIFICATION_POLL_MS = 12 * 3_600_000;

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const app = new ApplicationRun(input);
  registerApplicationHandlers(app);
  await open(app);

  // R-APP-5: valid 7 days unless every applicant submits.
  const submitted = await condition(
    () => app.allSubmitted() || app.withdrawal !== null,
    Math.max(1, app.validUntilMs - Date.now()),
  );
  if (app.withdrawal) return app.finishWithdrawn();
  if (!submitted) return app.finish('EXPIRED', ['not submitted within the validity (R-APP-5)']);

  await submit(app);
  await creditCheck(app);
  if (app.withdrawal) return app.finishWithdrawn();

  const failures = [
    ...new Set(
      app.applicants.flatMap((a) =>
        eligibilityFailures({ birthDate: a.birthDate, employment: a.answers!.employment!, bureau: a.bureau! }, today()),
      ),
    ),
  ];
  if (failures.length > 0) {
    app.decision = { outcome: 'REJECTED', reasons: failures };
    return reject(app, failures);
  }

  const income = await verifyIncome(app);
  if ('outcome' in income) return income.outcome;

  // R-APP-8: decision and risk pricing.
  app.setStep('deciding');
  const decision = decide({
    applicants: app.applicants.map((a) => ({
      birthDate: a.birthDate,
      answers: a.answers as ApplicantAnswers,
      bureau: a.bureau!,
      ...(income.verified.has(a.index) ? { verifiedNetMonthlyIncome: income.verified.get(a.index)! } : {}),
    })),
    amount: input.amount,
    termMonths: input.termMonths,
    today: today(),
  });
  app.decision = decision;
  app.decidedAt = new Date().toISOString();
  if (decision.outcome === 'REJECTED') return reject(app, decision.reasons);
  if (app.withdrawal) return app.finishWithdrawn();

  // R-APP-9: the offer with APR, valid 30 days; every applicant signs with BankID.
  await offer(app, decision.nominalRatePercent!);
  const signed = await condition(
    () => app.allSigned() || app.withdrawal !== null,
    Math.max(1, Date.parse(app.offer!.validUntil) - Date.now()),
  );
  if (app.withdrawal) return app.finishWithdrawn();
  if (!signed) return app.finish('OFFER_EXPIRED', ['not signed within the offer validity (R-APP-9)']);

  const paidOut = await payOut(app);
  if ('outcome' in paidOut) return paidOut.outcome;
  await startLoan(app, decision.nominalRatePercent!, paidOut.executionDate);
  return app.finish('PAID_OUT');
}

/**
 * The first projection and, R-APP-3, the link by email and SMS to everyone but the creating customer,
 * to the addresses given at creation: a reminder waits for these (workflows/application-handlers.ts).
 */
async function open(app: ApplicationRun): Promise<void> {
  const { input } = app;
  upsertSearchAttributes([
    { key: ApplicationReference, value: input.reference },
    { key: ApplicationStatusKey, value: app.status },
    ...(input.vendorId ? [{ key: VendorId, value: input.vendorId }] : []),
  ]);
  app.setStep(app.step);
  await app.project(
    'created',
    { createdBy: input.createdBy, applicants: app.applicants.length },
    input.vendorId ?? input.creatorCustomerId,
  );
  for (const a of app.applicants)
    if (a.inviteCode !== null) {
      const message = invitationMessage({
        reference: input.reference,
        link: app.linkFor(a.index),
        reminder: false,
        shop: input.vendorName ?? null,
        amount: input.amount,
      });
      await app.notify(a.index, `invitation:${a.index}`, message, { email: true, sms: true });
    }
  app.invited = true;
}

/** R-APP-2, R-APP-4: the contract number at submission; the vendor is told. */
async function submit(app: ApplicationRun): Promise<void> {
  const { input, workflowId } = app;
  app.contractNumber = await app.quickActs.assignContractNumber({ applicationId: input.applicationId });
  app.submittedAt = new Date().toISOString();
  app.setStatus('SUBMITTED', 'credit check at the bureau');
  await app.project('submitted', { contractNumber: app.contractNumber });
  app.submittedProjected = true;
  if (input.vendorId) {
    const message = vendorSubmittedMessage({ reference: input.reference, contractNumber: app.contractNumber });
    const { sent } = await acts.notifyVendor({
      idempotencyKey: idempotencyKey(workflowId, 'vendor-submitted'),
      vendorId: input.vendorId,
      subject: message.subject,
      text: message.text,
    });
    if (!sent) await app.project('vendor-not-notified', { reason: 'no email registered for the vendor' });
  }
}

/** R-APP-1, R-APP-8: a credit report per applicant. */
async function creditCheck(app: ApplicationRun): Promise<void> {
  const reports = await Promise.all(
    app.applicants.map((a) =>
      acts.creditReport({
        personnummer: a.personnummer,
        idempotencyKey: idempotencyKey(app.workflowId, 'bureau', a.index),
      }),
    ),
  );
  app.applicants.forEach((a, i) => (a.bureau = reports[i]!));
  await app.project('credit-checked', { reports: reports.map((r) => r.reportId) });
}

/** The rejection, to every applicant by email and (R-LOAN-11) in their mailbox. */
async function reject(app: ApplicationRun, reasons: string[]): Promise<ApplicationOutcome> {
  app.decidedAt = new Date().toISOString();
  for (const a of app.applicants)
    await app.notify(a.index, `rejected:${a.index}`, decisionRejectedMessage(app.input), { email: true, sms: false });
  if (patched(MAILBOX_NOTICES_PATCH)) await app.mailboxNotice('rejected', rejectedNotice(app.input));
  return app.finish('REJECTED', reasons);
}

/**
 * R-APP-7: income verification when stated and taxed income disagree, or the amount is high; the
 * verified net monthly incomes by applicant, or the outcome when the application closes.
 */
async function verifyIncome(
  app: ApplicationRun,
): Promise<{ verified: Map<number, string> } | { outcome: ApplicationOutcome }> {
  const { input, workflowId } = app;
  const triggers = app.applicants.map((a) =>
    incomeVerificationTriggers({
      statedMonthlyIncome: a.answers!.monthlyIncome!,
      taxedAnnualIncome: a.bureau!.taxedAnnualIncome,
      amount: input.amount,
    }),
  );
  const verified = new Map<number, string>();
  if (!triggers.some((t) => t.length > 0)) return { verified };

  const deadline = incomeVerificationDeadline(Date.now());
  const deadlineMs = Date.parse(deadline);
  const started: IncomeVerificationState['applicants'] = [];
  for (const a of app.applicants) {
    if (triggers[a.index]!.length === 0) continue;
    const v = await acts.startIncomeVerification({
      applicationId: input.applicationId,
      personnummer: a.personnummer,
      idempotencyKey: idempotencyKey(workflowId, 'income', a.index),
      ...(patched(INCOME_RETURN_URL_PATCH)
        ? { returnUrl: incomeVerificationReturnLink(input.linkBaseUrl, input.applicationId) }
        : {}),
    });
    started.push({ index: a.index, triggers: triggers[a.index]!, ...v, status: 'pending' });
  }
  app.incomeVerification = { status: 'PENDING', deadline, applicants: started };
  app.setStatus('INCOME_VERIFICATION', `waiting for income verification until ${deadline}`);
  await app.project('income-verification-started', {
    applicants: started.map((v) => ({ index: v.index, triggers: v.triggers })),
    deadline,
  });
  for (const v of started)
    await app.notify(
      v.index,
      `income-verification:${v.index}`,
      incomeVerificationMessage({ reference: input.reference, redirectUrl: v.redirectUrl, deadline }),
      { email: true, sms: true },
    );

  const pending = () => started.filter((v) => v.status === 'pending');
  let seenNudges = app.verificationNudges;
  for (;;) {
    for (const v of pending()) {
      const now = await acts.getIncomeVerification({ verificationId: v.verificationId });
      v.status = now.status;
      if (now.verifiedMonthlyIncome) v.verifiedMonthlyIncome = now.verifiedMonthlyIncome;
    }
    if (pending().length === 0 || started.some((v) => v.status === 'failed')) break;
    const remaining = deadlineMs - Date.now();
    if (remaining <= 0) break;
    await condition(
      () => app.verificationNudges !== seenNudges || app.withdrawal !== null,
      Math.min(INCOME_VERIFICATION_POLL_MS, remaining),
    );
    seenNudges = app.verificationNudges;
    if (app.withdrawal) return { outcome: await app.finishWithdrawn() };
  }
  const failed = started.some((v) => v.status === 'failed');
  app.incomeVerification.status = failed ? 'FAILED' : pending().length > 0 ? 'EXPIRED' : 'COMPLETED';
  await app.project('income-verification-ended', {
    status: app.incomeVerification.status,
    applicants: started.map((v) => ({ index: v.index, status: v.status })),
  });
  if (app.incomeVerification.status !== 'COMPLETED') {
    const reason = failed ? 'income-verification-failed' : 'income-verification-expired';
    app.decision = { outcome: 'REJECTED', reasons: [reason] };
    return { outcome: await reject(app, [reason]) };
  }
  for (const v of started) verified.set(v.index, v.verifiedMonthlyIncome!);
  return { verified };
}

/** R-APP-9: the offer with its APR, valid 30 days, to every applicant (and their mailbox, R-LOAN-11). */
async function offer(app: ApplicationRun, nominalRatePercent: string): Promise<void> {
  const { input } = app;
  const offered = makeOffer({
    amount: input.amount,
    termMonths: input.termMonths,
    nominalRatePercent,
    noticeChannel: input.noticeChannel,
    offeredAtMs: Date.now(),
    today: today(),
  });
  app.offer = offered;
  app.setStatus('OFFERED', `waiting for every applicant to sign until ${offered.validUntil}`);
  await app.project('offered', {
    riskGrade: app.decision!.riskGrade,
    nominalRatePercent: offered.nominalRatePercent,
    aprPercent: offered.aprPercent,
    validUntil: offered.validUntil,
  });
  for (const a of app.applicants)
    await app.notify(
      a.index,
      `offer:${a.index}`,
      offerMessage({ ...offered, reference: input.reference, link: app.linkFor(a.index) }),
      { email: true, sms: true },
    );
  if (patched(MAILBOX_NOTICES_PATCH))
    await app.mailboxNotice('offer', offerNotice({ ...offered, reference: input.reference }));
}

/**
 * R-APP-9, R-APP-10: pay out exactly once — creditors first, then the rest to the stated account —
 * and (`application-payout-execution`) wait until the bank has executed every payout.
 */
async function payOut(app: ApplicationRun): Promise<{ executionDate: string } | { outcome: ApplicationOutcome }> {
  const { input, workflowId } = app;
  app.setStatus('PAYING_OUT', 'paying out');
  const executionDate = payoutExecutionDate(today());
  const legs = payoutPlan(
    { amount: input.amount, consolidation: input.consolidation, payoutAccount: app.payoutAccount! },
    app.contractNumber!,
  );
  app.payoutStatus = 'REQUESTED';
  await app.project('signed', { legs: legs.length, executionDate, powerOfAttorney: input.consolidation.length > 0 });
  for (const leg of legs) {
    const name = leg.recipient === 'applicant' ? 'applicant' : `creditor:${leg.index}`;
    const key =
      leg.recipient === 'applicant' ? idempotencyKey(workflowId, 'payout') : idempotencyKey(workflowId, 'payout', name);
    try {
      const result = await payoutActs.payout({
        idempotencyKey: key,
        applicationId: input.applicationId,
        leg: name,
        amount: leg.amount,
        toAccount:
          leg.recipient === 'applicant'
            ? { kind: 'bankAccount', ...leg.account }
            : { kind: 'bankgiro', bankgiro: leg.bankgiro, ocr: leg.ocr },
        reference: leg.reference,
        requestedExecutionDate: executionDate,
      });
      app.payouts.push({ leg: name, idempotencyKey: key, amount: leg.amount, ...result });
    } catch (err) {
      app.payoutStatus = 'FAILED';
      await app.project('payout-failed', { leg: name, error: (err as Error).message });
      return { outcome: await app.finish('PAYOUT_FAILED', [`payout ${name} failed`]) };
    }
  }
  app.payoutStatus = 'ACCEPTED';
  const waitForExecution = patched(PAYOUT_EXECUTION_PATCH);
  app.setStep(waitForExecution ? 'waiting for the bank to execute the payout' : 'starting the loan');
  await app.project('payouts-accepted', {
    payouts: app.payouts.map((p) => ({ leg: p.leg, payoutId: p.payoutId, executionDate: p.executionDate })),
  });
  if (!waitForExecution) return { executionDate };

  // The loan starts once the bank confirms the money has left (status EXECUTED).
  for (const p of app.payouts) {
    try {
      const executed = await payoutWaitActs.awaitPayoutExecuted({
        idempotencyKey: p.idempotencyKey,
        applicationId: input.applicationId,
        leg: p.leg,
        payoutId: p.payoutId,
      });
      p.status = executed.status;
      p.executionDate = executed.executionDate;
    } catch (err) {
      // The money may have left: an operator follows up; the loan is not started unconfirmed.
      app.payoutStatus = 'UNCONFIRMED';
      await app.project('payout-not-confirmed', { leg: p.leg, payoutId: p.payoutId, error: (err as Error).message });
      if (!patched(PAYOUT_RECONCILIATION_PATCH))
        return { outcome: await app.finish('PAYOUT_FAILED', [`payout ${p.leg} not confirmed executed by the bank`]) };
      // R-APP-9: an operator task with the facts, and the wait for the bank's answer goes on.
      await acts.reportUnconfirmedPayout({
        idempotencyKey: idempotencyKey(p.idempotencyKey, 'unconfirmed'),
        applicationId: input.applicationId,
        reference: input.reference,
        leg: p.leg,
        payoutId: p.payoutId,
        amount: p.amount,
        executionDate: p.executionDate,
      });
      const executed = await payoutReconcileActs.awaitPayoutExecuted({
        idempotencyKey: p.idempotencyKey,
        applicationId: input.applicationId,
        leg: p.leg,
        payoutId: p.payoutId,
      });
      p.status = executed.status;
      p.executionDate = executed.executionDate;
    }
  }
  app.payoutStatus = 'EXECUTED';
  app.setStep('starting the loan');
  await app.project('payouts-executed', {
    payouts: app.payouts.map((p) => ({ leg: p.leg, payoutId: p.payoutId, executionDate: p.executionDate })),
  });
  return { executionDate };
}

/** The loan exists once signed and paid out: its own workflow, which outlives this one. */
async function startLoan(app: ApplicationRun, nominalRatePercent: string, executionDate: string): Promise<void> {
  const { input } = app;
  // R-LOAN-11: the loan's notices reach the borrowers at the contact details they applied with.
  const mailboxNotices = patched(MAILBOX_NOTICES_PATCH);
  if (mailboxNotices)
    for (const a of app.applicants)
      if (a.customerId !== null)
        await app.quickNoticeActs.recordCustomerContact({ id: a.customerId, email: a.email, phone: a.phone });

  const loanId = uuid4();
  const signingMandate = mandateAtSigning(app);
  const payoutDate = app.payouts.map((p) => p.executionDate).sort()[0] ?? executionDate;
  await startChild<typeof loanWorkflow>('loanWorkflow', {
    workflowId: loanWorkflowId(loanId),
    staticSummary: loanWorkflowSummary({
      contractNumber: app.contractNumber!,
      termMonths: input.termMonths,
      payoutDate,
    }),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [
      {
        terms: {
          loanId,
          contractNumber: app.contractNumber!,
          customerId: app.applicants[0]!.customerId!,
          amount: input.amount,
          termMonths: input.termMonths,
          nominalRatePercent,
          noticeChannel: input.noticeChannel,
          payoutDate,
        },
        ...(signingMandate ? { signingMandate } : {}),
      },
    ],
  });
  app.loanId = loanId;
  if (mailboxNotices)
    await app.mailboxNotice(
      'payout',
      payoutNotice({
        reference: input.reference,
        contractNumber: app.contractNumber!,
        amount: input.amount,
        executionDate: payoutDate,
      }),
      loanId,
    );
}

/**
 * R-PROD-2, R-PAY-3: an application that chose autogiro gives the loan its mandate at signing — the
 * payout account the main applicant stated, the main applicant as payer. The offer's BankID
 * signature covers it (the offer names the notice channel), so no second signature is asked for.
 */
function mandateAtSigning(app: ApplicationRun): SigningMandate | undefined {
  if (app.input.noticeChannel !== 'autogiro' || !app.payoutAccount) return undefined;
  if (!patched(AUTOGIRO_MANDATE_PATCH)) return undefined;
  const payer = app.applicants[0]!;
  return {
    mandateId: uuid4(),
    clearingNumber: app.payoutAccount.clearingNumber,
    accountNumber: app.payoutAccount.accountNumber,
    payerPersonnummer: payer.personnummer,
    signature: `bankid-offer-signature:${payer.signing?.orderRef ?? ''}`,
  };
}
