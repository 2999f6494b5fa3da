/**
 * R-PAY-4 on the time-skipping server: what a loan ends owing the customer — an overpayment, the
 * excess of a withdrawal repaid early (R-LOAN-8), money paid to a closed loan —
 * is paid back to the stated account through the bank payout adapter exactly once, with a posting
 * and a mailbox notice; a refund with no known account fails and is paid on an operator's retry.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createRefundActivities } from '../../activities/refunds';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findRefund, retryRefund } from '../../db/refund-repository';
import { addDays, type IsoDate, stockholmDate } from '../../domain/dates';
import { customerDebt } from '../../domain/ledger';
import type { LoanTerms } from '../../domain/loan-terms';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { withdrawalSettlement } from '../../domain/withdrawal';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId, withdrawUpdate } from '../../workflows/loan-messages';
import { refundWorkflowId, retryRefundSignal } from '../../workflows/refund-messages';
import { eventually } from '../support/api';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, payToLoan } from '../support/loans';
import { recordStatedAccount } from '../support/refunds';
import { createTestWorker, testDataConverter } from '../support/temporal';

const TASK_QUEUE = 'refunds';
const ACCOUNT = { clearingNumber: '8327', accountNumber: '9412345678' };

describe('refunds (R-PAY-4) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let sandbox: SandboxAdapterSet;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    sandbox = await createSandboxAdapters();
    worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      db,
      adapters: sandbox.adapters,
    });
    running = worker.run();
  }, 180_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await sandbox?.stop();
    await env?.teardown();
    await db?.destroy();
  });

  const today = async (): Promise<IsoDate> => stockholmDate(new Date(await env.currentTimeMs()));
  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T10:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }
  async function startLoan(withAccount = true): Promise<LoanTerms> {
    const terms = await newLoanTerms(env, { termMonths: 12, noticeChannel: 'e-invoice' });
    await env.client.workflow.start(loanWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: loanWorkflowId(terms.loanId),
      args: [{ terms }],
    });
    await eventually(
      async () => ((await loanAccountBalances(db, terms.loanId)).bank.isZero() ? undefined : true),
      'the loan to open',
    );
    if (withAccount) await recordStatedAccount(db, terms, ACCOUNT);
    return terms;
  }
  const debtOf = async (loanId: string) => customerDebt(await loanAccountBalances(db, loanId));
  const paidRefund = (id: string) =>
    eventually(async () => {
      const r = await findRefund(db, id);
      return r?.status === 'PAID' ? r : undefined;
    }, `refund ${id} to be paid`);
  const payoutsOf = async (refundId: string) =>
    (await sandbox.sandbox.bankPayout.listPayouts()).filter((p) => p.idempotencyKey.startsWith(`${refundId}:`));

  it('R-PAY-4: an overpayment beyond the whole debt is refunded once, with a posting and a notice; a payment to the closed loan too', async () => {
    const t = await startLoan();
    await sleepUntil(addDays(t.payoutDate, 5));
    const debt = await debtOf(t.loanId);
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: formatAmount(debt.plus(500)),
      paymentDate: await today(),
      bankReference: `over-${t.loanId}`,
    });
    expect((await env.client.workflow.getHandle(loanWorkflowId(t.loanId)).result()).status).toBe('CLOSED');

    const refundId = `${t.loanId}:refund:close`;
    const refund = await paidRefund(refundId);
    expect(refund).toMatchObject({ reason: 'overpayment', amount: '500.00', attempt: 1 });
    const payouts = await payoutsOf(refundId);
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({
      amount: '500.00',
      toAccount: { kind: 'bankAccount', ...ACCOUNT },
      idempotencyKey: `${refundId}:payout:1`,
    });
    expect(refund.payout_id).toBe(payouts[0]!.payoutId);
    const balances = await loanAccountBalances(db, t.loanId);
    expect(balances.customer_credit.toFixed(2)).toBe('0.00');
    const postings = await db
      .selectFrom('ledger_postings')
      .select('idempotency_key')
      .where('loan_id', '=', t.loanId)
      .where('type', '=', 'refund-payout')
      .execute();
    expect(postings.map((p) => p.idempotency_key)).toEqual([`${refundId}:payout`]);
    const notices = await db
      .selectFrom('mailbox_messages')
      .select(['subject', 'body'])
      .where('loan_id', '=', t.loanId)
      .where('kind', '=', 'refund')
      .execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain('500,00');
    expect(notices[0]!.body).toContain('5678');
    expect(notices[0]!.body).not.toMatch(/R-[A-Z]+-\d/);

    // A retried payout (a worker that died after the bank answered, before the row said PAID) is the
    // same payout: the bank recognises the key, and the posting and the notice are written once.
    await db.updateTable('refunds').set({ status: 'PENDING' }).where('id', '=', refundId).execute();
    const again = await createRefundActivities(db, sandbox.adapters).payRefund({ refundId, date: await today() });
    expect(again.payoutId).toBe(payouts[0]!.payoutId);
    expect(await payoutsOf(refundId)).toHaveLength(1);
    expect((await loanAccountBalances(db, t.loanId)).customer_credit.toFixed(2)).toBe('0.00');

    // Money paid to the loan after it closed is the customer's: refunded by the payment's own step.
    const late = await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: '300.00',
      paymentDate: await today(),
      bankReference: `after-close-${t.loanId}`,
    });
    const closedCredit = await paidRefund(`${t.loanId}:refund:payment:${late}`);
    expect(closedCredit).toMatchObject({ reason: 'closed-loan-credit', amount: '300.00' });
    expect((await loanAccountBalances(db, t.loanId)).customer_credit.toFixed(2)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  it('R-PAY-4, R-LOAN-8: a withdrawal repaid before its repay-by day owes interest to the day repaid; the rest is refunded', async () => {
    const t = await startLoan();
    const noticeDate = addDays(t.payoutDate, 10);
    await sleepUntil(noticeDate);
    const loan = env.client.workflow.getHandle(loanWorkflowId(t.loanId));
    const order = await loan.executeUpdate(withdrawUpdate, { args: [{}] });
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: order.total,
      paymentDate: noticeDate,
      bankReference: `withdrawal-${t.loanId}`,
    });
    expect((await loan.result()).status).toBe('WITHDRAWN');

    const interestToDay = withdrawalSettlement({
      principalPaidOut: new Decimal(t.amount),
      nominalRatePercent: new Decimal(t.nominalRatePercent),
      payoutDate: t.payoutDate,
      repaymentDate: noticeDate,
      feesPaidToLender: ZERO,
    }).interest;
    const expected = new Decimal(order.interest).minus(interestToDay);
    expect(expected.greaterThan(0)).toBe(true);
    const refund = await paidRefund(`${t.loanId}:refund:close`);
    expect(refund).toMatchObject({ reason: 'withdrawal', amount: formatAmount(expected) });
    expect((await payoutsOf(refund.id)).map((p) => p.amount)).toEqual([formatAmount(expected)]);
    const balances = await loanAccountBalances(db, t.loanId);
    expect(balances.customer_credit.toFixed(2)).toBe('0.00');
    expect(customerDebt(balances).toFixed(2)).toBe('0.00');
    // The lender kept exactly the principal and the interest to the day repaid.
    expect(balances.interest_income.negated().toFixed(2)).toBe(formatAmount(interestToDay));
    await expectLedgerBalanced(db);
  });

  it('R-PAY-4: with no account known the refund fails, waits, and is paid once an operator retries with the account', async () => {
    const t = await startLoan(false);
    await sleepUntil(addDays(t.payoutDate, 3));
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: formatAmount((await debtOf(t.loanId)).plus('123.45')),
      paymentDate: await today(),
      bankReference: `no-account-${t.loanId}`,
    });
    const refundId = `${t.loanId}:refund:close`;
    const failed = await eventually(async () => {
      const r = await findRefund(db, refundId);
      return r?.status === 'FAILED' ? r : undefined;
    }, 'the refund to fail');
    expect(failed.failure).toContain('no account');
    expect(await payoutsOf(refundId)).toEqual([]);
    expect((await loanAccountBalances(db, t.loanId)).customer_credit.toFixed(2)).toBe('-123.45');

    // What POST /v1/refunds/{id}/retry does: a new attempt to the account the customer states, then the signal.
    expect(await retryRefund(db, refundId, ACCOUNT)).toMatchObject({ status: 'PENDING', attempt: 2 });
    await env.client.workflow.getHandle(refundWorkflowId(refundId)).signal(retryRefundSignal);
    const paid = await paidRefund(refundId);
    expect(paid).toMatchObject({ amount: '123.45', attempt: 2 });
    expect((await payoutsOf(refundId)).map((p) => p.idempotencyKey)).toEqual([`${refundId}:payout:2`]);
    expect((await loanAccountBalances(db, t.loanId)).customer_credit.toFixed(2)).toBe('0.00');
    await expectLedgerBalanced(db);
  });
});
