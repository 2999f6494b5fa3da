/** Wire formats shared by every endpoint (R-MONEY-1, R-TIME-1). */
import { isIsoDate } from '../domain/dates';
import { isAmountString } from '../domain/money';
import { z } from './zod';

/** A non-negative SEK amount as a decimal string with at most two decimals: "100000", "1234.50". */
export const amountString = z.string().refine((s) => isAmountString(s) && !s.startsWith('-'), {
  message: 'must be a decimal string with at most 2 decimals, e.g. "1234.50"',
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
