/**
 * Idempotency bookkeeping shared by the sandbox doubles, mirroring what the real services do: the
 * first request under a key is executed and its result stored; a repeat with the same request
 * returns the stored result; a repeat with a different request is a conflict.
 */
import { createHash } from 'node:crypto';
import { AdapterError, type AdapterSystem } from './errors';

/** JSON with object keys sorted, so equal requests have equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export type IdempotencyLookup<T> = { kind: 'new' } | { kind: 'replay'; value: T } | { kind: 'conflict' };

export class IdempotencyStore<T> {
  private readonly entries = new Map<string, { fingerprint: string; value: T }>();

  lookup(key: string, request: unknown): IdempotencyLookup<T> {
    const entry = this.entries.get(key);
    if (!entry) return { kind: 'new' };
    return entry.fingerprint === fingerprint(request) ? { kind: 'replay', value: entry.value } : { kind: 'conflict' };
  }

  remember(key: string, request: unknown, value: T): void {
    this.entries.set(key, { fingerprint: fingerprint(request), value });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Printable ASCII, 1–255 characters: what the services accept in an Idempotency-Key header. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key);
}

/** Client-side guard: a missing or malformed key is a programming error, never retryable. */
export function assertIdempotencyKey(system: AdapterSystem, operation: string, key: unknown): string {
  if (!isValidIdempotencyKey(key)) {
    throw new AdapterError(
      system,
      'invalid_request',
      false,
      `${system} ${operation}: idempotency key must be 1–255 printable ASCII characters`,
    );
  }
  return key;
}
