/**
 * Text the engine stores or sends must hold no control characters: PostgreSQL refuses NUL
 * (22021), and the others have no place in a name, an id or a letter. Free text (a complaint, an
 * answer) may keep tab, line feed and carriage return; everything else keeps none.
 */

/** Control characters (C0, DEL, C1), except tab, line feed and carriage return. */
const FREE_TEXT_FORBIDDEN = /(?![\t\n\r])\p{Cc}/u;
/** Every control character (C0, DEL, C1). */
const LINE_FORBIDDEN = /\p{Cc}/u;

/** True when `text` holds a control character free text may not hold (tab and newlines are allowed). */
export function hasForbiddenControlCharacter(text: string): boolean {
  return FREE_TEXT_FORBIDDEN.test(text);
}

/** True when `text` holds any control character at all (ids, claims, query values). */
export function hasControlCharacter(text: string): boolean {
  return LINE_FORBIDDEN.test(text);
}
