/** R-SEC-2: the retention period of applications that never became loans (domain/retention.ts). */
import { DEFAULT_PRODUCT } from '../../domain/product';
import { DEFAULT_RETENTION, erasureCutoff, isDueForErasure } from '../../domain/retention';
import { nextNightlyRunMs } from '../../workflows/retention';

const NOW = new Date('2026-12-01T03:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('personal-data retention (R-SEC-2)', () => {
  it('keeps answers at least as long as the R-APP-6 prefill window needs them', () => {
    expect(DEFAULT_RETENTION.applicationWithoutLoanDays).toBeGreaterThanOrEqual(
      DEFAULT_PRODUCT.application.prefillWithinDays,
    );
    expect(DEFAULT_RETENTION.applicationWithoutLoanDays).toBe(90);
  });

  it('an application closed more than the period ago without a loan is due; one day less is not', () => {
    const base = { status: 'REJECTED', loanId: null, erasedAt: null };
    expect(isDueForErasure({ ...base, closedAt: daysAgo(91) }, NOW)).toBe(true);
    expect(isDueForErasure({ ...base, closedAt: daysAgo(89) }, NOW)).toBe(false);
    expect(erasureCutoff(NOW)).toEqual(daysAgo(90));
  });

  it.each(['REJECTED', 'EXPIRED', 'OFFER_EXPIRED', 'DELETED', 'CANCELLED'])('%s is erasable', (status) => {
    expect(isDueForErasure({ status, loanId: null, erasedAt: null, closedAt: daysAgo(100) }, NOW)).toBe(true);
  });

  it('never a loan’s application, a payout to follow up, an open application or one erased already', () => {
    const old = daysAgo(400);
    expect(isDueForErasure({ status: 'PAID_OUT', loanId: 'l-1', erasedAt: null, closedAt: old }, NOW)).toBe(false);
    expect(isDueForErasure({ status: 'PAYOUT_FAILED', loanId: null, erasedAt: null, closedAt: old }, NOW)).toBe(false);
    expect(isDueForErasure({ status: 'STARTED', loanId: null, erasedAt: null, closedAt: null }, NOW)).toBe(false);
    expect(isDueForErasure({ status: 'REJECTED', loanId: null, erasedAt: old, closedAt: old }, NOW)).toBe(false);
  });

  it('a shorter configured period applies; a negative one is refused', () => {
    const closedAt = daysAgo(10);
    const base = { status: 'EXPIRED', loanId: null, erasedAt: null, closedAt };
    expect(isDueForErasure(base, NOW, { applicationWithoutLoanDays: 7 })).toBe(true);
    expect(() => erasureCutoff(NOW, { applicationWithoutLoanDays: -1 })).toThrow(RangeError);
  });

  it('the sweep runs at the next 02:00 UTC', () => {
    expect(new Date(nextNightlyRunMs(Date.parse('2026-12-01T01:59:00Z'))).toISOString()).toBe(
      '2026-12-01T02:00:00.000Z',
    );
    expect(new Date(nextNightlyRunMs(Date.parse('2026-12-01T02:00:00Z'))).toISOString()).toBe(
      '2026-12-02T02:00:00.000Z',
    );
  });
});
