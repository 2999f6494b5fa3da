/**
 * The back-office's small rules: the vendor login's lock-out, the days left of R-APP-5 in
 * the shop's pending list, and the invitation that names the shop and the amount (R-APP-3).
 */
import { DAY_MS } from '../../domain/application';
import { isLocked, LOCK_MINUTES, lockAfterFailure, MAX_FAILED_LOGINS } from '../../domain/vendor-login';
import { daysLeft } from '../../domain/vendor-lists';
import { invitationMessage } from '../../texts/application';

const now = new Date('2026-11-29T12:00:00Z');

describe('vendor login lock-out', () => {
  it(`locks after ${MAX_FAILED_LOGINS} failures in a row, for ${LOCK_MINUTES} minutes`, () => {
    let failed = 0;
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      const next = lockAfterFailure(failed, now);
      expect(next).toEqual({ failed: i, lockedUntil: null });
      failed = next.failed;
    }
    const locked = lockAfterFailure(failed, now);
    expect(locked.lockedUntil!.getTime() - now.getTime()).toBe(LOCK_MINUTES * 60_000);
    expect(isLocked(locked.lockedUntil, now)).toBe(true);
    expect(isLocked(locked.lockedUntil, new Date(locked.lockedUntil!.getTime() + 1))).toBe(false);
    expect(isLocked(null, now)).toBe(false);
  });
});

describe('R-APP-5: days left in the shop’s pending list', () => {
  it('counts whole days up, and never below 0', () => {
    expect(daysLeft(new Date(now.getTime() + 7 * DAY_MS), now)).toBe(7);
    expect(daysLeft(new Date(now.getTime() + 6 * DAY_MS + 1), now)).toBe(7);
    expect(daysLeft(new Date(now.getTime() + 1), now)).toBe(1);
    expect(daysLeft(new Date(now.getTime() - DAY_MS), now)).toBe(0);
  });
});

describe('R-APP-3: the invitation names the shop and the amount', () => {
  const base = { reference: 'A123456789', link: 'https://example.se/apply/x?invite=y' };
  it('in the e-mail and the SMS, first and in a reminder', () => {
    const first = invitationMessage({ ...base, reminder: false, shop: 'Cykelbutiken', amount: '25000.00' });
    expect(first.text).toContain('Cykelbutiken har skapat en låneansökan på 25 000,00 kr åt dig.');
    expect(first.sms).toContain('Cykelbutiken har skapat en låneansökan på 25 000,00 kr åt dig.');
    const reminder = invitationMessage({ ...base, reminder: true, shop: 'Cykelbutiken', amount: '25000.00' });
    expect(reminder.sms).toContain('Påminnelse: din låneansökan på 25 000,00 kr hos Cykelbutiken väntar på dig.');
  });
  it('without a shop (an older history, or a customer’s own application) it still reads well', () => {
    expect(invitationMessage({ ...base, reminder: false }).text).toContain('En låneansökan har skapats åt dig.');
    expect(invitationMessage({ ...base, reminder: false, amount: '5000.00' }).sms).toContain(
      'En låneansökan på 5 000,00 kr har skapats åt dig.',
    );
  });
});
