/**
 * The application workflow's activities (activities/application.ts, activities/notices.ts), each
 * with the timeouts and retries its kind of call needs. Every call carries an idempotency key from
 * the workflow id and the step, so a retry is the same call.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ApplicationActivities } from '../activities/application';
import type { NoticeActivities } from '../activities/notices';

export const acts = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The short steps as local activities, behind `patched('application-local-steps')`
 * (workflows/application-run.ts): the PostgreSQL ones (the projection, the contract number, the
 * prefill lookup, the contact details) and single deliveries (an email, an SMS, a mailbox notice).
 * Each leaves one marker in history instead of three events and a workflow task of its own (issue
 * 16: the application's history). Each is idempotent (a versioned write, a key), so a local retry
 * or a retried workflow task is the same write or the same message. Behind
 * `patched('application-local-bankid-start')` the start of a BankID order is one too (a quick call;
 * a repeat gets `alreadyInProgress`, retried, and BankID keeps one live order). Calls that wait
 * (collecting a BankID order, the bureau, the bank, income verification) stay ordinary activities.
 */
export const localActs = proxyLocalActivities<ApplicationActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const localNoticeActs = proxyLocalActivities<NoticeActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Collecting a BankID order lasts until the user acts (BankID ends an order after 3 minutes). */
export const bankIdActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

/** Money: retried until the bank answers; the idempotency key makes every retry the same payout. */
export const payoutActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** R-LOAN-11: mailbox notices; a notice that keeps failing is recorded, never fatal. */
export const noticeActs = proxyActivities<NoticeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * R-APP-9: the wait for the bank to execute a payout (1–3 banking days). Each attempt polls for
 * minutes while heartbeating; Temporal retries with backoff up to the deadline. A short heartbeat
 * timeout and first retry: an attempt lost in a Temporal outage is retried within seconds of its end.
 */
export const payoutWaitActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '10 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/**
 * R-APP-9: an unconfirmed payout is reconciled, never ended: after the operator task the wait goes
 * on against the bank with no deadline (the bank's answer ends it; money must not be left out).
 */
export const payoutReconcileActs = proxyActivities<ApplicationActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});
