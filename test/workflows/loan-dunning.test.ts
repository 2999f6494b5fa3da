import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../../db/database';
import { loanAccountBalances, openInvoiceItems } from '../../db/ledger-repository';
import { findInvoice, findLoan, listInvoices } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import { addDays, compareDates, daysBetween, type IsoDate, stockholmDate } from '../../domain/dates';
import { customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { defaultInterestToAccrue, overdueItems } from '../../domain/overdue';
import { laggedReminderDate } from '../../domain/invoicing';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { installmentDueDate } from '../../domain/schedule';
import { firstDayMoreThanOneMonthLate } from '../../domain/termination';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanViewQuery } from '../../workflows/loan-messages';
import { DaysPastDue } from '../../workflows/search-attributes';
import { newLoanTerms, payToLoan, startLoanWithBorrower } from '../support/loans';
import { expectLedgerBalanced } from '../support/ledger';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

describe('late payment, termination and collection (R-LOAN-3, R-LOAN-4) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  const newLoan = (overrides: Partial<LoanTerms> = {}) => newLoanTerms(env, overrides);

  async function start(worker: Worker, terms: LoanTerms, borrower: Parameters<typeof startLoanWithBorrower>[3]) {
    return (await startLoanWithBorrower(env, worker.options.taskQueue, terms, borrower)).loan;
  }

  /** Lets simulated time pass until noon (Stockholm) of `date`. */
  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /**
   * The borrower pays, in one payment dated `date`, everything that fell due before `date`: what the
   * statement shows plus the default interest since its last accrual, which the payment posts before
   * it is allocated (R-LOAN-3). One payment, because the loan decides on the first payment that wakes
   * it (R-LOAN-4 cure, or the handover due that day): a top-up would race that decision.
   */
  async function payOverdue(terms: LoanTerms, date: IsoDate): Promise<void> {
    const openItems = await openInvoiceItems(db, terms.loanId);
    const overdue = overdueItems(openItems, date);
    const loanRow = (await findLoan(db, terms.loanId))!;
    const accrual = defaultInterestToAccrue({
      openItems,
      nominalRatePercent: new Decimal(loanRow.nominal_rate_percent),
      accruedUntil: loanRow.default_interest_accrued_until,
      until: date,
    });
    // R-LOAN-3: an overdue invoice the sweep has not charged yet gets its late fee with the payment.
    const feesToCome = (await listInvoices(db, terms.loanId)).filter(
      (i) => i.status === 'OPEN' && i.late_fee_charged_on === null && compareDates(i.due_date, date) < 0,
    ).length;
    const paymentId = await payToLoan(env, db, `q-${terms.loanId}`, {
      loanId: terms.loanId,
      bankReference: `test:${terms.loanId}:${date}`,
      amount: formatAmount(
        totalRemaining(overdue)
          .plus(accrual?.posted ?? 0)
          .plus(new Decimal(DEFAULT_PRODUCT.fees.late).times(feesToCome)),
      ),
      paymentDate: date,
    });
    // The payment settled every overdue invoice exactly (the loan may have acted on it since).
    const applied = await db
      .selectFrom('payments')
      .select('allocation')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    expect(applied.allocation).toMatchObject({
      excess: '0.00',
      settledInvoices: overdue.map((i) => Number(i.id)),
    });
  }

  it('R-LOAN-3: a missed invoice gets a late fee, a reminder and default interest, and is recovered after the reminder', async () => {
    // The borrower misses invoice 2 and pays everything overdue two days after the reminder, before
    // invoice 3 falls due; R-LOAN-2 then settles invoice 2 first.
    const terms = await newLoan();
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    await worker.runUntil(async () => {
      const loan = await start(worker, terms, { daysBeforeDue: 3, missInvoices: [2] });
      const due2 = installmentDueDate(terms.payoutDate, 2);
      // R-PAY-1: the reminder goes with the late fee, after the settlement lag.
      const afterReminder = laggedReminderDate(due2);
      await sleepUntil(afterReminder);
      await sleepUntil(addDays(afterReminder, 2));

      const invoice2 = await findInvoice(db, terms.loanId, 2);
      expect(invoice2?.status).toBe('OPEN');
      expect(invoice2?.late_fee_charged_on).not.toBeNull();
      expect(invoice2?.reminder_sent_on).toBe(afterReminder);
      expect(compareDates(invoice2!.reminder_due_date!, afterReminder)).toBeGreaterThan(0);
      // Operators see how late the loan is in the Temporal UI.
      const described = await loan.describe();
      expect(described.typedSearchAttributes.get(DaysPastDue)).toBe(daysBetween(due2, afterReminder));

      const payDate = stockholmDate(new Date(await env.currentTimeMs()));
      await payOverdue(terms, payDate);
      expect((await loan.result()).status).toBe('CLOSED');
    });

    const invoice2 = await findInvoice(db, terms.loanId, 2);
    expect(invoice2?.status).toBe('PAID');
    const charges = await db
      .selectFrom('ledger_entries')
      .select(['line_kind', (eb) => eb.fn.sum<string>('amount').as('amount')])
      .where('loan_id', '=', terms.loanId)
      .where('invoice_number', '=', 2)
      .where('line_kind', 'in', ['late-fee', 'reminder-fee', 'default-interest'])
      .where('amount', '>', '0')
      .groupBy('line_kind')
      .execute();
    const charged = Object.fromEntries(charges.map((c) => [c.line_kind, c.amount]));
    expect(charged['late-fee']).toBe(DEFAULT_PRODUCT.fees.late);
    expect(charged['reminder-fee']).toBe(DEFAULT_PRODUCT.fees.reminder);
    expect(Number(charged['default-interest'])).toBeGreaterThan(0);
    // Only invoice 2 was late: no other invoice got a fee.
    const late = (await listInvoices(db, terms.loanId)).filter((i) => i.late_fee_charged_on);
    expect(late.map((i) => i.number)).toEqual([2]);
    expect(customerDebt(await loanAccountBalances(db, terms.loanId)).toFixed(2)).toBe('0.00');
    expect(
      await db.selectFrom('termination_notices').selectAll().where('loan_id', '=', terms.loanId).execute(),
    ).toEqual([]);
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-4: a termination is cured once; the second cannot be cured and the loan goes to collection', async () => {
    const terms = await newLoan();
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const result = await worker.runUntil(async () => {
      // The borrower stops paying after invoice 1. Ground (b) holds once invoice 3 is more than a
      // month late: invoices 2 and 3 unpaid, above 5 % of the claim, at two due dates.
      const loan = await start(worker, terms, { daysBeforeDue: 5, stopFromInvoice: 2 });
      const due3 = installmentDueDate(terms.payoutDate, 3);
      await sleepUntil(firstDayMoreThanOneMonthLate(due3));
      const first = await db
        .selectFrom('termination_notices')
        .selectAll()
        .where('loan_id', '=', terms.loanId)
        .execute();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ sequence: 1, status: 'OPEN', sent_on: firstDayMoreThanOneMonthLate(due3) });
      expect(first[0]!.grounds).toContain('b');
      expect((await findLoan(db, terms.loanId))?.status).toBe('TERMINATION_NOTICE');

      // Paying everything overdue plus default interest within the four weeks cures it (once).
      const cureDate = stockholmDate(new Date(await env.currentTimeMs()));
      await payOverdue(terms, cureDate);
      await sleepUntil(addDays(cureDate, 1));
      const view = await loan.query(loanViewQuery);
      expect(view.curesUsed).toBe(1);
      expect(view.termination).toBeNull();

      return loan.result();
    });

    expect(result.status).toBe('IN_COLLECTION');
    const notices = await db
      .selectFrom('termination_notices')
      .selectAll()
      .where('loan_id', '=', terms.loanId)
      .orderBy('sequence')
      .execute();
    expect(notices.map((n) => n.status)).toEqual(['CURED', 'EXPIRED']);
    const collection = await db
      .selectFrom('collection_cases')
      .selectAll()
      .where('loan_id', '=', terms.loanId)
      .executeTakeFirstOrThrow();
    const balances = await loanAccountBalances(db, terms.loanId);
    expect(collection).toMatchObject({
      collection_fee: DEFAULT_PRODUCT.fees.collection,
      principal: formatAmount(balances.principal_outstanding.plus(balances.principal_invoiced)),
      default_interest: formatAmount(balances.default_interest_receivable),
      total: formatAmount(customerDebt(balances)),
      status: 'OPEN',
    });
    expect(Number(collection.default_interest)).toBeGreaterThan(0);
    expect((await findLoan(db, terms.loanId))?.status).toBe('IN_COLLECTION');
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-4: a payment dated after the notice period does not cure, even when it arrives before the handover', async () => {
    const terms = await newLoan();
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const result = await worker.runUntil(async () => {
      const loan = await start(worker, terms, { daysBeforeDue: 5, stopFromInvoice: 2 });
      await sleepUntil(firstDayMoreThanOneMonthLate(installmentDueDate(terms.payoutDate, 3)));
      const notice = await db
        .selectFrom('termination_notices')
        .selectAll()
        .where('loan_id', '=', terms.loanId)
        .executeTakeFirstOrThrow();
      // The day after the notice ended, before the loan's 05:00 UTC handover timer: everything overdue
      // is paid in one payment, so only its date keeps it from curing. (The loan, woken by it, hands
      // over at once: the handover is due that day.)
      const dayAfter = addDays(notice.ends_on, 1);
      const beforeHandover = Date.parse(`${dayAfter}T02:00:00Z`) - (await env.currentTimeMs());
      await env.sleep(beforeHandover);
      await payOverdue(terms, dayAfter);
      return loan.result();
    });
    expect(result.status).toBe('IN_COLLECTION');
    const notices = await db
      .selectFrom('termination_notices')
      .select('status')
      .where('loan_id', '=', terms.loanId)
      .execute();
    expect(notices.map((n) => n.status)).toEqual(['EXPIRED']);
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-3: a payment on the due date itself is on time', async () => {
    const terms = await newLoan({ termMonths: 24, noticeChannel: 'paper' });
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const result = await worker.runUntil(async () => (await start(worker, terms, { daysBeforeDue: 0 })).result());
    expect(result.status).toBe('CLOSED');
    const invoices = await listInvoices(db, terms.loanId);
    expect(invoices).toHaveLength(24);
    expect(invoices.every((i) => i.paid_date === i.due_date && i.late_fee_charged_on === null)).toBe(true);
    expect(customerDebt(await loanAccountBalances(db, terms.loanId)).toFixed(2)).toBe('0.00');
    await expectLedgerBalanced(db);
  });
});
