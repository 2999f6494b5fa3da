/** R-APP-4/5: what the vendor's pending list shows besides the status. */
import { DAY_MS } from './application';

/** Whole days (rounded up) left of the 7 an unsubmitted application is valid (R-APP-5); 0 once expired. */
export function daysLeft(validUntil: Date | string, now: Date): number {
  return Math.max(0, Math.ceil((new Date(validUntil).getTime() - now.getTime()) / DAY_MS));
}
