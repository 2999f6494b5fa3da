/**
 * Credit bureau (R-APP-1, R-APP-7, R-APP-8): a credit report on one person.
 *
 * A lookup is an effect (the person is told that a credit report was taken, and the bureau bills
 * it), so it carries an idempotency key: a repeat with the same key returns the first report.
 */

export interface CreditReport {
  /** The bureau's id of this report. */
  reportId: string;
  registeredInSweden: boolean;
  /** Latest assessed (taxed) annual income, SEK, decimal string ("412000.00"). */
  taxedAnnualIncome: string;
  /** Number of registered payment remarks (betalningsanmärkningar). */
  paymentRemarks: number;
  /** Debt registered at the Enforcement Authority (Kronofogden), SEK, decimal string. */
  enforcementDebt: string;
  /** ISO instant the report was taken. */
  createdAt: string;
  /** True when this answer repeats an earlier lookup under the same idempotency key. */
  replayed: boolean;
}

export interface BureauClient {
  /** `personalNumber`: 12 digits, YYYYMMDDNNNN (normalised personnummer). */
  lookup(personalNumber: string, idempotencyKey: string): Promise<CreditReport>;
}
