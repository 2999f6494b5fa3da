/**
 * R-LOAN-5 (defect 5): a rate change effective within an installment's interest month (a calendar
 * month, R-PROD-4) does not reach back: the days before the effective date bear the old rate.
 */
import { createLoanActivities } from '../../activities/loan';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { findInvoice } from '../../db/loan-repository';
import { monthlyRate } from '../../domain/annuity';
import { Decimal, formatAmount, roundOre } from '../../domain/money';
import { recomputeAnnuityForRateChange } from '../../domain/rate-change';
import { installmentSplit } from '../../domain/schedule';
import { useTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { issueInstallment, openLoanDirectly } from '../support/loan-steps';

describe('a rate change within an interest month (R-LOAN-5)', () => {
  let db: Db;
  useTestDb('INTEGRATION', (opened) => (db = opened));

  it('R-LOAN-5 (defect 5): effective 10 March, March’s interest is 9 days at the old rate and the rest at the new', async () => {
    const activities = createLoanActivities(db);
    const terms = await openLoanDirectly(activities, { amount: '100000.00', termMonths: 36, payoutDate: '2027-01-04' });
    const { loanId } = terms;
    const issue = (number: number) => issueInstallment(activities, terms, number);
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
