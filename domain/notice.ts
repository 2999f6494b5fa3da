/**
 * A notice to a customer (R-LOAN-11): what the workflows decide to say, and what the mailbox
 * records once per idempotency key before the customer is told of it (and a letter is posted).
 */
import type { IsoDate } from './dates';

export interface Notice {
  /** Derived from the workflow id and the step, e.g. `loan-<id>:invoice:7:notice`. */
  idempotencyKey: string;
  customerId: string;
  loanId?: string;
  applicationId?: string;
  /** e.g. `application-offer`, `application-rejected`, `payout`, `invoice`, `reminder`, `rate-change` */
  kind: string;
  subject: string;
  body: string;
  /** The business date of the notice (from the workflow clock, R-TIME-1). */
  date: IsoDate;
  /** Also printed and posted (R-LOAN-3: reminders always go by post). */
  byPost?: boolean;
}
