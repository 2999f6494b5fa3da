/**
 * Who owes a loan, with their personal identity numbers (R-LOAN-11: a late payment is reported to
 * the credit bureau, which knows people by personnummer only). Plain functions taking the db first.
 *
 * A loan row holds the customer id of the main applicant only; the personal identity numbers live
 * in the `applicants` rows of the application the loan came from (same contract number, R-APP-2).
 * Every applicant of that application signed the loan (R-APP-9), so every one of them is a
 * borrower. A loan without such an application (created directly, e.g. by the simulator) falls
 * back to the latest identified applicant row of the loan's customer; failing that, nobody.
 * The result is personal data (R-SEC-2): never log it.
 */
import type { Db } from './database';

export interface LoanBorrower {
  /** The applicant's index in the application (0 = main); null when found through the customer id. */
  applicantIndex: number | null;
  customerId: string | null;
  /** Normalised 12 digits. */
  personnummer: string;
}

export interface LoanBorrowers {
  loanId: string;
  contractNumber: string;
  customerId: string;
  /** Where the identities came from. */
  source: 'application' | 'customer' | 'none';
  borrowers: LoanBorrower[];
}

export async function findLoanBorrowers(db: Db, loanId: string): Promise<LoanBorrowers | undefined> {
  const loan = await db
    .selectFrom('loans')
    .select(['id', 'contract_number', 'customer_id'])
    .where('id', '=', loanId)
    .executeTakeFirst();
  if (!loan) return undefined;
  const base = { loanId: loan.id, contractNumber: loan.contract_number, customerId: loan.customer_id };

  const fromApplication = await db
    .selectFrom('applicants')
    .innerJoin('applications', 'applications.id', 'applicants.application_id')
    .select(['applicants.idx', 'applicants.customer_id', 'applicants.personnummer'])
    .where('applications.contract_number', '=', loan.contract_number)
    .orderBy('applicants.idx')
    .execute();
  if (fromApplication.length > 0) {
    return {
      ...base,
      source: 'application',
      borrowers: fromApplication.map((a) => ({
        applicantIndex: a.idx,
        customerId: a.customer_id,
        personnummer: a.personnummer,
      })),
    };
  }

  const fromCustomer = await db
    .selectFrom('applicants')
    .select(['customer_id', 'personnummer'])
    .where('customer_id', '=', loan.customer_id)
    .where('identified_at', 'is not', null)
    .orderBy('identified_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (fromCustomer) {
    return {
      ...base,
      source: 'customer',
      borrowers: [
        { applicantIndex: null, customerId: fromCustomer.customer_id, personnummer: fromCustomer.personnummer },
      ],
    };
  }
  return { ...base, source: 'none', borrowers: [] };
}
