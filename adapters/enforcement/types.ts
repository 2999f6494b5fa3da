/**
 * The enforcement authority (Kronofogden): an application for a payment order
 * (betalningsföreläggande) for a collection case that was neither paid, agreed nor disputed by the
 * last reminder's deadline (R-COLL-3, R-COLL-4).
 *
 * An application is an effect (a fee, and the debtor is served), so it carries an idempotency key:
 * a repeat with the same key and application returns the first application and files nothing.
 */

export interface PaymentOrderApplication {
  /** Derived from the case's workflow and the step, e.g. `collection-100001:enforcement`. */
  idempotencyKey: string;
  /** The lender's reference: the case number (never personal data in the reference). */
  caseNumber: string;
  /** The debtor as the authority knows them: the lender's customer id, resolved by the service. */
  debtorCustomerId: string;
  /** The claim, itemised, decimal strings in SEK. */
  claim: { principal: string; interest: string; fees: string; defaultInterest: string; collectionFee: string };
  /** The loan's rate + 5 pp: the default interest the authority will keep accruing. */
  defaultInterestRatePercent: string;
  /** IsoDate from which default interest runs on the principal. */
  defaultInterestFrom: string;
}

export type ApplicationStatus = 'received' | 'served' | 'decided';

export interface FiledApplication {
  /** The authority's case reference (målnummer). */
  applicationId: string;
  status: ApplicationStatus;
  /** True when the service recognised a repeat of an earlier request. */
  replayed: boolean;
}

export interface EnforcementClient {
  applyForPaymentOrder(application: PaymentOrderApplication): Promise<FiledApplication>;
}
