/**
 * When in the day a loan wakes for its business date. Every loan used to wake at 05:00
 * UTC, so a month-end arrived at the workers as one spike; now each loan wakes at 05:00 UTC plus
 * its own offset within a window, the same offset every month (a hash of the loan id, so replays
 * and restarts agree). The window is at most 16 hours: 05:00 UTC plus 16 h is 21:00 UTC, still the
 * same Europe/Stockholm date (R-TIME-1), so no business date moves.
 */
import type { IsoDate } from './dates';

/**
 * The default window: 180 minutes, 05:00–08:00 UTC. It ends an hour before anything in
 * the day that assumes the loan's events are done: the simulated borrower acts from 09:00 UTC and
 * the simulator's scenario actions at 10:00 UTC (workflows/simulated-borrower.ts,
 * simulator/runner.ts), and a customer's bank file of the day arrives later still. A loan's input
 * `wakeWindowMinutes` overrides it (0: every loan at 05:00 UTC, as before).
 */
export const SUGGESTED_WAKE_WINDOW_MINUTES = 180;
export const DEFAULT_WAKE_WINDOW_MINUTES = SUGGESTED_WAKE_WINDOW_MINUTES;
export const MAX_WAKE_WINDOW_MINUTES = 16 * 60;

/** FNV-1a (32 bit) of the id: cheap, stable across processes and SDK versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The loan's offset into the window, in whole seconds (as milliseconds); 0 for a window of 0. */
export function wakeOffsetMs(loanId: string, windowMinutes: number): number {
  const seconds = Math.floor(Math.min(Math.max(windowMinutes, 0), MAX_WAKE_WINDOW_MINUTES) * 60);
  return seconds === 0 ? 0 : (fnv1a(loanId) % seconds) * 1000;
}

/** The instant (ms since the epoch) a loan wakes for `date`: 05:00 UTC plus its offset. */
export function wakeInstant(date: IsoDate, loanId: string, windowMinutes: number): number {
  return Date.parse(`${date}T05:00:00Z`) + wakeOffsetMs(loanId, windowMinutes);
}
