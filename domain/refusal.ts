/**
 * A refused request: the one shape every workflow update validator or handler refuses with, and
 * the API maps to a problem (api/problem.ts `refusalProblem`). Pure data, so it crosses the
 * workflow boundary as the details of a non-retryable application failure of type `REFUSED`
 * (workflows/refusal.ts throws it).
 */

/** Why the request is refused; the API answers 400, 404, 403 and 409 respectively. */
export type RefusalKind = 'invalid' | 'not-found' | 'forbidden' | 'conflict';

export interface FieldViolation {
  /** Dotted path within the validated object, e.g. `debts.0.balance`. */
  field: string;
  message: string;
}

export interface Refusal {
  kind: RefusalKind;
  /** What the caller reads. */
  message: string;
  /** The request field at fault, when one is. */
  field?: string;
  /** The rule (R-…) that refuses, when one does. */
  rule?: string;
  /** Every invalid field at once, for a request that breaks several checks (kind `invalid`). */
  violations?: FieldViolation[];
}

/** The application failure type a refusal travels as. */
export const REFUSED = 'Refused';

export function refusal(
  kind: RefusalKind,
  message: string,
  more: { field?: string; rule?: string; violations?: FieldViolation[] } = {},
): Refusal {
  return {
    kind,
    message,
    ...(more.field ? { field: more.field } : {}),
    ...(more.rule ? { rule: more.rule } : {}),
    ...(more.violations && more.violations.length > 0 ? { violations: more.violations } : {}),
  };
}

const KINDS: readonly RefusalKind[] = ['invalid', 'not-found', 'forbidden', 'conflict'];

/** The refusal in a failure's details, if it carries one (read back on the client side). */
export function asRefusal(details: unknown): Refusal | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as Partial<Refusal>;
  if (!KINDS.includes(d.kind as RefusalKind) || typeof d.message !== 'string') return undefined;
  return refusal(d.kind as RefusalKind, d.message, {
    ...(typeof d.field === 'string' ? { field: d.field } : {}),
    ...(typeof d.rule === 'string' ? { rule: d.rule } : {}),
    ...(Array.isArray(d.violations) ? { violations: d.violations } : {}),
  });
}
