/**
 * A PostgreSQL error about the data itself (class 22 "data exception": a NUL byte, a value out of
 * range; class 23 "integrity constraint violation") fails the same way on every retry. Such an
 * error leaves an activity as a non-retryable failure, so the workflow answers it instead of
 * retrying for ever. A unique or exclusion violation stays retryable: a concurrent writer won, and
 * the idempotent retry reads its result. Connection and serialization errors stay retryable.
 */
import { ApplicationFailure } from '@temporalio/activity';

export const DATABASE_DATA_ERROR = 'DatabaseDataError';

const RETRYABLE_CONSTRAINT_CODES = new Set(['23505', '23P01']);

export function isPermanentDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  if (RETRYABLE_CONSTRAINT_CODES.has(code)) return false;
  return code.startsWith('22') || code.startsWith('23');
}

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** The same activities, each turning a permanent database error into a non-retryable failure. */
export function failPermanentDatabaseErrors<T extends Record<string, ActivityFunction>>(activities: T): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (err) {
        if (!isPermanentDatabaseError(err)) throw err;
        const code = (err as { code: string }).code;
        // The message names the code only: the database's text may quote the offending value.
        throw ApplicationFailure.create({
          type: DATABASE_DATA_ERROR,
          message: `${name}: the database refused the data (SQLSTATE ${code}); retrying cannot help`,
          nonRetryable: true,
          details: [{ sqlState: code }],
        });
      }
    };
  }
  return wrapped as T;
}
