/**
 * R-SEC-1: who may see and act on a loan. Operators: any loan; a customer: their own only.
 * Anyone else's loan, or an unknown one, is a 404, so other people's loans do not exist.
 */
import type { Db } from '../db/database';
import { findLoan, type LoanRow } from '../db/loan-repository';
import type { Principal } from './auth';
import { notFound } from './problem';

export function mayAccessLoan(principal: Principal | undefined, loan: Pick<LoanRow, 'customer_id'>): boolean {
  return principal?.role === 'operator' || (principal?.role === 'customer' && loan.customer_id === principal.sub);
}

/** The loan if the principal may see it (R-SEC-1); otherwise a 404. */
export async function findVisibleLoan(db: Db, principal: Principal | undefined, loanId: string): Promise<LoanRow> {
  const loan = await findLoan(db, loanId);
  if (!loan || !mayAccessLoan(principal, loan)) throw notFound(`no loan ${loanId}`);
  return loan;
}
