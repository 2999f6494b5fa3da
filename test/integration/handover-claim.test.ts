/**
 * The claim a terminated loan hands to collection (R-LOAN-3, R-LOAN-4, seed 002 §9): every installment
 * that fell due before the handover carries its late fee, and interest runs to the day the whole
 * debt fell due — an installment invoiced but not yet due then has its month's interest credited.
 */
import { createLoanActivities } from '../../activities/loan';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findInvoice, listInvoices } from '../../db/loan-repository';
import { insertTerminationNotice } from '../../db/termination-notice-repository';
import { addDays, daysBetween } from '../../domain/dates';
import { settledAfter } from '../../domain/invoicing';
import { Decimal, formatAmount, roundOre, sumAmounts } from '../../domain/money';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly } from '../support/loan-steps';

describe('the claim handed to collection (R-LOAN-3, R-LOAN-4)', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  it('R-LOAN-3 (defect 2), R-LOAN-4 (defect 3): late fee on the last installment due; interest to the day the debt fell due', async () => {
    const activities = createLoanActivities(db);
    const terms = await openLoanDirectly(activities, { payoutDate: '2027-01-04' });
    const { loanId } = terms;
    for (const number of [1, 2, 3]) await issueInstallment(activities, terms, number);
    // Invoice 1's fee was charged by the sweep; invoice 2 fell due 2027-03-31 and no fee yet.
    await activities.chargeLateFee({ loanId, invoiceNumber: 1, date: '2027-03-03' });
    const endsOn = '2027-04-19';
    await insertTerminationNotice(db, {
      loan_id: loanId,
      sequence: 1,
      sent_on: '2027-03-22',
      ends_on: endsOn,
      grounds: JSON.stringify(['b']),
      overdue_amount: '1.00',
      status: 'OPEN',
      resolved_on: null,
    });
    const debtDueOn = addDays(endsOn, 1);
    const handover = settledAfter(endsOn);
    expect(handover).toBe('2027-04-22');
    const invoice3 = (await findInvoice(db, loanId, 3))!;
    expect(invoice3.due_date).toBe('2027-04-30'); // invoiced on the 15th, not yet due
    const before = await loanAccountBalances(db, loanId);

    await activities.handOverToCollection({
      loanId,
      idempotencyKey: `${loanId}:collection`,
      sequence: 1,
      date: handover,
    });

    // Defect 2: the last installment that fell due before collection got its late fee.
    expect((await findInvoice(db, loanId, 2))?.late_fee_charged_on).toBe(handover);
    const caseRow = await db
      .selectFrom('collection_cases')
      .selectAll()
      .where('loan_id', '=', loanId)
      .executeTakeFirstOrThrow();
    expect(caseRow.fees).toBe(
      formatAmount(
        sumAmounts(
          (await listInvoices(db, loanId))
            .filter((i) => i.kind === 'installment')
            .flatMap((i) => (i.lines as { kind: string; amount: string }[]).filter((l) => l.kind.endsWith('fee')))
            .map((l) => new Decimal(l.amount)),
        ).plus(new Decimal(DEFAULT_PRODUCT.fees.late).times(2)),
      ),
    );
    // Defect 3: invoice 3's April interest is credited; April's interest runs from 1 April to the
    // day the debt fell due (actual/365) on the principal not yet repaid.
    const lines3 = invoice3.lines as { kind: string; amount: string }[];
    const interest = (kind: string, lines: { kind: string; amount: string }[]) =>
      sumAmounts(lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));
    const base = before.principal_outstanding.plus(interest('principal', lines3));
    const april = roundOre(base.times('9.95').div(100).times(daysBetween('2027-04-01', debtDueOn)).div(365));
    expect(caseRow.interest).toBe(
      formatAmount(before.interest_receivable.minus(interest('interest', lines3)).plus(april)),
    );
    expect(caseRow.principal).toBe(formatAmount(before.principal_outstanding.plus(before.principal_invoiced)));
    await expectLedgerBalanced(db);
  });
});
