/**
 * R-LOAN-2, R-LOAN-3 (defect 7): the figure the statement shows (the loan overview's
 * `overdueToday`, domain/overdue.ts `overdueToSettleOn`) and the allocation agree to the öre: a
 * borrower who pays it settles every overdue invoice, with no default-interest residual left open.
 */
import { randomUUID } from 'node:crypto';
import { createLoanActivities } from '../../activities/loan';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import type { Db } from '../../db/database';
import { openInvoiceItems } from '../../db/ledger-repository';
import { findInvoice, findLoan, listInvoices } from '../../db/loan-repository';
import { totalRemaining } from '../../domain/allocation';
import { addDays } from '../../domain/dates';
import { lateFeeChargeDate } from '../../domain/invoicing';
import { Decimal, formatAmount } from '../../domain/money';
import { overdueItems, overdueToSettleOn } from '../../domain/overdue';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { installmentDueDate } from '../../domain/schedule';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly, registerLoanPayment } from '../support/loan-steps';

describe('the statement and the allocation agree (R-LOAN-2, R-LOAN-3)', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  /** A loan whose invoice 1 was missed (late fee charged by the sweep) and invoice 2 just fell due unpaid. */
  async function lateLoan() {
    const activities = createLoanActivities(db);
    const terms = await openLoanDirectly(activities, {
      amount: '80000.00',
      termMonths: 36,
      nominalRatePercent: '11.35',
      noticeChannel: 'paper',
      payoutDate: '2027-01-04',
    });
    const { loanId } = terms;
    for (const number of [1, 2]) await issueInstallment(activities, terms, number);
    await activities.chargeLateFee({
      loanId,
      invoiceNumber: 1,
      date: lateFeeChargeDate(installmentDueDate(terms.payoutDate, 1)),
    });
    return { loanId, payDate: addDays(installmentDueDate(terms.payoutDate, 2), 1) };
  }

  async function statementOn(loanId: string, date: string) {
    const loan = (await findLoan(db, loanId))!;
    return overdueToSettleOn({
      openItems: await openInvoiceItems(db, loanId),
      nominalRatePercent: new Decimal(loan.nominal_rate_percent),
      accruedUntil: loan.default_interest_accrued_until,
      date,
      lateFeesToCome: (await listInvoices(db, loanId)).filter(
        (i) => i.status === 'OPEN' && !i.late_fee_charged_on && i.due_date < date,
      ).length,
      lateFee: new Decimal(DEFAULT_PRODUCT.fees.late),
    });
  }

  async function pay(loanId: string, amount: string, date: string) {
    const payment = await registerLoanPayment(db, {
      loanId,
      bankReference: `statement-${randomUUID()}`,
      amount,
      paymentDate: date,
      bookingDate: date,
    });
    return applyPaymentToLoan(db, payment.id, { bureau: undefined });
  }

  it('R-LOAN-3 (defect 7): the ledger’s open amount alone leaves a default-interest residual open', async () => {
    const { loanId, payDate } = await lateLoan();
    const ledgerOnly = totalRemaining(overdueItems(await openInvoiceItems(db, loanId), payDate));
    const outcome = await pay(loanId, formatAmount(ledgerOnly), payDate);
    expect(outcome.settledInvoices).not.toEqual([1, 2]);
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-2, R-LOAN-3 (defect 7): paying the statement’s figure settles every overdue invoice to the öre', async () => {
    const { loanId, payDate } = await lateLoan();
    const statement = await statementOn(loanId, payDate);
    expect(statement.defaultInterestToDate.greaterThan(0)).toBe(true);
    const outcome = await pay(loanId, formatAmount(statement.overdue), payDate);
    expect(outcome).toMatchObject({ settledInvoices: [1, 2], excess: '0.00' });
    expect((await findInvoice(db, loanId, 2))?.status).toBe('PAID');
    expect((await openInvoiceItems(db, loanId)).length).toBe(0);
    await expectLedgerBalanced(db);
  });
});
