import fc from 'fast-check';
import {
  assertValidOcr,
  generateOcr,
  hasValidLuhnCheckDigit,
  InvalidOcrError,
  invoiceOcrReference,
  isValidOcr,
  loanOcrReference,
  luhnCheckDigit,
  parseInvoiceOcrReference,
  validateOcr,
} from '../../domain/ocr';

fc.configureGlobal({ seed: 20250402, numRuns: 300 });

const digitString = (minLength: number, maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength, maxLength }).map((ds) => ds.join(''));

describe('OCR reference (R-LOAN-1)', () => {
  it('R-LOAN-1: Luhn check digit of the textbook example 7992739871 is 3', () => {
    // From the right, weights 2,1,2,…: 1→2, 7, 8→16→7, 9, 3→6, 7, 2→4, 9, 9→18→9, 7
    // = 2+7+7+9+6+7+4+9+9+7 = 67 → check (10 − 7) = 3.
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(hasValidLuhnCheckDigit('79927398713')).toBe(true);
  });

  it('R-LOAN-1: check digit only ("soft" control): 1234567 → 12345674', () => {
    // From the right: 7→14→5, 6, 5→10→1, 4, 3→6, 2, 1→2 = 26 → check 4.
    expect(generateOcr('1234567', { withLengthDigit: false })).toBe('12345674');
    expect(validateOcr('12345674')).toEqual({ valid: true });
  });

  it('R-LOAN-1: with length digit ("hard" control): 1234567 → 123456790', () => {
    // Total length 7 + 2 = 9 → length digit 9; Luhn over 12345679 from the right:
    // 9→18→9, 7, 6→12→3, 5, 4→8, 3, 2→4, 1 = 40 → check 0.
    expect(generateOcr('1234567')).toBe('123456790');
    expect(validateOcr('123456790', { requireLengthDigit: true })).toEqual({ valid: true });
  });

  it('R-LOAN-1: the length digit is the length mod 10 (12 digits → 2)', () => {
    const ocr = generateOcr('1234567890');
    expect(ocr).toHaveLength(12);
    expect(ocr[10]).toBe('2');
  });

  it('R-LOAN-1: hard control rejects a Luhn-valid reference without a correct length digit', () => {
    // 12345674 is Luhn-valid but its second-last digit 7 is not 8 (its length).
    expect(validateOcr('12345674', { requireLengthDigit: true })).toMatchObject({
      valid: false,
      reason: 'length-digit',
    });
  });

  it('R-LOAN-1: rejects non-digits, wrong lengths and wrong check digits with a reason', () => {
    expect(validateOcr('1234 5674')).toMatchObject({ valid: false, reason: 'not-digits' });
    expect(validateOcr('')).toMatchObject({ valid: false, reason: 'not-digits' });
    expect(validateOcr('0')).toMatchObject({ valid: false, reason: 'too-short' });
    expect(validateOcr('1'.repeat(26))).toMatchObject({ valid: false, reason: 'too-long' });
    expect(validateOcr('12345675')).toMatchObject({ valid: false, reason: 'check-digit' });
    expect(() => assertValidOcr('12345675')).toThrow(InvalidOcrError);
    expect(() => generateOcr('12a')).toThrow(InvalidOcrError);
    expect(() => generateOcr('1'.repeat(24))).toThrow(/at most 25/);
  });

  it('R-LOAN-1: a loan reference is contract number + length digit + check digit', () => {
    // 10010 + length 7 → 100107; from the right 7→14→5, 0, 1→2, 0, 0, 1 = 8 → check 2.
    expect(loanOcrReference('10010')).toBe('1001072');
  });

  it('R-LOAN-1: an invoice reference encodes contract and invoice sequence and decodes back', () => {
    // 1001 + 007 + length 9 → 10010079; from the right 9→18→9, 7, 0, 0, 1→2, 0, 0, 1 = 19 → check 1.
    expect(invoiceOcrReference('1001', 7)).toBe('100100791');
    expect(parseInvoiceOcrReference('100100791')).toEqual({ contractNumber: '1001', invoiceSequence: 7 });
    expect(() => invoiceOcrReference('1001', 0)).toThrow(RangeError);
    expect(() => invoiceOcrReference('1001', 1000)).toThrow(RangeError);
    expect(() => invoiceOcrReference('LN-1', 1)).toThrow(InvalidOcrError);
  });

  it('R-LOAN-1: generated references validate, with and without length digit (round trip)', () => {
    fc.assert(
      fc.property(digitString(1, 23), fc.boolean(), (base, withLengthDigit) => {
        const ocr = generateOcr(base, { withLengthDigit });
        expect(ocr.startsWith(base)).toBe(true);
        expect(isValidOcr(ocr, { requireLengthDigit: withLengthDigit })).toBe(true);
      }),
    );
  });

  it('R-LOAN-1: invoice references round-trip through parse', () => {
    fc.assert(
      fc.property(digitString(1, 20), fc.integer({ min: 1, max: 999 }), (contractNumber, invoiceSequence) => {
        expect(parseInvoiceOcrReference(invoiceOcrReference(contractNumber, invoiceSequence))).toEqual({
          contractNumber,
          invoiceSequence,
        });
      }),
    );
  });

  it('R-LOAN-1: any single-digit change is rejected', () => {
    fc.assert(
      fc.property(
        digitString(1, 23),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (base, withLengthDigit, positionSeed, delta) => {
          const ocr = generateOcr(base, { withLengthDigit });
          const position = positionSeed % ocr.length;
          const changed = (Number(ocr[position]) + delta) % 10;
          const mutated = ocr.slice(0, position) + String(changed) + ocr.slice(position + 1);
          expect(isValidOcr(mutated)).toBe(false);
        },
      ),
    );
  });
});
