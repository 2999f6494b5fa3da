/**
 * The loan's changes during its life (R-LOAN-5…8, R-LOAN-10) on the time-skipping server: a rate
 * change, a payment-free month, early repayment whole and partial, and withdrawal, each asked of
 * the running loan workflow as an update (workflows/loan-messages.ts), refused with a
 * `Refused` failure (domain/refusal.ts) naming the reason when the rules say no.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findLoan, listInvoices, type InvoiceRow } from '../../db/loan-repository';
import { annuityPayment, monthlyRate } from '../../domain/annuity';
import { addDays, compareDates, daysBetween, firstOfMonth, type IsoDate, stockholmDate } from '../../domain/dates';
import { invoiceIssueDate, lateFeeDate } from '../../domain/invoicing';
import { customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount, roundOre, sumAmounts } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { REFUSED } from '../../domain/refusal';
import { earliestChangeEffectiveDate } from '../../domain/rate-change';
import { buildSchedule, installmentDueDate, installmentSplit } from '../../domain/schedule';
import { withdrawalPeriodLastDay, withdrawalRepaymentDueDate } from '../../domain/withdrawal';
import { formatKronor } from '../../texts/format';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { ensureLateInvoiceSweep } from '../../workers/late-invoice-sweep';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import {
  changeRateUpdate,
  confirmEarlyRepaymentUpdate,
  loanViewQuery,
  loanWorkflowId,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  withdrawUpdate,
} from '../../workflows/loan-messages';
import { simulatedBorrowerWorkflow, type SimulatedBorrowerInput } from '../../workflows/simulated-borrower';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, payToLoan } from '../support/loans';
import { createTestWorker, testDataConverter } from '../support/temporal';

const TASK_QUEUE = 'loan-changes';

describe('loan changes (R-LOAN-5…8, R-LOAN-10) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let worker: Worker;
  let running: Promise<void>;

  // One worker for the file: the late-invoice sweep and every loan share its task queue.
  beforeAll(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    db = await openTestDb('WORKFLOWS');
    worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, db });
    running = worker.run();
    await ensureLateInvoiceSweep(env.client, TASK_QUEUE);
  }, 180_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await env?.teardown();
    await db?.destroy();
  });

  const today = async (): Promise<IsoDate> => stockholmDate(new Date(await env.currentTimeMs()));

  /** Lets simulated time pass until 10:00 UTC of `date` (after the loan's 05:00 and the borrower's 09:00 events). */
  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T10:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** The loan workflow, and a borrower paying `daysBeforeDue` before each due date for `borrowerTerm` invoices. */
  async function start(
    terms: LoanTerms,
    borrower?: Omit<SimulatedBorrowerInput, 'loanId' | 'payoutDate' | 'termMonths'> & { termMonths?: number },
  ) {
    const loan = await env.client.workflow.start(loanWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: loanWorkflowId(terms.loanId),
      args: [{ terms }],
    });
    if (borrower) {
      await env.client.workflow.start(simulatedBorrowerWorkflow, {
        taskQueue: TASK_QUEUE,
        workflowId: `borrower-${terms.loanId}`,
        args: [{ loanId: terms.loanId, payoutDate: terms.payoutDate, termMonths: terms.termMonths, ...borrower }],
      });
    }
    return loan;
  }

  /** The `Refused` failure an update was refused with. */
  async function refusal(update: Promise<unknown>): Promise<ApplicationFailure> {
    const err: unknown = await update.then(
      (value) => {
        throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(REFUSED);
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    return cause as ApplicationFailure;
  }
  const detailsOf = (f: ApplicationFailure) => f.details?.[0] as { field?: string; message: string };

  const line = (invoice: InvoiceRow, kind: string) =>
    sumAmounts(invoice.lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));

  const initialPrincipal = (t: LoanTerms) =>
    buildSchedule({
      amount: new Decimal(t.amount),
      termMonths: t.termMonths,
      nominalRatePercent: new Decimal(t.nominalRatePercent),
      noticeChannel: t.noticeChannel,
      payoutDate: t.payoutDate,
    });

  const debtOf = async (loanId: string) => formatAmount(customerDebt(await loanAccountBalances(db, loanId)));

  it('R-LOAN-5, R-LOAN-10: a rate change mid-life: later invoices use the new rate and monthly payment; too short a notice is refused', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t, { daysBeforeDue: 5 });
    await sleepUntil(addDays(invoiceIssueDate(installmentDueDate(t.payoutDate, 2)), 1));
    const announcedOn = await today();
    const earliest = earliestChangeEffectiveDate(announcedOn);

    // R-LOAN-10: effective one day before a month after the borrower is notified: refused.
    const tooSoon = await refusal(
      loan.executeUpdate(changeRateUpdate, {
        args: [{ changeId: 'too-soon', newNominalRatePercent: '11.45', effectiveFrom: addDays(earliest, -1) }],
      }),
    );
    expect(detailsOf(tooSoon).field).toBe('effectiveFrom');
    expect(tooSoon.message).toContain(earliest);

    const request = { changeId: 'raise-2027', newNominalRatePercent: '11.45', effectiveFrom: earliest };
    const notice = await loan.executeUpdate(changeRateUpdate, { args: [request] });
    let first = 3;
    while (compareDates(invoiceIssueDate(installmentDueDate(t.payoutDate, first)), earliest) < 0) first++;
    expect(notice).toMatchObject({
      changeId: 'raise-2027',
      announcedOn,
      effectiveFrom: earliest,
      firstInstallment: first,
      newNominalRatePercent: '11.45',
      remainingInstallments: 24 - first + 1,
    });
    // The same change again is the same notice (one change id for many loans, retried safely).
    expect(await loan.executeUpdate(changeRateUpdate, { args: [request] })).toEqual(notice);
    // R-LOAN-5: the borrower is told in the mailbox before the change takes effect.
    const mail = await db
      .selectFrom('mailbox_messages')
      .select(['kind', 'business_date', 'body'])
      .where('loan_id', '=', t.loanId)
      .where('kind', '=', 'rate-change')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.business_date).toBe(announcedOn);
    expect(mail[0]!.body).toContain(formatKronor(notice.newMonthlyPayment));

    expect((await loan.result()).status).toBe('CLOSED');
    const invoices = (await listInvoices(db, t.loanId)).filter((i) => i.kind === 'installment');
    expect(invoices.map((i) => i.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // Each invoice is the annuity split of the principal left, at the rate in force for it.
    const schedule = initialPrincipal(t);
    let balance = schedule.initialPrincipal;
    for (const invoice of invoices) {
      const changed = invoice.number >= first;
      const rate = monthlyRate(new Decimal(changed ? '11.45' : t.nominalRatePercent));
      if (invoice.number === first) {
        expect(notice.newMonthlyPayment).toBe(formatAmount(annuityPayment(balance, rate, 24 - first + 1)));
      }
      const payment = new Decimal(changed ? notice.newMonthlyPayment : schedule.monthlyPayment);
      const split = installmentSplit(balance, rate, payment, invoice.number === 24);
      expect({ n: invoice.number, principal: formatAmount(line(invoice, 'principal')) }).toEqual({
        n: invoice.number,
        principal: formatAmount(split.principal),
      });
      expect({ n: invoice.number, interest: formatAmount(line(invoice, 'interest')) }).toEqual({
        n: invoice.number,
        interest: formatAmount(split.interest),
      });
      expect(invoice.status).toBe('PAID');
      balance = balance.minus(split.principal);
    }
    expect(formatAmount(balance)).toBe('0.00');
    const row = await db
      .selectFrom('rate_changes')
      .selectAll()
      .where('loan_id', '=', t.loanId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('APPLIED');
    expect(await debtOf(t.loanId)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-6: a payment-free month: the installment is not invoiced, its interest is added to the principal, the term grows by one month; a second within 12 months is refused', async () => {
    const t = await newLoanTerms(env, { termMonths: 24, noticeChannel: 'e-invoice' });
    // The borrower pays the installment the payment-free month adds (25 in all).
    const loan = await start(t, { daysBeforeDue: 5, termMonths: 25 });
    // After invoice 2 is paid and due, before invoice 3 is issued.
    await sleepUntil(addDays(installmentDueDate(t.payoutDate, 2), 3));
    const before = await loan.query(loanViewQuery);
    expect(before.nextInstallment).toBe(3);
    const principalBefore = new Decimal(before.principalOutstanding);

    const grant = await loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{}] });
    expect(grant).toMatchObject({
      installmentNumber: 3,
      dueDate: installmentDueDate(t.payoutDate, 3),
      capitalisedInterest: formatAmount(
        roundOre(principalBefore.times(monthlyRate(new Decimal(t.nominalRatePercent)))),
      ),
      termMonths: 25,
    });
    expect((await loan.query(loanViewQuery)).paymentFreeInstallments).toEqual([3]);

    // At most one in 12 months: installment 8 (five months later) is refused.
    const second = await refusal(
      loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{ installmentNumber: 8 }] }),
    );
    expect(detailsOf(second).field).toBe('installmentNumber');
    expect(second.message).toMatch(/12/);

    expect((await loan.result()).status).toBe('CLOSED');
    const invoices = (await listInvoices(db, t.loanId)).filter((i) => i.kind === 'installment');
    expect(invoices.map((i) => i.number)).toEqual([1, 2, ...Array.from({ length: 22 }, (_, i) => i + 4)]);
    expect(invoices.every((i) => i.status === 'PAID')).toBe(true);
    // The last installment is due a month after the original term's last.
    expect(invoices.at(-1)!.due_date).toBe(installmentDueDate(t.payoutDate, 25));
    // Invoiced principal = the principal at payout + the skipped month's interest.
    const invoicedPrincipal = sumAmounts(invoices.map((i) => line(i, 'principal')));
    expect(formatAmount(invoicedPrincipal)).toBe(
      formatAmount(initialPrincipal(t).initialPrincipal.plus(grant.capitalisedInterest)),
    );
    // From invoice 4 on, the annuity over the 22 installments left (24 − 3 + 1) of the grown principal.
    const invoice4 = invoices.find((i) => i.number === 4)!;
    expect(formatAmount(line(invoice4, 'principal').plus(line(invoice4, 'interest')))).toBe(grant.newMonthlyPayment);
    const loanRow = await findLoan(db, t.loanId);
    expect(loanRow?.term_months).toBe(25);
    const free = await db.selectFrom('payment_free_months').selectAll().where('loan_id', '=', t.loanId).execute();
    expect(free).toEqual([
      expect.objectContaining({
        installment_number: 3,
        status: 'APPLIED',
        capitalised_interest: grant.capitalisedInterest,
      }),
    ]);
    expect(await debtOf(t.loanId)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  // A rate change announced before a payment-free month that is applied before the change takes
  // effect: the annuity is recomputed when the change takes effect over the term as it is then.
  it('R-LOAN-5 with R-LOAN-6: a payment-free month before a scheduled rate change takes effect: the last installment absorbs only rounding', async () => {
    const t = await newLoanTerms(env, { termMonths: 36, amount: '60000.00' });
    const loan = await start(t, { daysBeforeDue: 5, termMonths: 37 });
    await sleepUntil(addDays(installmentDueDate(t.payoutDate, 2), 1));
    const effectiveFrom = addDays(earliestChangeEffectiveDate(await today()), 75);
    const notice = await loan.executeUpdate(changeRateUpdate, {
      args: [{ changeId: 'later', newNominalRatePercent: '11.45', effectiveFrom }],
    });
    const grant = await loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{}] });
    expect(grant.installmentNumber).toBeLessThan(notice.firstInstallment);
    expect((await loan.result()).status).toBe('CLOSED');
    const invoices = (await listInvoices(db, t.loanId)).filter((i) => i.kind === 'installment');
    const total = (i: InvoiceRow) => line(i, 'principal').plus(line(i, 'interest'));
    // The first installment at the new rate bears the old rate for its month's days before the
    // effective date (R-LOAN-5, actual/365); the next is the new annuity in full.
    const atNewRate = invoices.find((i) => i.number === notice.firstInstallment + 1)!;
    // The annuity in force from the change on repays the loan: the last differs by rounding only.
    expect(total(invoices.at(-1)!).minus(total(atNewRate)).abs().lessThan(1)).toBe(true);
    await expectLedgerBalanced(db);
  });

  // A repeat of a change on a later day is answered with the first notice, not re-validated
  // against R-LOAN-10 as of the later day (workflows/loan-messages.ts).
  it('R-LOAN-5: a rate change repeated days later (same change id) returns the first notice', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t, { daysBeforeDue: 5 });
    await sleepUntil(addDays(t.payoutDate, 3));
    const request = {
      changeId: 'book-1',
      newNominalRatePercent: '10.95',
      effectiveFrom: earliestChangeEffectiveDate(await today()),
    };
    const notice = await loan.executeUpdate(changeRateUpdate, { args: [request] });
    try {
      // Two days later the same effective date would be too short a notice for a new change, but this
      // is the same change, retried (e.g. a bulk run re-sent): the borrower was told on the first day.
      await sleepUntil(addDays(t.payoutDate, 5));
      expect(await loan.executeUpdate(changeRateUpdate, { args: [request] })).toEqual(notice);
    } finally {
      await loan.terminate('test done');
    }
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-6: a payment-free month is refused while something is overdue', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t, { daysBeforeDue: 5, missInvoices: [1] });
    await sleepUntil(addDays(lateFeeDate(installmentDueDate(t.payoutDate, 1)), 1));
    const refused = await refusal(loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{}] }));
    expect(refused.message).toMatch(/overdue/);
    expect((await loan.query(loanViewQuery)).paymentFreeInstallments).toEqual([]);
    expect(await db.selectFrom('payment_free_months').selectAll().where('loan_id', '=', t.loanId).execute()).toEqual(
      [],
    );
    await loan.terminate('test done');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-6, R-PROD-2: the first installment, which carries the setup fee, cannot be made payment-free', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t);
    const refused = await refusal(
      loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{ installmentNumber: 1 }] }),
    );
    expect(detailsOf(refused)).toMatchObject({
      field: 'installmentNumber',
      message: expect.stringMatching(/setup fee/),
    });
    expect((await loan.query(loanViewQuery)).paymentFreeInstallments).toEqual([]);
    await loan.terminate('test done');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-7: whole early repayment: quote, confirm, pay the total → CLOSED with the debt exactly 0.00 and no fee', async () => {
    const t = await newLoanTerms(env, { termMonths: 36, noticeChannel: 'paper' });
    const loan = await start(t, { daysBeforeDue: 5 });
    // Mid-period, with invoice 3 issued and not yet paid.
    const issued3 = invoiceIssueDate(installmentDueDate(t.payoutDate, 3));
    await sleepUntil(addDays(issued3, 2));
    const date = await today();
    expect((await listInvoices(db, t.loanId)).map((i) => i.status)).toEqual(['PAID', 'PAID', 'OPEN']);

    const quote = await loan.executeUpdate(quoteEarlyRepaymentUpdate, { args: [{ kind: 'whole' }] });
    expect(quote).toMatchObject({ kind: 'whole', paymentDate: date, fee: '0.00' });
    expect(
      formatAmount(
        new Decimal(quote.principal).plus(quote.accruedInterest).plus(quote.unpaidInterest).plus(quote.unpaidFees),
      ),
    ).toBe(quote.total);
    // Fees on the open invoice (the paper notice fee) are still owed; the quote adds no fee of its own.
    expect(quote.unpaidFees).toBe(DEFAULT_PRODUCT.fees.notice.paper);

    const order = await loan.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: quote.quoteId }] });
    expect(order).toMatchObject({ quoteId: quote.quoteId, status: 'CONFIRMED', total: quote.total, payBy: date });
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: quote.total,
      paymentDate: date,
      bankReference: `early-${t.loanId}`,
    });

    expect((await loan.result()).status).toBe('CLOSED');
    expect(await debtOf(t.loanId)).toBe('0.00');
    expect((await findLoan(db, t.loanId))?.status).toBe('CLOSED');
    const stored = await db
      .selectFrom('early_repayment_orders')
      .selectAll()
      .where('loan_id', '=', t.loanId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ kind: 'whole', status: 'SETTLED', total: quote.total });
    // No fee beyond the setup fee and the notice fees of the installments invoiced (R-LOAN-7).
    const fees = await db
      .selectFrom('ledger_entries')
      .select(['line_kind', (eb) => eb.fn.sum<string>('amount').as('amount')])
      .where('loan_id', '=', t.loanId)
      .where('account', '=', 'fees_receivable')
      .where('amount', '>', '0')
      .groupBy('line_kind')
      .execute();
    expect(Object.fromEntries(fees.map((f) => [f.line_kind, formatAmount(new Decimal(f.amount))]))).toEqual({
      'setup-fee': DEFAULT_PRODUCT.fees.setup,
      'notice-fee': formatAmount(new Decimal(DEFAULT_PRODUCT.fees.notice.paper).times(3)),
    });
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-7, R-PROD-4: whole early repayment after the current invoice was paid: interest from the 1st of the month, the interest paid ahead set off → CLOSED at exactly 0.00', async () => {
    const t = await newLoanTerms(env, { termMonths: 36, noticeChannel: 'e-invoice', nominalRatePercent: '12.00' });
    const loan = await start(t, { daysBeforeDue: 5 });
    // Invoice 3 is paid (5 days before its due date); its month's interest is paid for days not yet lived.
    const due3 = installmentDueDate(t.payoutDate, 3);
    await sleepUntil(addDays(due3, -3));
    const date = await today();
    const invoices = await listInvoices(db, t.loanId);
    expect(invoices.map((i) => i.status)).toEqual(['PAID', 'PAID', 'PAID']);

    const quote = await loan.executeUpdate(quoteEarlyRepaymentUpdate, { args: [{ kind: 'whole' }] });
    // The current period is the calendar month of the payment date (R-PROD-4), whatever day the
    // previous installment fell due: interest accrues from its 1st to the payment date.
    const principalOfPeriod = new Decimal(quote.principal).plus(line(invoices[2]!, 'principal'));
    const accrued = roundOre(
      principalOfPeriod
        .times('0.12')
        .times(daysBetween(firstOfMonth(date), date))
        .div(365),
    );
    // Net of the month's interest already paid: negative, paid ahead, and taken off the total.
    const net = accrued.minus(line(invoices[2]!, 'interest'));
    expect(net.lessThan(0)).toBe(true);
    expect(quote.accruedInterest).toBe(formatAmount(net));
    expect(quote.total).toBe(formatAmount(new Decimal(quote.principal).plus(net)));

    await loan.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: quote.quoteId }] });
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: quote.total,
      paymentDate: date,
      bankReference: `early-paid-ahead-${t.loanId}`,
    });
    expect((await loan.result()).status).toBe('CLOSED');
    expect(await debtOf(t.loanId)).toBe('0.00');
    expect(formatAmount((await loanAccountBalances(db, t.loanId)).customer_credit)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-7: partial early repayment reduces the principal: fewer installments, the monthly payment unchanged', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t, { daysBeforeDue: 5 });
    // Invoice 2 paid and due, invoice 3 not yet issued: nothing invoiced is unpaid.
    await sleepUntil(addDays(installmentDueDate(t.payoutDate, 2), 3));
    const date = await today();
    const principalBefore = new Decimal((await loan.query(loanViewQuery)).principalOutstanding);

    const quote = await loan.executeUpdate(quoteEarlyRepaymentUpdate, {
      args: [{ kind: 'partial', amount: '20000.00' }],
    });
    expect(quote).toMatchObject({ kind: 'partial', total: '20000.00', principal: '20000.00', fee: '0.00' });
    expect(quote.remainingInstallments).toBeLessThan(22);
    const order = await loan.executeUpdate(confirmEarlyRepaymentUpdate, { args: [{ quoteId: quote.quoteId }] });
    expect(order.status).toBe('CONFIRMED');
    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: '20000.00',
      paymentDate: date,
      bankReference: `partial-${t.loanId}`,
    });
    // The ledger at once (the loan workflow's own view follows when it has looked at the payment).
    expect(formatAmount((await loanAccountBalances(db, t.loanId)).principal_outstanding)).toBe(
      formatAmount(principalBefore.minus(20000)),
    );

    expect((await loan.result()).status).toBe('CLOSED');
    const invoices = (await listInvoices(db, t.loanId)).filter((i) => i.kind === 'installment');
    expect(invoices).toHaveLength(2 + quote.remainingInstallments!);
    expect(invoices.at(-1)!.due_date).toBe(quote.lastDueDate);
    const monthly = initialPrincipal(t).monthlyPayment;
    for (const invoice of invoices.slice(0, -1))
      expect({
        n: invoice.number,
        payment: formatAmount(line(invoice, 'principal').plus(line(invoice, 'interest'))),
      }).toEqual({
        n: invoice.number,
        payment: formatAmount(monthly),
      });
    expect(invoices.every((i) => i.status === 'PAID')).toBe(true);
    expect(await debtOf(t.loanId)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-8: withdrawal on day 10, repaid in full → WITHDRAWN; the day after the withdrawal period it is refused', async () => {
    const t = await newLoanTerms(env, { termMonths: 24 });
    const loan = await start(t);
    const noticeDate = addDays(t.payoutDate, 10);
    await sleepUntil(noticeDate);

    const order = await loan.executeUpdate(withdrawUpdate, { args: [{}] });
    expect(order).toMatchObject({
      noticeDate,
      repayBy: withdrawalRepaymentDueDate(noticeDate),
      principal: t.amount,
      status: 'AWAITING_REPAYMENT',
    });
    expect(formatAmount(new Decimal(order.principal).plus(order.interest).minus(order.feesRefunded))).toBe(order.total);
    // Nothing else can be asked of a withdrawn loan.
    await refusal(loan.executeUpdate(requestPaymentFreeMonthUpdate, { args: [{}] }));

    await payToLoan(env, db, TASK_QUEUE, {
      loanId: t.loanId,
      amount: order.total,
      paymentDate: noticeDate,
      bankReference: `withdrawal-${t.loanId}`,
    });
    expect((await loan.result()).status).toBe('WITHDRAWN');
    expect((await findLoan(db, t.loanId))?.status).toBe('WITHDRAWN');
    // Repaid on the notice day: interest only to that day; what was paid beyond it is the customer's.
    expect(new Decimal(await debtOf(t.loanId)).greaterThan(0)).toBe(false);
    const stored = await db.selectFrom('withdrawals').selectAll().where('loan_id', '=', t.loanId).executeTakeFirst();
    expect(stored?.status).toBe('REPAID');
    await expectLedgerBalanced(db);

    // A second loan: one day after the last day of its withdrawal period, the right is gone.
    const late = await newLoanTerms(env, { termMonths: 24 });
    const lateLoan = await start(late);
    const lastDay = withdrawalPeriodLastDay(late.payoutDate);
    expect(compareDates(lastDay, addDays(late.payoutDate, 14))).toBeGreaterThanOrEqual(0);
    await sleepUntil(addDays(lastDay, 1));
    const refused = await refusal(lateLoan.executeUpdate(withdrawUpdate, { args: [{}] }));
    expect(refused.message).toContain(lastDay);
    expect((await lateLoan.query(loanViewQuery)).withdrawal).toBeNull();
    await lateLoan.terminate('test done');
    await expectLedgerBalanced(db);
  });
});
