/**
 * Applying a payment (R-LOAN-2) is idempotent even when two attempts race: a payment activity
 * retried while its first attempt still holds the loan's row lock must not allocate it again.
 */
import { randomUUID } from 'node:crypto';
import { createLoanActivities } from '../../activities/loan';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import type { Db } from '../../db/database';
import { findInvoice, registerPayment } from '../../db/loan-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly } from '../support/loan-steps';

describe('payment application (R-LOAN-2) under racing attempts', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  it('R-LOAN-2: two attempts to apply the same payment at once allocate it once; the next invoice stays open', async () => {
    const activities = createLoanActivities(db);
    const terms = await openLoanDirectly(activities, { payoutDate: stockholmDate(new Date()) });
    const { loanId } = terms;
    for (const number of [1, 2]) await issueInstallment(activities, terms, number);
    const invoice1 = (await findInvoice(db, loanId, 1))!;
    const invoice2 = (await findInvoice(db, loanId, 2))!;
    // Invoice 1 carries the setup fee: its amount would also settle invoice 2 if applied twice.
    expect(new Decimal(invoice1.total).greaterThan(invoice2.total)).toBe(true);

    const payment = await registerPayment(db, {
      id: randomUUID(),
      bankReference: `race-${loanId}`,
      ocrReference: invoice1.ocr_reference,
      amount: invoice1.total,
      paymentDate: addDays(invoice1.due_date, -3),
    });
    const outcomes = await Promise.all([
      applyPaymentToLoan(db, payment.id, { bureau: undefined }),
      applyPaymentToLoan(db, payment.id, { bureau: undefined }),
    ]);

    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[0].settledInvoices).toEqual([1]);
    expect((await findInvoice(db, loanId, 1))?.status).toBe('PAID');
    expect((await findInvoice(db, loanId, 2))?.status).toBe('OPEN');
    const postings = await db
      .selectFrom('ledger_postings')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('loan_id', '=', loanId)
      .where('type', '=', 'payment')
      .executeTakeFirstOrThrow();
    expect(Number(postings.n)).toBe(1);
    await expectLedgerBalanced(db);
  });
});
