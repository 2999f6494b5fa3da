/**
 * Open-banking income verification (R-APP-7): the applicant consents, at the provider, to share
 * account data; the provider derives the verified monthly income from salary deposits.
 */

export interface StartVerificationRequest {
  applicationId: string;
  /** 12 digits, YYYYMMDDNNNN: the person whose accounts are read. */
  personalNumber: string;
  idempotencyKey: string;
  /** Where the provider sends the applicant back after consent. */
  returnUrl?: string;
}

export interface StartedVerification {
  verificationId: string;
  /** The provider's consent page the applicant is sent to. */
  redirectUrl: string;
  replayed: boolean;
}

export type VerificationStatus = 'pending' | 'completed' | 'failed';

export interface Verification {
  verificationId: string;
  status: VerificationStatus;
  /** Verified net monthly income, SEK, decimal string; present when completed. */
  verifiedMonthlyIncome?: string;
  /** Why it failed (e.g. `consent_declined`, `no_income_found`); present when failed. */
  failureReason?: string;
  /** ISO instant the verification completed or failed. */
  finishedAt?: string;
}

export interface OpenBankingClient {
  startVerification(request: StartVerificationRequest): Promise<StartedVerification>;
  getVerification(verificationId: string): Promise<Verification>;
}
