/**
 * How an activity hands an adapter's failure to Temporal: an error a retry of the same call cannot
 * fix (a refusal, an idempotency conflict) becomes a non-retryable `AdapterError` failure naming
 * the operation and the adapter's code; anything else is rethrown for Temporal to retry. Adapter
 * messages carry no personal data (adapters/shared/errors.ts), so they may go into the failure.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { AdapterError } from '../adapters/shared/errors';

export async function failFastOnAdapterRefusal<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AdapterError && !err.retryable) {
      throw ApplicationFailure.create({
        type: 'AdapterError',
        message: `${operation}: ${err.message}`,
        nonRetryable: true,
        details: [{ code: err.code }],
      });
    }
    throw err;
  }
}
