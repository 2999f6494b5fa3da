/** Wire formats shared by every endpoint (R-MONEY-1, R-TIME-1). */
import { compareDates, type IsoDate, isIsoDate, stockholmDate } from '../domain/dates';
import { isAmountString, parseAmount } from '../domain/money';
import { parsePersonnummer } from '../domain/personnummer';
import { z } from './zod';

/** The largest amount a `numeric(14, 2)` column holds: every amount column in PostgreSQL is one. */
export const MAX_AMOUNT = '999999999999.99';

/**
 * A non-negative SEK amount as a decimal string with at most two decimals: "100000", "1234.50";
 * at most {@link MAX_AMOUNT}, so it always fits the database.
 */
export const amountString = z
  .string()
  .refine((s) => isAmountString(s) && !s.startsWith('-'), {
    message: 'must be a decimal string with at most 2 decimals, e.g. "1234.50"',
    abort: true,
  })
  .refine((s) => parseAmount(s).lessThanOrEqualTo(MAX_AMOUNT), {
    message: `must be at most ${MAX_AMOUNT}`,
    abort: true,
  });

/** A positive SEK amount: 0.01 … {@link MAX_AMOUNT}, at most two decimals. */
export const positiveAmountString = amountString.refine((s) => parseAmount(s).greaterThan(0), {
  message: 'must be greater than 0',
  abort: true,
});

/** A percentage as a decimal string with at most two decimals: "9.95". */
export const percentString = z.string().regex(/^\d{1,3}(\.\d{1,2})?$/, {
  message: 'must be a decimal string with at most 2 decimals, e.g. "9.95"',
  abort: true,
});

/** A calendar date (Europe/Stockholm business date). */
export const isoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' })
  .openapi({ format: 'date', example: '2026-03-10' });

/**
 * No business date the API takes lies before this: an earlier one is a typing error (and dates far
 * outside the banking calendar's years make it throw).
 */
export const EARLIEST_BUSINESS_DATE = '2000-01-01';

/** Today's Europe/Stockholm calendar date on the API's clock (R-TIME-1). */
export const stockholmToday = (): IsoDate => stockholmDate(new Date());

/**
 * A calendar date within `range()`, both ends included. The range is computed per request, so it
 * may depend on today (`stockholmToday()`).
 */
export function isoDateWithin(range: () => { from: IsoDate; to: IsoDate }) {
  return isoDate.superRefine((s, ctx) => {
    if (!isIsoDate(s)) return; // reported above
    const { from, to } = range();
    if (compareDates(s, from) < 0 || compareDates(s, to) > 0) {
      ctx.addIssue({ code: 'custom', message: `must be from ${from} to ${to}` });
    }
  });
}

/**
 * `schema`, also refused by a domain check (a `check…` function answering a message or null): the
 * API and the workflow's update validator then refuse the same values with the same message.
 */
export function checkedBy<T extends z.ZodType>(schema: T, check: (value: unknown) => string | null): T {
  return schema.superRefine((value, ctx) => {
    const message = check(value);
    if (message !== null) ctx.addIssue({ code: 'custom', message });
  }) as T;
}

/** A Swedish personal identity number (Luhn-checked, not in the future), answered normalised. */
export const personnummerString = z
  .string()
  .refine(
    (s) => {
      try {
        parsePersonnummer(s, stockholmDate(new Date()));
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid personal identity number' },
  )
  .transform((s) => parsePersonnummer(s, stockholmDate(new Date())).normalised)
  .openapi({ example: '19811228-9874' });
