/**
 * The debtor's self-service rules, part 2 (R-COLL-2, R-COLL-6, R-COLL-8): receipts' files by their
 * magic bytes, receipts, the suggested solution over several cases, and the power of attorney.
 */
import type { CaseStanding } from '../../domain/collection-case';
import { decideInstallmentPlan } from '../../domain/collection-case';
import {
  deadlineAfterRejectedReceipt,
  decidePowerOfAttorney,
  decideReceipt,
  decideReceiptFile,
  powerOfAttorneyInForce,
  sniffReceiptFile,
  suggestSolution,
} from '../../domain/collection-self-service';
import { Decimal } from '../../domain/money';
import { formatPersonnummer, personnummerCheckDigit } from '../../domain/personnummer';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
const today = '2026-12-01';
const demand: CaseStanding = { stage: 'DEMAND', deadline: '2026-12-11', postponementsUsed: 0 };

/** A valid personnummer born on `yymmdd` with serial `nnn`. */
const pnr = (yymmdd: string, nnn: string) => `19${yymmdd}${nnn}${personnummerCheckDigit(`${yymmdd}${nnn}`)}`;

describe('receipts (R-COLL-2)', () => {
  it('R-COLL-2: a file is known by its first bytes, not by what it claims to be', () => {
    expect(sniffReceiptFile(PDF)).toBe('application/pdf');
    expect(sniffReceiptFile(PNG)).toBe('image/png');
    expect(sniffReceiptFile(JPEG)).toBe('image/jpeg');
    expect(sniffReceiptFile(Buffer.from('<html>'))).toBeUndefined();
    expect(decideReceiptFile({ declaredType: 'application/pdf', bytes: PDF })).toEqual({
      ok: true,
      value: 'application/pdf',
    });
    expect(decideReceiptFile({ declaredType: 'image/png; charset=x', bytes: PNG })).toMatchObject({ ok: true });
    // An executable called a PDF, a PNG called a JPEG, an unknown type, an empty or too large file.
    expect(decideReceiptFile({ declaredType: 'application/pdf', bytes: Buffer.from('MZ\x90\x00') })).toMatchObject({
      ok: false,
      refusal: { kind: 'invalid', field: 'body' },
    });
    expect(decideReceiptFile({ declaredType: 'image/jpeg', bytes: PNG })).toMatchObject({ ok: false });
    expect(decideReceiptFile({ declaredType: 'text/plain', bytes: PDF })).toMatchObject({
      ok: false,
      refusal: { field: 'headers.content-type' },
    });
    expect(decideReceiptFile({ declaredType: 'application/pdf', bytes: Buffer.alloc(0) })).toMatchObject({ ok: false });
    const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
    expect(decideReceiptFile({ declaredType: 'application/pdf', bytes: big })).toMatchObject({ ok: false });
  });

  it('R-COLL-2: a receipt names a reference, a payment date not in the future and a positive amount', () => {
    expect(decideReceipt({ today, bankReference: ' SEB 123 ', paidOn: '2026-11-30', amount: '500' })).toEqual({
      ok: true,
      value: { bankReference: 'SEB 123', paidOn: '2026-11-30', amount: '500.00' },
    });
    expect(decideReceipt({ today, bankReference: '', paidOn: today, amount: '1' })).toMatchObject({
      refusal: { field: 'bankReference' },
    });
    expect(decideReceipt({ today, bankReference: 'x', paidOn: '2026-12-02', amount: '1' })).toMatchObject({
      refusal: { field: 'paidOn' },
    });
    expect(decideReceipt({ today, bankReference: 'x', paidOn: today, amount: '0' })).toMatchObject({
      refusal: { field: 'amount' },
    });
  });

  it('R-COLL-2, R-COLL-3: a rejected receipt moves a deadline that passed meanwhile, never an earlier-set later one', () => {
    expect(deadlineAfterRejectedReceipt('2026-11-20', today)).toBe('2026-12-11');
    expect(deadlineAfterRejectedReceipt('2026-12-30', today)).toBe('2026-12-30');
    expect(deadlineAfterRejectedReceipt(null, today)).toBeNull();
  });
});

