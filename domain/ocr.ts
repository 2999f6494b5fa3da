/**
 * OCR references for bankgiro payments (R-LOAN-1): the digits a borrower types when paying an
 * invoice, ending in a Luhn (mod 10) check digit, optionally preceded by a length digit.
 *
 * Bankgirot's rules: an OCR reference is 2–25 digits. With "soft" control only the check digit is
 * verified; with "hard" control the second-last digit is the total length mod 10 as well, which
 * also catches a dropped or added digit that the check digit alone may miss.
 *
 * The Luhn helpers here are shared with personnummer.ts (R-APP-1), which uses the same algorithm.
 */

export const OCR_MIN_LENGTH = 2;
export const OCR_MAX_LENGTH = 25;
/** Invoice sequence numbers take this many digits in `invoiceOcrReference` (up to 999 invoices). */
export const INVOICE_SEQUENCE_DIGITS = 3;

const DIGITS = /^\d+$/;

export type InvalidOcrReason =
  | 'not-digits'
  | 'too-short'
  | 'too-long'
  | 'check-digit'
  | 'length-digit'
  /** Valid OCR, but not one `invoiceOcrReference` produces. */
  | 'not-an-invoice-reference';

export class InvalidOcrError extends Error {
  constructor(
    readonly input: string,
    readonly reason: InvalidOcrReason,
    detail: string,
  ) {
    super(`invalid OCR reference ${JSON.stringify(input)}: ${detail}`);
    this.name = 'InvalidOcrError';
  }
}

/**
 * The Luhn (mod 10) check digit for `payload` (digits only): from the rightmost payload digit,
 * weights 2, 1, 2, 1 …; products above 9 contribute their digit sum; check = (10 − sum mod 10) mod 10.
 */
export function luhnCheckDigit(payload: string): number {
  if (!DIGITS.test(payload)) throw new RangeError(`Luhn payload must be digits, got ${JSON.stringify(payload)}`);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is the Luhn check digit of the digits before it. */
export function hasValidLuhnCheckDigit(digits: string): boolean {
  if (digits.length < 2 || !DIGITS.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}

export interface GenerateOcrOptions {
  /** Insert the length digit (Bankgirot "hard" control) before the check digit. Default true. */
  withLengthDigit?: boolean;
}

/**
 * Appends (length digit and) check digit to `base`. With a length digit the total length is
 * base + 2 and the length digit is that total mod 10; the check digit covers the length digit too.
 */
export function generateOcr(base: string, options: GenerateOcrOptions = {}): string {
  const withLengthDigit = options.withLengthDigit ?? true;
  if (!DIGITS.test(base)) {
    throw new InvalidOcrError(base, 'not-digits', 'the base of an OCR reference must be one or more digits');
  }
  const totalLength = base.length + (withLengthDigit ? 2 : 1);
  if (totalLength > OCR_MAX_LENGTH) {
    throw new InvalidOcrError(
      base,
      'too-long',
      `the reference would be ${totalLength} digits, at most ${OCR_MAX_LENGTH}`,
    );
  }
  const payload = withLengthDigit ? base + String(totalLength % 10) : base;
  return payload + String(luhnCheckDigit(payload));
}

export interface ValidateOcrOptions {
  /** Also require the second-last digit to be the total length mod 10 (hard control). */
  requireLengthDigit?: boolean;
}

export type OcrValidation = { valid: true } | { valid: false; reason: InvalidOcrReason; message: string };

/** Validates format, length, the Luhn check digit and, when asked, the length digit. */
export function validateOcr(input: string, options: ValidateOcrOptions = {}): OcrValidation {
  const invalid = (reason: InvalidOcrReason, message: string): OcrValidation => ({ valid: false, reason, message });
  if (!DIGITS.test(input)) return invalid('not-digits', 'an OCR reference has digits only');
  if (input.length < OCR_MIN_LENGTH) return invalid('too-short', `at least ${OCR_MIN_LENGTH} digits`);
  if (input.length > OCR_MAX_LENGTH) return invalid('too-long', `at most ${OCR_MAX_LENGTH} digits`);
  if (!hasValidLuhnCheckDigit(input)) return invalid('check-digit', 'the Luhn check digit does not match');
  if (options.requireLengthDigit) {
    // A length digit needs at least one base digit before it: base + length digit + check digit.
    if (input.length < 3) return invalid('too-short', 'with a length digit, at least 3 digits');
    if (Number(input[input.length - 2]) !== input.length % 10) {
      return invalid('length-digit', `the length digit should be ${input.length % 10}`);
    }
  }
  return { valid: true };
}

export function isValidOcr(input: string, options: ValidateOcrOptions = {}): boolean {
  return validateOcr(input, options).valid;
}

/** Throws InvalidOcrError unless `input` is valid; returns it unchanged. */
export function assertValidOcr(input: string, options: ValidateOcrOptions = {}): string {
  const result = validateOcr(input, options);
  if (!result.valid) throw new InvalidOcrError(input, result.reason, result.message);
  return input;
}

/**
 * The reference that identifies a loan (R-LOAN-1): contract number + length digit + check digit.
 * The same on every invoice, so a borrower paying with a stale invoice still hits the right loan;
 * allocation is per loan anyway (R-LOAN-2, oldest item first).
 */
export function loanOcrReference(contractNumber: string): string {
  return generateOcr(requireContractDigits(contractNumber), {
    withLengthDigit: true,
  });
}

/**
 * A per-invoice reference: contract number + invoice sequence (zero-padded to 3 digits) + length
 * digit + check digit. Deterministic, and decodable without knowing the contract number's length,
 * because the sequence has a fixed width (see `parseInvoiceOcrReference`).
 */
export function invoiceOcrReference(contractNumber: string, invoiceSequence: number): string {
  const contract = requireContractDigits(contractNumber);
  const maxSequence = 10 ** INVOICE_SEQUENCE_DIGITS - 1;
  if (!Number.isInteger(invoiceSequence) || invoiceSequence < 1 || invoiceSequence > maxSequence) {
    throw new RangeError(`invoice sequence must be an integer 1–${maxSequence}, got ${invoiceSequence}`);
  }
  return generateOcr(contract + String(invoiceSequence).padStart(INVOICE_SEQUENCE_DIGITS, '0'), {
    withLengthDigit: true,
  });
}

/** Splits a valid per-invoice reference back into contract number and invoice sequence. */
export function parseInvoiceOcrReference(ocr: string): {
  contractNumber: string;
  invoiceSequence: number;
} {
  assertValidOcr(ocr, { requireLengthDigit: true });
  const base = ocr.slice(0, -2);
  if (base.length <= INVOICE_SEQUENCE_DIGITS) {
    throw new InvalidOcrError(
      ocr,
      'not-an-invoice-reference',
      'too short to hold a contract number and an invoice sequence',
    );
  }
  const invoiceSequence = Number(base.slice(-INVOICE_SEQUENCE_DIGITS));
  if (invoiceSequence === 0)
    throw new InvalidOcrError(ocr, 'not-an-invoice-reference', 'invoice sequence 000 is never issued');
  return {
    contractNumber: base.slice(0, -INVOICE_SEQUENCE_DIGITS),
    invoiceSequence,
  };
}

function requireContractDigits(contractNumber: string): string {
  if (!DIGITS.test(contractNumber)) {
    throw new InvalidOcrError(
      contractNumber,
      'not-digits',
      'a contract number used in an OCR reference must be digits',
    );
  }
  return contractNumber;
}
