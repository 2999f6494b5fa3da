/**
 * The edge check every request passes before its schema: no string anywhere in the body, the path
 * or the query (keys included) carries a control character. Body strings may hold tab and newlines
 * (free text); path and query values, which are ids and filters, hold none.
 */
import { hasControlCharacter, hasForbiddenControlCharacter } from '../domain/text';
import type { FieldError } from './problem';

const MESSAGE = 'must not contain control characters';

export function controlCharacterErrors(source: 'body' | 'params' | 'query', value: unknown): FieldError[] {
  const forbidden = source === 'body' ? hasForbiddenControlCharacter : hasControlCharacter;
  const errors: FieldError[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === 'string') {
      if (forbidden(v)) errors.push({ field: [source, ...path].join('.'), message: MESSAGE });
    } else if (v instanceof Uint8Array) {
      // A binary body (an uploaded file) is bytes, not text.
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, String(i)]));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        // A key is named as it arrived, its control characters made visible.
        if (hasControlCharacter(key)) {
          errors.push({ field: [source, ...path, JSON.stringify(key).slice(1, -1)].join('.'), message: MESSAGE });
        } else walk(item, [...path, key]);
      }
    }
  };
  walk(value, []);
  return errors;
}
