/**
 * The application's side effects (R-APP-2…10), each thin and idempotent: the projection write is
 * versioned, the contract number is assigned once, every external call carries an idempotency key
 * derived from the workflow id and the step (`application-A…:payout`), and business dates come in
 * from the workflow. Adapter errors that a retry cannot fix become non-retryable failures; nothing
 * here logs or returns personal data beyond what the workflow already holds.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Adapters } from '../adapters';
import { isRetryableAdapterError } from '../adapters/shared/errors';
import { failFastOnAdapterRefusal } from './adapter-failure';
import type { PayoutDestination } from '../adapters/bank-payout';
import {
  assignContractNumber,
  findSubmittedAnswers,
  findVendor,
  listApplicationPayouts,
  projectApplicationOverPrevious,
  recordPayout,
} from '../db/application-repository';
import { saveBankIdQrSecret } from '../db/bankid-qr-repository';
import type { Db } from '../db/database';
import { type BureauFacts, prefillSource, TERMINAL_STATUSES } from '../domain/application';
import { businessMetrics, sek } from '../platform/metrics';
import { addDays, type IsoDate } from '../domain/dates';
import { DEFAULT_PRODUCT } from '../domain/product';
import type { AnswersView, ApplicationEvent, ApplicationSnapshot } from '../domain/application-state';
import { unconfirmedPayoutReport } from '../texts/application';

export interface ApplicationActivityOptions {
  /** How often a BankID order is collected (BankID asks for every 1–2 s). Default 2000. */
  bankIdPollIntervalMs?: number;
  /**
   * How long one `awaitPayoutExecuted` attempt asks the bank before handing back to Temporal's
   * retry (with its backoff). Default 10 minutes; within it the polls back off from 0.5 s to 30 s.
   */
  payoutPollWindowMs?: number;
  /** Where a payout the bank accepted but has not confirmed is reported (an operator task). */
  operationsEmail?: string;
}

