/**
 * R-LOAN-7 partial (defect 6): a partial early repayment after the month's installment was invoiced
 * does not pay that month's interest on the principal it repaid for the days after it.
 */
import { randomUUID } from 'node:crypto';
import { createLoanActivities } from '../../activities/loan';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findInvoice } from '../../db/loan-repository';
import { Decimal, formatAmount, roundOre } from '../../domain/money';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly, registerLoanPayment } from '../support/loan-steps';

describe('partial early repayment (R-LOAN-7)', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  it('R-LOAN-7 (defect 6): repaid on 20 February, the 9 days to March of February’s interest on the repaid principal are credited', async () => {
    const activities = createLoanActivities(db);
    const terms = await openLoanDirectly(activities, { amount: '100000.00', termMonths: 36, payoutDate: '2027-01-04' });
    const { loanId } = terms;
    const due1 = await issueInstallment(activities, terms, 1);
    expect(due1).toBe('2027-02-26');
    const invoice1 = (await findInvoice(db, loanId, 1))!;
    const repaidOn = '2027-02-20';
    const quote = await activities.quoteEarlyRepayment({
      loanId,
      quoteId: randomUUID(),
      kind: 'partial',
      amount: new Decimal(invoice1.total).plus(20000).toFixed(2),
      paymentDate: repaidOn,
      nextInstallment: 2,
    });
    if ('refused' in quote) throw new Error(quote.refused);
    await activities.confirmEarlyRepayment({
      loanId,
      idempotencyKey: `${loanId}:early-repayment:${quote.quoteId}`,
      quote,
      date: '2027-02-18',
    });
    const before = (await loanAccountBalances(db, loanId)).principal_outstanding;
    const payment = await registerLoanPayment(db, {
      loanId,
      bankReference: `partial-${loanId}`,
      amount: quote.total,
      paymentDate: repaidOn,
      bookingDate: repaidOn,
    });
    const outcome = await applyPaymentToLoan(db, payment.id, { bureau: undefined });
    expect(outcome.settledInvoices).toEqual([1]);
    expect(outcome.excess).toBe('20000.00');

    // 20–28 February: 9 days of 9.95 % on 20 000, actual/365, given back by reducing principal.
    const credit = roundOre(new Decimal(20000).times('9.95').div(100).times(9).div(365));
    expect(credit.toFixed(2)).toBe('49.07');
    const after = (await loanAccountBalances(db, loanId)).principal_outstanding;
    expect(formatAmount(before.minus(after))).toBe(formatAmount(new Decimal(20000).plus(credit)));
    await expectLedgerBalanced(db);
  });
});
