/**
 * R-LOAN-5 (defect 5): a rate change effective within an installment's interest month (a calendar
 * month, R-PROD-4) does not reach back: the days before the effective date bear the old rate.
 */
import { randomUUID } from 'node:crypto';
import { createLoanActivities } from '../../activities/loan';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findInvoice } from '../../db/loan-repository';
import { monthlyRate } from '../../domain/annuity';
import { invoiceIssueDate } from '../../domain/invoicing';
import { Decimal, formatAmount, roundOre } from '../../domain/money';
import { recomputeAnnuityForRateChange } from '../../domain/rate-change';
import { buildSchedule, installmentDueDate, installmentSplit } from '../../domain/schedule';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';

describe('a rate change within an interest month (R-LOAN-5)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('R-LOAN-5 (defect 5): effective 10 March, March’s interest is 9 days at the old rate and the rest at the new', async () => {
    const activities = createLoanActivities(db);
    const loanId = randomUUID();
    const terms = {
      loanId,
      contractNumber: String(500_000_000 + Math.floor(Math.random() * 499_999_999)),
      customerId: `customer-${loanId}`,
      amount: '100000.00',
      termMonths: 36,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro' as const,
      payoutDate: '2027-01-04',
    };
    const schedule = buildSchedule({
      ...terms,
      amount: new Decimal(terms.amount),
      nominalRatePercent: new Decimal('9.95'),
    });
    await activities.openLoan({
      ...terms,
      capitalisedInterest: formatAmount(schedule.capitalisedInterest),
      monthlyPayment: formatAmount(schedule.monthlyPayment),
    });
    const issue = async (number: number) => {
      const dueDate = installmentDueDate(terms.payoutDate, number);
      await activities.issueInvoice({
        loanId,
        idempotencyKey: `${loanId}:invoice:${number}`,
        number,
        issueDate: invoiceIssueDate(dueDate),
        dueDate,
        isLast: false,
      });
      return dueDate;
    };
    await issue(1);
    const principal = (await loanAccountBalances(db, loanId)).principal_outstanding;
    const annuity = recomputeAnnuityForRateChange({
      outstandingPrincipal: principal,
      remainingInstallments: 35,
      newNominalRatePercent: new Decimal('12'),
    });
    await db
      .insertInto('rate_changes')
      .values({
        loan_id: loanId,
        change_id: `change-${loanId}`,
        announced_on: '2027-02-01',
        effective_from: '2027-03-10',
        first_installment: 2,
        new_rate_percent: '12',
        new_monthly_payment: formatAmount(annuity.monthlyPayment),
        remaining_installments: 35,
        status: 'SCHEDULED',
      })
      .execute();
    expect(await issue(2)).toBe('2027-03-31');

    const split = installmentSplit(principal, monthlyRate(new Decimal('12')), annuity.monthlyPayment, false);
    // 1–9 March at 9.95 % instead of 12 %, actual/365.
    const oldDays = roundOre(principal.times(new Decimal('9.95').minus('12')).div(100).times(9).div(365));
    const lines = (await findInvoice(db, loanId, 2))!.lines as { kind: string; amount: string }[];
    expect(lines.find((l) => l.kind === 'interest')?.amount).toBe(formatAmount(split.interest.plus(oldDays)));
    expect(lines.find((l) => l.kind === 'principal')?.amount).toBe(formatAmount(split.principal));
    await expectLedgerBalanced(db);
  });
});
