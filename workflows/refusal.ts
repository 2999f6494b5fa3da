/**
 * How a workflow refuses an update: a non-retryable application failure of type `REFUSED`
 * carrying the refusal (domain/refusal.ts) as its only detail. Thrown from a validator, the update
 * is rejected before it enters history; thrown from a handler, the update fails. The API maps it
 * in one place (api/problem.ts `refusalProblem`).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { type FieldViolation, refusal, REFUSED, type RefusalKind } from '../domain/refusal';

export function refuseUpdate(
  kind: RefusalKind,
  message: string,
  more: { field?: string; rule?: string; violations?: FieldViolation[] } = {},
): never {
  throw ApplicationFailure.create({
    type: REFUSED,
    message,
    nonRetryable: true,
    details: [refusal(kind, message, more)],
  });
}