describe('suggested solution over several cases (R-COLL-2, R-COLL-6)', () => {
  const cases = [
    { caseNumber: '100001', standing: demand, claimTotal: new Decimal('30180.00') },
    { caseNumber: '100002', standing: demand, claimTotal: new Decimal('2000.00') },
    { caseNumber: '100003', standing: { ...demand, stage: 'DISPUTED' as const }, claimTotal: new Decimal('900.00') },
  ];

  it('R-COLL-6: too low an amount is refused with the smallest for all the cases together', () => {
    // 30 350 / 24 → 1 265 (whole kronor up); 2 170 / 24 < 300 → 300.
    const low = suggestSolution({ today, monthlyAmount: new Decimal('1500'), dayOfMonth: 25, cases });
    expect(low).toMatchObject({ ok: false, refusal: { kind: 'conflict', rule: 'R-COLL-6', field: 'monthlyAmount' } });
    expect(!low.ok && low.refusal.message).toContain('1565.00');
    expect(suggestSolution({ today, monthlyAmount: new Decimal('1565'), dayOfMonth: 25, cases })).toMatchObject({
      ok: true,
    });
  });

  it('R-COLL-6: the amount is shared by the claims; every plan is one its case would accept; a disputed case is left out', () => {
    const result = suggestSolution({ today, monthlyAmount: new Decimal('3000.50'), dayOfMonth: 25, cases });
    if (!result.ok) throw new Error(result.refusal.message);
    const { plans, excluded } = result.value;
    expect(excluded).toEqual([{ caseNumber: '100003', stage: 'DISPUTED' }]);
    expect(plans.map((p) => p.caseNumber)).toEqual(['100001', '100002']);
    const sum = plans.reduce((s, p) => s.plus(p.monthlyAmount), new Decimal(0));
    expect(sum.lessThanOrEqualTo('3000.50')).toBe(true);
    expect(sum.greaterThan('2999')).toBe(true);
    for (const [i, p] of plans.entries()) {
      const alone = decideInstallmentPlan(demand, {
        today,
        claimTotal: cases[i]!.claimTotal,
        monthlyAmount: new Decimal(p.monthlyAmount),
        dayOfMonth: 25,
      });
      expect(alone.ok && alone.value.installments.length).toBe(p.months);
      expect(p.months).toBeLessThanOrEqual(24);
    }
    // Each at least its smallest (1 265 and 300); the 1 435 left shared by the claims (1 339 and 95, the rest to the larger).
    expect(plans.map((p) => p.monthlyAmount)).toEqual(['2605.50', '395.00']);
  });

  it('R-COLL-6: more than the claims need: each case asks at most its total, paid in one month', () => {
    const result = suggestSolution({ today, monthlyAmount: new Decimal('50000'), dayOfMonth: 1, cases });
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.plans.map((p) => p.months)).toEqual([1, 1]);
    expect(result.value.monthlyAmount).toBe('32520.00'); // 30 180 + 170 and 2 000 + 170
  });

  it('R-COLL-6: no case that can take a plan is a refusal', () => {
    expect(
      suggestSolution({ today, monthlyAmount: new Decimal('5000'), dayOfMonth: 1, cases: [cases[2]!] }),
    ).toMatchObject({ ok: false, refusal: { rule: 'R-COLL-6' } });
  });
});

describe('power of attorney (R-COLL-8)', () => {
  const helper = pnr('850709', '238');
  const grantor = pnr('900101', '123');

  it('R-COLL-8: a helper by a valid personnummer (any accepted form), until a date after today and within the limit', () => {
    const decided = decidePowerOfAttorney({ today, helperPersonnummer: helper, validUntil: '2027-06-30' });
    expect(decided).toEqual({ ok: true, value: { helperPersonnummer: helper, validUntil: '2027-06-30' } });
    const tenDigits = formatPersonnummer(helper, 'separated10', today);
    expect(decidePowerOfAttorney({ today, helperPersonnummer: tenDigits, validUntil: '2027-06-30' })).toEqual(decided);
  });

  it('R-COLL-8: a wrong check digit, a date not after today or too far, and oneself are refused, naming the field', () => {
    const wrong = helper.slice(0, 11) + String((Number(helper[11]) + 1) % 10);
    expect(decidePowerOfAttorney({ today, helperPersonnummer: wrong, validUntil: '2027-01-01' })).toMatchObject({
      refusal: { kind: 'invalid', field: 'helperPersonnummer' },
    });
    expect(decidePowerOfAttorney({ today, helperPersonnummer: helper, validUntil: today })).toMatchObject({
      refusal: { field: 'validUntil' },
    });
    expect(decidePowerOfAttorney({ today, helperPersonnummer: helper, validUntil: '2030-01-01' })).toMatchObject({
      refusal: { field: 'validUntil' },
    });
    expect(
      decidePowerOfAttorney({
        today,
        helperPersonnummer: grantor,
        validUntil: '2027-01-01',
        grantorPersonnummer: grantor,
      }),
    ).toMatchObject({ refusal: { kind: 'conflict', rule: 'R-COLL-8' } });
  });

  it('R-COLL-8: in force when signed, up to and including its date, not when revoked', () => {
    expect(powerOfAttorneyInForce({ status: 'ACTIVE', validUntil: today }, today)).toBe(true);
    expect(powerOfAttorneyInForce({ status: 'ACTIVE', validUntil: '2026-11-30' }, today)).toBe(false);
    expect(powerOfAttorneyInForce({ status: 'REVOKED', validUntil: '2027-01-01' }, today)).toBe(false);
    expect(powerOfAttorneyInForce({ status: 'PENDING_SIGNATURE', validUntil: '2027-01-01' }, today)).toBe(false);
  });
});
