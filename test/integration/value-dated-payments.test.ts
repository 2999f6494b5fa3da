/**
 * R-PAY-1: a payment is judged at its value date, however late its bank file is registered. The
 * loan's steps run here as the loan workflow runs them (issue, late fee, reminder), then a payment
 * dated on or before the due date arrives: what it would have prevented is reversed by reversal
 * postings, never by editing the ledger.
 */
import { randomUUID } from 'node:crypto';
import { createLoanActivities } from '../../activities/loan';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import type { Db } from '../../db/database';
import { loanAccountBalances, openInvoiceItems } from '../../db/ledger-repository';
import { findInvoice } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import { addDays } from '../../domain/dates';
import { invoiceIssueDate, lateFeeChargeDate, lateFeeDate } from '../../domain/invoicing';
import { customerDebt } from '../../domain/ledger';
import { Decimal } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { installmentDueDate, noticeFee } from '../../domain/schedule';
import { defaultInterestOnAmount, postedDefaultInterest } from '../../domain/default-interest';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly, registerLoanPayment, remindOfInstallment } from '../support/loan-steps';

describe('value-dated payments (R-PAY-1)', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  /** A loan paid out 2027-01-04 with invoices 1 and 2 issued; invoice 1 missed, fee and reminder charged. */
  async function lateLoan() {
    const activities = createLoanActivities(db);
    const { loanId, payoutDate } = await openLoanDirectly(activities, { payoutDate: '2027-01-04' });
    const due1 = await issueInstallment(activities, { loanId, payoutDate }, 1);
    const invoice1Total = (await findInvoice(db, loanId, 1))!.total;
    await activities.chargeLateFee({ loanId, invoiceNumber: 1, date: lateFeeDate(due1) });
    await remindOfInstallment(activities, loanId, 1, due1);
    const due2 = await issueInstallment(activities, { loanId, payoutDate }, 2);
    return { loanId, due1, due2, invoice1Total, issued2: invoiceIssueDate(due2) };
  }

  async function pay(loanId: string, amount: string, valueDate: string, bookingDate: string) {
    const payment = await registerLoanPayment(db, {
      loanId,
      bankReference: `late-file-${randomUUID()}`,
      amount,
      paymentDate: valueDate,
      bookingDate,
    });
    expect(payment.booking_date).toBe(bookingDate);
    return applyPaymentToLoan(db, payment.id, { bureau: undefined });
  }

  async function charged(loanId: string, invoiceNumber: number, kind: string) {
    const row = await db
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.sum<string>('amount').as('amount'))
      .where('loan_id', '=', loanId)
      .where('invoice_number', '=', invoiceNumber)
      .where('line_kind', '=', kind)
      .where('amount', '>', '0')
      .executeTakeFirst();
    return row?.amount ?? null;
  }

  it('R-PAY-1: a payment dated on the due date, registered weeks later, has its late fee, reminder fee and default interest reversed', async () => {
    const { loanId, due1, invoice1Total, issued2 } = await lateLoan();
    // Default interest was posted on invoice 1 when the fees were charged (up to the reminder).
    expect(Number(await charged(loanId, 1, 'default-interest'))).toBeGreaterThan(0);

    // The bank file with the payment of exactly the invoice, value date the due date, is registered
    // on the day invoice 2 is issued.
    const outcome = await pay(loanId, invoice1Total, due1, issued2);

    expect(outcome.settledInvoices).toEqual([1]);
    expect(outcome.excess).toBe('0.00');
    expect(outcome.wakeLoan).toBe(true);
    const invoice1 = await findInvoice(db, loanId, 1);
    expect(invoice1).toMatchObject({ status: 'PAID', paid_date: due1 });
    // The charges stay in the ledger; reversal postings take them back.
    expect(await charged(loanId, 1, 'late-fee')).toBe(DEFAULT_PRODUCT.fees.late);
    const reversals = await db
      .selectFrom('ledger_postings')
      .select(['idempotency_key', 'business_date'])
      .where('loan_id', '=', loanId)
      .where('type', '=', 'reversal')
      .orderBy('idempotency_key')
      .execute();
    expect(reversals.map((r) => r.idempotency_key)).toEqual(
      expect.arrayContaining([`${loanId}:reversal:late-fee:1`, `${loanId}:reversal:reminder-fee:1`]),
    );
    expect(reversals.every((r) => r.business_date === issued2)).toBe(true);
    // Nothing of invoice 1 remains: no fee, no default interest, no principal.
    expect((await openInvoiceItems(db, loanId)).map((i) => i.id)).toEqual(['2']);
    // Only invoice 2 is owed on top of the principal not yet invoiced: the debt is as if paid on time.
    const balances = await loanAccountBalances(db, loanId);
    expect(balances.default_interest_receivable.toFixed(2)).toBe('0.00');
    expect(balances.fees_receivable.toFixed(2)).toBe(
      totalRemaining(
        (await openInvoiceItems(db, loanId)).map((i) => ({
          ...i,
          lines: i.lines.filter((l) => l.kind.endsWith('fee')),
        })),
      ).toFixed(2),
    );
    expect(balances.customer_credit.toFixed(2)).toBe('0.00');
    expect(customerDebt(balances).greaterThan(0)).toBe(true);
    await expectLedgerBalanced(db);
  });

  it('R-PAY-1: a repeat of the application reverses nothing twice', async () => {
    const { loanId, due1, invoice1Total, issued2 } = await lateLoan();
    const first = await pay(loanId, invoice1Total, addDays(due1, -2), issued2);
    const payment = await db
      .selectFrom('payments')
      .select('id')
      .where('loan_id', '=', loanId)
      .executeTakeFirstOrThrow();
    expect(await applyPaymentToLoan(db, payment.id, { bureau: undefined })).toEqual(first);
    const count = await db
      .selectFrom('ledger_postings')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('loan_id', '=', loanId)
      .where('type', '=', 'reversal')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3); // late fee, reminder fee, default interest
    await expectLedgerBalanced(db);
  });

  it('R-PAY-1, R-LOAN-3: a payment the day after the due date keeps the late fee; reminder and later default interest reversed', async () => {
    const { loanId, due1, invoice1Total, issued2 } = await lateLoan();
    // Paid the day after the due date (before the fee and the reminder), registered weeks later.
    const valueDate = addDays(due1, 1);
    const outcome = await pay(loanId, invoice1Total, valueDate, issued2);
    const kinds = (
      await db
        .selectFrom('ledger_postings')
        .select('idempotency_key')
        .where('loan_id', '=', loanId)
        .where('type', '=', 'reversal')
        .execute()
    ).map((r) => r.idempotency_key.split(':')[2]);
    // Late (R-LOAN-3): the late fee stands; no reminder goes to an invoice paid before it.
    expect(kinds.sort()).toEqual(['default-interest', 'reminder-fee']);
    // The late fee and the one day of default interest come first (R-LOAN-2): that much of the
    // installment is still open on invoice 1.
    expect(outcome.settledInvoices).toEqual([]);
    const item1 = (await openInvoiceItems(db, loanId)).find((i) => i.id === '1')!;
    const oneDay = defaultInterestOnAmount({
      overdueAmount: new Decimal(invoice1Total).minus(DEFAULT_PRODUCT.fees.setup).minus(noticeFee('autogiro')),
      nominalRatePercent: new Decimal('9.95'),
      dueDate: due1,
      until: valueDate,
    }).interest;
    expect(totalRemaining([item1]).toFixed(2)).toBe(
      new Decimal(DEFAULT_PRODUCT.fees.late).plus(postedDefaultInterest(oneDay)).toFixed(2),
    );
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-3 (defect 1): an invoice due 2027-12-30 paid 2027-12-31 is late: one day of default interest and the late fee', async () => {
    const activities = createLoanActivities(db);
    const { loanId, payoutDate } = await openLoanDirectly(activities, { payoutDate: '2027-11-04' });
    const due1 = installmentDueDate(payoutDate, 1);
    expect(due1).toBe('2027-12-30');
    await issueInstallment(activities, { loanId, payoutDate }, 1);
    const invoice1 = (await findInvoice(db, loanId, 1))!;
    const outcome = await pay(loanId, invoice1.total, '2027-12-31', '2028-01-03');

    expect(await charged(loanId, 1, 'late-fee')).toBe(DEFAULT_PRODUCT.fees.late);
    const oneDay = postedDefaultInterest(
      defaultInterestOnAmount({
        overdueAmount: new Decimal(invoice1.total).minus(DEFAULT_PRODUCT.fees.setup).minus(noticeFee('autogiro')),
        nominalRatePercent: new Decimal('9.95'),
        dueDate: due1,
        until: '2027-12-31',
      }).interest,
    );
    expect(await charged(loanId, 1, 'default-interest')).toBe(oneDay.toFixed(2));
    expect((await findInvoice(db, loanId, 1))?.late_fee_charged_on).toBe('2027-12-31');
    // The fee and the day's interest were paid first (R-LOAN-2): the invoice is still open for them,
    // so the reminder at the start of January goes to it, as to any late invoice still unpaid.
    expect(outcome.settledInvoices).toEqual([]);
    expect(outcome.wakeLoan).toBe(true);
    expect(totalRemaining(await openInvoiceItems(db, loanId)).toFixed(2)).toBe(
      new Decimal(DEFAULT_PRODUCT.fees.late).plus(oneDay).toFixed(2),
    );
    // The sweep finds nothing left to charge: the fee is charged once.
    await activities.chargeLateFee({ loanId, invoiceNumber: 1, date: lateFeeChargeDate(due1) });
    expect(await charged(loanId, 1, 'late-fee')).toBe(DEFAULT_PRODUCT.fees.late);
    await expectLedgerBalanced(db);
  });
});
