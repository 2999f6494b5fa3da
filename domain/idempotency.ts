/**
 * Idempotency keys (ARCHITECTURE.md "activities/"): the id of what the step belongs to and the
 * step, joined by ':', e.g. `loan-123:bureau-late:7`. Workflows build them and pass them to their
 * activities, which write once per key and derive their own sub-keys by suffix (`<key>:notice`).
 */
export function idempotencyKey(scope: string, ...step: readonly (string | number)[]): string {
  if (!scope) throw new Error('idempotency key: the scope is empty');
  return [scope, ...step].join(':');
}
