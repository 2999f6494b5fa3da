/**
 * Direct debit (autogiro, R-PAY-3): with the payer's mandate (signed with BankID), the lender asks
 * the payer's bank, through the direct-debit service, to draw an amount on a due date.
 *
 * Must never draw twice: every draw carries an idempotency key derived from the workflow and the
 * invoice or plan installment (e.g. `loan-123:autogiro:7`). The service executes the first request
 * under a key; a repeat with the same request returns that draw (same drawId) and draws nothing; a
 * repeat with a different request under the same key is refused (`IdempotencyConflictError`).
 *
 * A draw ends `paid` or `refused` with a reason: `insufficient_funds` (the invoice stays unpaid and
 * the normal late path follows) or `mandate_cancelled` (the payer cancelled the mandate at their
 * bank: no further draws on it). A draw may be `requested` until the service has settled it; the
 * caller reads it again (`getDraw`) until it is settled.
 */
import type { IsoDate } from '../../domain/dates';

export interface PayerAccount {
  /** 4–5 digits. */
  clearingNumber: string;
  /** 1–12 digits. */
  accountNumber: string;
}

export interface MandateRegistration {
  idempotencyKey: string;
  /** The lender's reference for the mandate (its id, never personal data). */
  reference: string;
  /** 12 digits: the account holder who signed the mandate with BankID. */
  payerPersonalNumber: string;
  account: PayerAccount;
}

export type MandateStatus = 'active' | 'cancelled';

export interface MandateResult {
  /** The service's id of the mandate: what draws name. */
  mandateId: string;
  status: MandateStatus;
  replayed: boolean;
}

export interface DrawRequest {
  idempotencyKey: string;
  mandateId: string;
  /** SEK, decimal string with at most two decimals, > 0. */
  amount: string;
  dueDate: IsoDate;
  /** The invoice's (or case's) OCR reference: what the payer's statement shows. */
  reference: string;
}

export type DrawStatus = 'requested' | 'paid' | 'refused';
export type DrawRefusalReason = 'insufficient_funds' | 'mandate_cancelled';

export interface DrawResult {
  drawId: string;
  status: DrawStatus;
  /** Set when refused. */
  refusalReason?: DrawRefusalReason;
  amount: string;
  dueDate: IsoDate;
  /** True when this answer is the service recognising a repeat of an earlier request. */
  replayed: boolean;
}

export interface DirectDebitClient {
  registerMandate(request: MandateRegistration): Promise<MandateResult>;
  /** Idempotent: cancelling a cancelled mandate answers it again. */
  cancelMandate(mandateId: string): Promise<Omit<MandateResult, 'replayed'>>;
  requestDraw(request: DrawRequest): Promise<DrawResult>;
  getDraw(drawId: string): Promise<Omit<DrawResult, 'replayed'>>;
}
