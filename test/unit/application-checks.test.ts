/** The application's field checks: one function per check, limits from DEFAULT_PRODUCT (R-APP-1…3, R-APP-10). */
import {
  answerViolations,
  checkApplicantCount,
  checkConsolidationCount,
  checkDebtCount,
  checkHouseholdAdults,
  contactViolations,
} from '../../domain/application';
import { DEFAULT_PRODUCT } from '../../domain/product';

const LIMITS = DEFAULT_PRODUCT.application;

describe('application field checks', () => {
  it('limits come from the product', () => {
    expect(checkHouseholdAdults(LIMITS.maxHouseholdAdults)).toBeNull();
    expect(checkHouseholdAdults(LIMITS.maxHouseholdAdults + 1)).toBe(
      `must be a whole number 1–${LIMITS.maxHouseholdAdults}`,
    );
    expect(checkHouseholdAdults(2, { ...LIMITS, maxHouseholdAdults: 1 })).not.toBeNull();
    expect(checkDebtCount(new Array(LIMITS.maxDebts).fill({}))).toBeNull();
    expect(checkDebtCount(new Array(LIMITS.maxDebts + 1).fill({}))).not.toBeNull();
    expect(checkApplicantCount([])).not.toBeNull();
    expect(checkApplicantCount(new Array(LIMITS.maxApplicants).fill({}))).toBeNull();
    expect(checkConsolidationCount(new Array(LIMITS.maxConsolidationLoans + 1).fill({}))).toBe(
      `at most ${LIMITS.maxConsolidationLoans} loans`,
    );
  });

  it('the answers are refused with the same message the API schema gives', () => {
    expect(answerViolations({ householdAdults: 7 }, { complete: false, mainApplicant: true })).toEqual([
      { field: 'householdAdults', message: checkHouseholdAdults(7) },
    ]);
  });

  it('R-APP-3: a reminder’s changed contact details are checked as at creation', () => {
    expect(contactViolations({})).toEqual([]);
    expect(contactViolations({ email: 'a@example.com', phone: '070-123 45 67' })).toEqual([]);
    expect(contactViolations({ email: 'nope', phone: '08-123' })).toEqual([
      { field: 'email', message: 'must be an email address' },
      { field: 'phone', message: 'must be a Swedish mobile number' },
    ]);
  });
});
