/**
 * Bank payouts (R-APP-9, R-APP-10): money leaves the lender's account to the applicant's bank
 * account or, for a consolidation, to a creditor's bankgiro with its OCR reference.
 *
 * Must never pay twice: every payout carries an idempotency key (derived from the workflow id and
 * step, e.g. `application-A123:payout:applicant`). The bank executes the first request under a key;
 * a repeat with the same request returns that payout (same payoutId) and pays nothing; a repeat with
 * a different request under the same key is refused with `IdempotencyConflictError`.
 */
import type { IsoDate } from '../../domain/dates';

export type PayoutDestination =
  /** A Swedish bank account: clearing number (4–5 digits) and account number (digits). */
  | { kind: 'bankAccount'; clearingNumber: string; accountNumber: string }
  /** A bankgiro number (7–8 digits) with the creditor's OCR reference. */
  | { kind: 'bankgiro'; bankgiro: string; ocr: string };

export interface PayoutRequest {
  idempotencyKey: string;
  /** SEK, decimal string with at most two decimals, > 0 ("25000.00"). */
  amount: string;
  toAccount: PayoutDestination;
  /** Text for the recipient's statement (1–35 characters). */
  reference: string;
  /** Earliest execution date; default: the next banking day. */
  requestedExecutionDate?: IsoDate;
}

export type PayoutStatus = 'accepted' | 'executed';

export interface PayoutResult {
  payoutId: string;
  /** `accepted`: booked for `executionDate`; `executed`: the money has left. */
  status: PayoutStatus;
  executionDate: IsoDate;
  amount: string;
  /** True when this answer is the bank recognising a repeat of an earlier request. */
  replayed: boolean;
}

export interface BankPayoutClient {
  payout(request: PayoutRequest): Promise<PayoutResult>;
  getPayout(payoutId: string): Promise<Omit<PayoutResult, 'replayed'>>;
}
