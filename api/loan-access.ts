/**
 * R-SEC-1: who may see and act on a loan. Operators: any loan. A customer acts on their own loans
 * only, and also sees (and may complain about) a loan they co-signed, being jointly liable for it.
 * Anyone else's loan, or an unknown one, is a 404, so other people's loans do not exist.
 */
import type { Db } from '../db/database';
import { findLoan, isCustomerLoan, type LoanRow } from '../db/loan-repository';
import type { Principal } from './auth';
import { notFound } from './problem';

export function mayAccessLoan(principal: Principal | undefined, loan: Pick<LoanRow, 'customer_id'>): boolean {
  return principal?.role === 'operator' || (principal?.role === 'customer' && loan.customer_id === principal.sub);
}

/** The loan if the principal may act on it: an operator or the borrower; otherwise a 404. */
export async function findOwnLoan(db: Db, principal: Principal | undefined, loanId: string): Promise<LoanRow> {
  const loan = await findLoan(db, loanId);
  if (!loan || !mayAccessLoan(principal, loan)) throw notFound(`no loan ${loanId}`);
  return loan;
}

/** The loan if the principal may see it: an operator, the borrower or a co-applicant who signed. */
export async function findVisibleLoan(db: Db, principal: Principal | undefined, loanId: string): Promise<LoanRow> {
  const loan = await findLoan(db, loanId);
  const mayRead =
    loan !== undefined &&
    (mayAccessLoan(principal, loan) ||
      (principal?.role === 'customer' && (await isCustomerLoan(db, loan.id, principal.sub))));
  if (!loan || !mayRead) throw notFound(`no loan ${loanId}`);
  return loan;
}