/** Heartbeats while `fn` runs, so a worker that dies mid-call is noticed within the heartbeat timeout. */
async function withHeartbeat<T>(fn: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

export type BankIdOutcome =
  | { state: 'COMPLETE'; personalNumber: string; name?: string; signature?: string }
  | { state: 'FAILED'; hintCode: string };

export function createApplicationActivities(db: Db, adapters: Adapters, options: ApplicationActivityOptions = {}) {
  const pollMs = options.bankIdPollIntervalMs ?? 2_000;
  const payoutWindowMs = options.payoutPollWindowMs ?? 10 * 60_000;
  return {
    /** The projection (versioned: an older snapshot never overwrites a newer one) and one history event. */
    async projectApplication(input: { snapshot: ApplicationSnapshot; event?: ApplicationEvent }): Promise<boolean> {
      // Operators' counter: an application closing (PAID_OUT, REJECTED, …) is counted once, when
      // its projection first takes the terminal status.
      const { applied, previousStatus } = await projectApplicationOverPrevious(db, input.snapshot, input.event);
      if (TERMINAL_STATUSES.includes(input.snapshot.status) && applied && previousStatus !== input.snapshot.status)
        businessMetrics.applicationsClosed.inc({ outcome: input.snapshot.status });
      return applied;
    },

    /** R-APP-2: assigned once from a sequence; a repeat returns the same number. */
    async assignContractNumber(input: { applicationId: string }): Promise<string> {
      return assignContractNumber(db, input.applicationId);
    },

    /** R-APP-1, R-APP-7, R-APP-8: one credit report per applicant and key (a repeat is the same report). */
    async creditReport(input: {
      personnummer: string;
      idempotencyKey: string;
    }): Promise<BureauFacts & { reportId: string }> {
      const report = await failFastOnAdapterRefusal('bureau lookup', () =>
        adapters.bureau.lookup(input.personnummer, input.idempotencyKey),
      );
      return {
        reportId: report.reportId,
        registeredInSweden: report.registeredInSweden,
        taxedAnnualIncome: report.taxedAnnualIncome,
        paymentRemarks: report.paymentRemarks,
        enforcementDebt: report.enforcementDebt,
      };
    },

    /**
     * Starts a BankID order that only `personnummer` can complete. Not idempotent at BankID; a retry
     * after a lost answer gets `alreadyInProgress` (retryable) and BankID cancels the earlier order,
     * so the workflow ends up holding exactly one live orderRef.
     */
    async startBankIdOrder(input: {
      kind: 'auth' | 'sign';
      personnummer: string;
      endUserIp: string;
      userVisibleData?: string;
    }): Promise<{ orderRef: string; autoStartToken: string; qrStartToken: string }> {
      const request = { endUserIp: input.endUserIp, requirement: { personalNumber: input.personnummer } };
      const order = await failFastOnAdapterRefusal(`bankid ${input.kind}`, () =>
        input.kind === 'sign'
          ? adapters.bankId.sign({ ...request, userVisibleData: input.userVisibleData ?? '' })
          : adapters.bankId.auth({
              ...request,
              ...(input.userVisibleData ? { userVisibleData: input.userVisibleData } : {}),
            }),
      );
      // The QR secret goes to PostgreSQL for the customer pages' animated QR code, never into history.
      await saveBankIdQrSecret(db, {
        orderRef: order.orderRef,
        qrStartToken: order.qrStartToken,
        qrStartSecret: order.qrStartSecret,
        startedAt: new Date(),
      });
      return { orderRef: order.orderRef, autoStartToken: order.autoStartToken, qrStartToken: order.qrStartToken };
    },

    /**
     * Collects an order until it completes or fails (BankID's order lifetime bounds the wait),
     * heartbeating; a retry after a worker crash collects the same order again.
     */
    async awaitBankIdOrder(input: { orderRef: string }): Promise<BankIdOutcome> {
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        const result = await failFastOnAdapterRefusal('bankid collect', () => adapters.bankId.collect(input.orderRef));
        if (result.status === 'complete')
          return {
            state: 'COMPLETE',
            personalNumber: result.completionData.user.personalNumber,
            name: result.completionData.user.name,
            signature: result.completionData.signature,
          };
        if (result.status === 'failed') return { state: 'FAILED', hintCode: result.hintCode };
        await ctx.sleep(pollMs);
      }
    },

    /** Best effort: a pending order of a withdrawn application is cancelled. */
    async cancelBankIdOrder(input: { orderRef: string }): Promise<void> {
      try {
        await adapters.bankId.cancel(input.orderRef);
      } catch (err) {
        if (isRetryableAdapterError(err)) throw err; // a finished or unknown order needs no cancel
      }
    },

    /** R-APP-7: starts open-banking income verification (once per key). */
    async startIncomeVerification(input: {
      applicationId: string;
      personnummer: string;
      idempotencyKey: string;
      /** Where the provider sends the applicant back after consent (the application's page). */
      returnUrl?: string;
    }): Promise<{ verificationId: string; redirectUrl: string }> {
      const started = await failFastOnAdapterRefusal('open banking start', () =>
        adapters.openBanking.startVerification({
          applicationId: input.applicationId,
          personalNumber: input.personnummer,
          idempotencyKey: input.idempotencyKey,
          ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
        }),
      );
      return { verificationId: started.verificationId, redirectUrl: started.redirectUrl };
    },

    async getIncomeVerification(input: { verificationId: string }): Promise<{
      status: 'pending' | 'completed' | 'failed';
      verifiedMonthlyIncome?: string;
      failureReason?: string;
    }> {
      const v = await failFastOnAdapterRefusal('open banking get', () =>
        adapters.openBanking.getVerification(input.verificationId),
      );
      return {
        status: v.status,
        ...(v.verifiedMonthlyIncome ? { verifiedMonthlyIncome: v.verifiedMonthlyIncome } : {}),
        ...(v.failureReason ? { failureReason: v.failureReason } : {}),
      };
    },

    /** R-APP-6: the person's latest submitted answers within the prefill window before `today`. */
    async findPrefill(input: {
      applicationId: string;
      personnummer: string;
      today: IsoDate;
    }): Promise<AnswersView['prefill']> {
      const since = addDays(input.today, -DEFAULT_PRODUCT.application.prefillWithinDays);
      const earlier = await findSubmittedAnswers(db, input.personnummer, since);
      const source = prefillSource(earlier, input.today, input.applicationId);
      if (!source) return null;
      const { payoutAccount: _account, ...answers } = source.answers;
      return { fromReference: source.reference, submittedOn: source.submittedOn, answers };
    },

    /** Email (idempotent: the key fixes the Message-ID, so a retried send is one message). */
    async sendEmail(input: { idempotencyKey: string; to: string; subject: string; text: string }): Promise<void> {
      await failFastOnAdapterRefusal('email send', () => adapters.email.send(input));
    },

    /** SMS (idempotent at the gateway by key). */
    async sendSms(input: { idempotencyKey: string; to: string; text: string }): Promise<void> {
      await failFastOnAdapterRefusal('sms send', () => adapters.sms.send(input));
    },

    /** R-APP-4: the vendor's "submitted" mail, to the address registered for the vendor. */
    async notifyVendor(input: {
      idempotencyKey: string;
      vendorId: string;
      subject: string;
      text: string;
    }): Promise<{ sent: boolean }> {
      const vendor = await findVendor(db, input.vendorId);
      if (!vendor) return { sent: false };
      await failFastOnAdapterRefusal('email send', () =>
        adapters.email.send({
          idempotencyKey: input.idempotencyKey,
          to: vendor.email,
          subject: input.subject,
          text: input.text,
        }),
      );
      return { sent: true };
    },

    /**
     * R-APP-9, R-APP-10: one payout leg, exactly once: the bank executes the first request under the
     * key and answers a repeat with the same payout; the projection row is keyed the same way.
     */
    async payout(input: {
      idempotencyKey: string;
      applicationId: string;
      leg: string;
      amount: string;
      toAccount: PayoutDestination;
      reference: string;
      requestedExecutionDate: IsoDate;
    }): Promise<{ payoutId: string; status: string; executionDate: IsoDate }> {
      const result = await withHeartbeat(() =>
        failFastOnAdapterRefusal('bank payout', () =>
          adapters.bankPayout.payout({
            idempotencyKey: input.idempotencyKey,
            amount: input.amount,
            toAccount: input.toAccount,
            reference: input.reference,
            requestedExecutionDate: input.requestedExecutionDate,
          }),
        ),
      );
      await recordPayout(db, {
        idempotencyKey: input.idempotencyKey,
        applicationId: input.applicationId,
        leg: input.leg,
        payoutId: result.payoutId,
        amount: result.amount,
        executionDate: result.executionDate,
        status: result.status,
      });
      return { payoutId: result.payoutId, status: result.status, executionDate: result.executionDate };
    },

    /**
     * R-APP-9: waits (heartbeating) until the bank reports the payout executed, then
     * records `executed` in the projection. Polls back off from 0.5 s to 30 s; after the poll
     * window a retryable `PayoutNotExecuted` failure hands the wait to Temporal's retry policy
     * (durable across worker restarts, bounded by the workflow's schedule-to-close timeout).
     * Read-only at the bank: a retry can never pay again.
     */
    async awaitPayoutExecuted(input: {
      idempotencyKey: string;
      applicationId: string;
      leg: string;
      payoutId: string;
    }): Promise<{ status: 'executed'; executionDate: IsoDate }> {
      const ctx = Context.current();
      const until = Date.now() + payoutWindowMs;
      let waitMs = 500;
      for (;;) {
        ctx.heartbeat();
        const p = await failFastOnAdapterRefusal('bank payout status', () =>
          adapters.bankPayout.getPayout(input.payoutId),
        );
        if (p.status === 'executed') {
          const known = (await listApplicationPayouts(db, input.applicationId)).find(
            (row) => row.idempotency_key === input.idempotencyKey,
          );
          await recordPayout(db, {
            idempotencyKey: input.idempotencyKey,
            applicationId: input.applicationId,
            leg: input.leg,
            payoutId: p.payoutId,
            amount: p.amount,
            executionDate: p.executionDate,
            status: 'executed',
          });
          if (known?.status !== 'executed') {
            businessMetrics.payouts.inc();
            businessMetrics.payoutAmount.inc(sek(p.amount));
          }
          return { status: 'executed', executionDate: p.executionDate };
        }
        if (Date.now() + waitMs > until) {
          throw ApplicationFailure.create({
            type: 'PayoutNotExecuted',
            message: `the bank has not executed payout ${input.leg} yet (execution date ${p.executionDate})`,
          });
        }
        // Heartbeats every few seconds while it waits, well within the heartbeat timeout.
        for (let left = waitMs; left > 0; left -= 5_000) {
          await ctx.sleep(Math.min(left, 5_000));
          ctx.heartbeat();
        }
        waitMs = Math.min(waitMs * 2, 30_000);
      }
    },

    /**
     * R-APP-9: a payout the bank accepted but has not confirmed executed by the deadline is an
     * operator task: the operations mailbox gets the facts to reconcile with the bank (ids and
     * amounts only, no personal data). Idempotent by its key.
     */
    async reportUnconfirmedPayout(input: {
      idempotencyKey: string;
      applicationId: string;
      reference: string;
      leg: string;
      payoutId: string;
      amount: string;
      executionDate: IsoDate;
    }): Promise<{ sent: true }> {
      const to = options.operationsEmail ?? 'drift@sandbox.loan-engine.local';
      const { subject, text } = unconfirmedPayoutReport(input);
      await failFastOnAdapterRefusal('email send', () =>
        adapters.email.send({
          idempotencyKey: input.idempotencyKey,
          to,
          subject,
          text,
        }),
      );
      return { sent: true };
    },
  };
}

export type ApplicationActivities = ReturnType<typeof createApplicationActivities>;

/** For workers built without adapters (some tests, tools): any use fails at once, not retried. */
export function unavailableAdapters(): Adapters {
  const fail = (): never => {
    throw ApplicationFailure.create({
      type: 'AdaptersUnavailable',
      message: 'this worker was built without adapters (ActivityDeps.adapters)',
      nonRetryable: true,
    });
  };
  const system = new Proxy({}, { get: () => fail });
  return {
    bankId: system,
    bureau: system,
    openBanking: system,
    bankPayout: system,
    email: system,
    sms: system,
    post: system,
    directDebit: system,
  } as unknown as Adapters;
}
