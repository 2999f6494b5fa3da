import { ENDED_LOAN_STATUSES, hasLoanEnded, LOAN_STATUSES, RUNNING_LOAN_STATUSES } from '../../domain/loan-statuses';

describe('loan statuses', () => {
  it('every status is either running or ended, never both', () => {
    expect([...RUNNING_LOAN_STATUSES, ...ENDED_LOAN_STATUSES].sort()).toEqual([...LOAN_STATUSES].sort());
  });

  it('a closed, withdrawn or collected loan has ended; one under notice or withdrawal has not (R-LOAN-4, R-LOAN-8)', () => {
    for (const s of ['CLOSED', 'WITHDRAWN', 'IN_COLLECTION']) expect(hasLoanEnded(s)).toBe(true);
    for (const s of ['ACTIVE', 'TERMINATION_NOTICE', 'WITHDRAWAL_PENDING']) expect(hasLoanEnded(s)).toBe(false);
  });
});
