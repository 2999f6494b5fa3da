/**
 * R-PAY-1 on the time-skipping server: a bank file registered days after the customer paid. The
 * payment is judged at its value date: the late fee and reminder it would have prevented are reversed,
 * a termination notice it cures is cured until the loan is handed over, and after the handover it
 * pays the collection case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../../db/database';
import { loanAccountBalances, openInvoiceItems } from '../../db/ledger-repository';
import { findInvoice, findLoan, listInvoices } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import { addDays, compareDates, type IsoDate } from '../../domain/dates';
import { laggedReminderDate, settledAfter } from '../../domain/invoicing';
import { customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { defaultInterestToAccrue, overdueItems } from '../../domain/overdue';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { installmentDueDate } from '../../domain/schedule';
import { firstDayMoreThanOneMonthLate } from '../../domain/termination';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanViewQuery } from '../../workflows/loan-messages';
import { expectLedgerBalanced } from '../support/ledger';
import { newLoanTerms, payToLoan, startLoanWithBorrower } from '../support/loans';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

describe('late bank files (R-PAY-1) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  async function start(worker: Worker, terms: LoanTerms, borrower: Parameters<typeof startLoanWithBorrower>[3]) {
    return (await startLoanWithBorrower(env, worker.options.taskQueue, terms, borrower)).loan;
  }

  /** Lets simulated time pass until `hourUtc` o'clock UTC of `date`. */
  async function sleepUntil(date: IsoDate, hourUtc = 11): Promise<void> {
    const target = Date.parse(`${date}T${String(hourUtc).padStart(2, '0')}:00:00Z`);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** What a payment on `valueDate` of everything due before it had to be (as the statement showed then). */
  async function overdueAsOf(terms: LoanTerms, valueDate: IsoDate): Promise<string> {
    const openItems = await openInvoiceItems(db, terms.loanId);
    const loanRow = (await findLoan(db, terms.loanId))!;
    const accrual = defaultInterestToAccrue({
      openItems,
      nominalRatePercent: new Decimal(loanRow.nominal_rate_percent),
      accruedUntil: loanRow.default_interest_accrued_until,
      until: valueDate,
    });
    const feesToCome = (await listInvoices(db, terms.loanId)).filter(
      (i) => i.status === 'OPEN' && i.late_fee_charged_on === null && compareDates(i.due_date, valueDate) < 0,
    ).length;
    return formatAmount(
      totalRemaining(overdueItems(openItems, valueDate))
        .plus(accrual?.posted ?? 0)
        .plus(new Decimal(DEFAULT_PRODUCT.fees.late).times(feesToCome)),
    );
  }

  const netOnInvoice = async (loanId: string, invoiceNumber: number, kind: string) =>
    (
      await db
        .selectFrom('ledger_entries as e')
        .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
        .select((eb) => eb.fn.sum<string>('e.amount').as('amount'))
        .where('e.loan_id', '=', loanId)
        .where('e.invoice_number', '=', invoiceNumber)
        .where('e.line_kind', '=', kind)
        .where('p.type', 'in', [kind, 'reversal'])
        .executeTakeFirst()
    )?.amount ?? '0.00';

  it('R-PAY-1: an invoice paid on its due date, in a file registered after the late fee and the reminder, is on time', async () => {
    const terms = await newLoanTerms(env, { termMonths: 4 });
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const result = await worker.runUntil(async () => {
      const loan = await start(worker, terms, { daysBeforeDue: 3, missInvoices: [2] });
      const due2 = installmentDueDate(terms.payoutDate, 2);
      const reminded = laggedReminderDate(due2);
      await sleepUntil(addDays(reminded, 1));
      const late = await findInvoice(db, terms.loanId, 2);
      expect(late).toMatchObject({ status: 'OPEN', late_fee_charged_on: reminded, reminder_sent_on: reminded });

      // The customer paid invoice 2 on its due date; the bank's file comes days after the reminder.
      await payToLoan(env, db, `q-${terms.loanId}`, {
        loanId: terms.loanId,
        bankReference: `late-file:${terms.loanId}`,
        amount: late!.total,
        paymentDate: due2,
      });
      const paid = await findInvoice(db, terms.loanId, 2);
      expect(paid).toMatchObject({ status: 'PAID', paid_date: due2 });
      return loan.result();
    });
    expect(result.status).toBe('CLOSED');
    // The fees and the default interest were charged, then reversed: nothing of them is owed or earned.
    expect(await netOnInvoice(terms.loanId, 2, 'late-fee')).toBe('0.00');
    expect(await netOnInvoice(terms.loanId, 2, 'reminder-fee')).toBe('0.00');
    const balances = await loanAccountBalances(db, terms.loanId);
    expect(customerDebt(balances).toFixed(2)).toBe('0.00');
    expect(balances.customer_credit.toFixed(2)).toBe('0.00');
    expect(balances.default_interest_receivable.toFixed(2)).toBe('0.00');
    await expectLedgerBalanced(db);
  });

  it('R-PAY-1, R-LOAN-4: a payment made on the notice’s last day, registered after it ended, cures it before the handover', async () => {
    const terms = await newLoanTerms(env);
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const result = await worker.runUntil(async () => {
      const loan = await start(worker, terms, { daysBeforeDue: 5, stopFromInvoice: 2 });
      await sleepUntil(firstDayMoreThanOneMonthLate(installmentDueDate(terms.payoutDate, 3)));
      const notice = await db
        .selectFrom('termination_notices')
        .selectAll()
        .where('loan_id', '=', terms.loanId)
        .executeTakeFirstOrThrow();
      // Two days after the notice ended, before the handover (the settlement lag): the file with a
      // payment made on the notice's last day arrives.
      const handover = settledAfter(notice.ends_on);
      const registeredOn = addDays(notice.ends_on, 2);
      expect(compareDates(registeredOn, handover)).toBeLessThan(0);
      await sleepUntil(registeredOn, 2);
      const amount = await overdueAsOf(terms, notice.ends_on);
      await payToLoan(env, db, `q-${terms.loanId}`, {
        loanId: terms.loanId,
        bankReference: `late-file:${terms.loanId}`,
        amount,
        paymentDate: notice.ends_on,
      });
      await sleepUntil(addDays(handover, 1));
      const view = await loan.query(loanViewQuery);
      expect(view.curesUsed).toBe(1);
      expect(view.termination).toBeNull();
      expect(view.status).toBe('ACTIVE');
      // The borrower still pays nothing: the second notice cannot be cured (R-LOAN-4).
      return loan.result();
    });
    expect(result.status).toBe('IN_COLLECTION');
    const notices = await db
      .selectFrom('termination_notices')
      .select('status')
      .where('loan_id', '=', terms.loanId)
      .orderBy('sequence')
      .execute();
    expect(notices.map((n) => n.status)).toEqual(['CURED', 'EXPIRED']);
    await expectLedgerBalanced(db);
  });

  it('R-PAY-1, R-COLL-9: after the handover a late file with a payment made within the notice pays the collection case', async () => {
    const terms = await newLoanTerms(env);
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const notice = await worker.runUntil(async () => {
      const loan = await start(worker, terms, { daysBeforeDue: 5, stopFromInvoice: 2 });
      await sleepUntil(firstDayMoreThanOneMonthLate(installmentDueDate(terms.payoutDate, 3)));
      const sent = await db
        .selectFrom('termination_notices')
        .selectAll()
        .where('loan_id', '=', terms.loanId)
        .executeTakeFirstOrThrow();
      await sleepUntil(addDays(settledAfter(sent.ends_on), 1));
      expect((await loan.query(loanViewQuery)).status).toBe('IN_COLLECTION');
      return sent;
    });
    const collection = await db
      .selectFrom('collection_cases')
      .selectAll()
      .where('loan_id', '=', terms.loanId)
      .executeTakeFirstOrThrow();
    const worker2 = await createTestWorker({ connection: env.nativeConnection, taskQueue: `q-${terms.loanId}`, db });
    const paymentId = await worker2.runUntil(() =>
      payToLoan(env, db, `q-${terms.loanId}`, {
        loanId: terms.loanId,
        bankReference: `late-file:${terms.loanId}`,
        amount: '1000.00',
        paymentDate: notice.ends_on,
      }),
    );
    const payment = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
    expect(payment.allocation).toMatchObject({ caseId: collection.id });
    // The notice stays expired: the loan was handed over before the file came (R-PAY-1).
    const notices = await db
      .selectFrom('termination_notices')
      .select('status')
      .where('loan_id', '=', terms.loanId)
      .execute();
    expect(notices.map((n) => n.status)).toEqual(['EXPIRED']);
    expect((await findLoan(db, terms.loanId))?.status).toBe('IN_COLLECTION');
    await expectLedgerBalanced(db);
  });
});
