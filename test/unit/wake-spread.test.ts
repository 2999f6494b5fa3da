/** Issue 16: a month-end's wake-ups spread over a window, deterministically per loan (domain/wake-spread.ts). */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  DEFAULT_WAKE_WINDOW_MINUTES,
  MAX_WAKE_WINDOW_MINUTES,
  SUGGESTED_WAKE_WINDOW_MINUTES,
  wakeInstant,
  wakeOffsetMs,
} from '../../domain/wake-spread';
import { stockholmDate } from '../../domain/dates';

describe('wake-up spreading (R-TIME-1)', () => {
  it('gives a loan the same offset every time, inside the window, in whole seconds', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: MAX_WAKE_WINDOW_MINUTES }), (loanId, window) => {
        const offset = wakeOffsetMs(loanId, window);
        expect(offset).toBe(wakeOffsetMs(loanId, window));
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(window * 60_000);
        expect(offset % 1000).toBe(0);
      }),
    );
  });

  it('the default window is 05:00–08:00 UTC; window 0 is the old 05:00 UTC for every loan; beyond 16 h is cut to 16 h', () => {
    expect(DEFAULT_WAKE_WINDOW_MINUTES).toBe(180);
    expect(wakeInstant('2026-03-15', randomUUID(), 0)).toBe(Date.parse('2026-03-15T05:00:00Z'));
    const id = randomUUID();
    expect(wakeOffsetMs(id, 10_000)).toBe(wakeOffsetMs(id, MAX_WAKE_WINDOW_MINUTES));
  });

  it('never moves the business date (Europe/Stockholm), summer or winter, and the suggested window wakes before 09:00 UTC', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: MAX_WAKE_WINDOW_MINUTES }),
        fc.constantFrom('2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25', '2026-12-31'),
        (loanId, window, date) => {
          expect(stockholmDate(new Date(wakeInstant(date, loanId, window)))).toBe(date);
          // The simulated borrower acts from 09:00 UTC; the loan's own events come first.
          expect(wakeInstant(date, loanId, SUGGESTED_WAKE_WINDOW_MINUTES)).toBeLessThan(
            Date.parse(`${date}T09:00:00Z`),
          );
        },
      ),
    );
  });

  it('spreads 10 000 loans evenly: no minute of a 4-hour window gets more than twice its share', () => {
    const perMinute = new Array<number>(SUGGESTED_WAKE_WINDOW_MINUTES).fill(0);
    for (let i = 0; i < 10_000; i++)
      perMinute[Math.floor(wakeOffsetMs(randomUUID(), SUGGESTED_WAKE_WINDOW_MINUTES) / 60_000)]!++;
    const share = 10_000 / SUGGESTED_WAKE_WINDOW_MINUTES;
    expect(Math.max(...perMinute)).toBeLessThan(2 * share);
    expect(Math.min(...perMinute)).toBeGreaterThan(0);
  });
});
