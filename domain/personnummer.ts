/**
 * Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer),
 * R-APP-1: every applicant has a valid number (Luhn check digit) and is at least 18.
 *
 * Accepted forms (surrounding whitespace ignored):
 *   YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC   10 digits; the century comes from a reference date
 *   YYYYMMDD-NNNC, YYYYMMDDNNNC            12 digits; the century is explicit
 * A coordination number is a personnummer whose day is the birth day + 60.
 *
 * Skatteverket's convention for the 10-digit form: the separator is '-' and changes to '+' in the
 * calendar year the person turns 100. So the century is resolved by the reference date's *year*:
 * with '-' (or no separator) the birth year is the latest year ≤ reference year ending in YY; with
 * '+' the latest such year ≤ reference year − 100. A birth date after the reference date is rejected.
 */
import { compareDates, daysInMonth, formatIsoDate, type IsoDate, parseIsoDate } from './dates';
import { luhnCheckDigit } from './ocr';

export type Sex = 'female' | 'male';

export interface Personnummer {
  /** 12 digits, YYYYMMDDNNNC, no separator; a coordination number keeps its day + 60. */
  normalised: string;
  /** The real birth date (for a coordination number: day − 60). */
  birthDate: IsoDate;
  isCoordinationNumber: boolean;
  /**
   * From the parity of the 9th digit of the 10-digit form (odd = male, even = female): the legal
   * sex recorded when the number was assigned. Not needed by any product rule; never log it.
   */
  sex: Sex;
}

export type InvalidPersonnummerReason =
  /** Not one of the accepted forms. */
  | 'format'
  /** Month or day (after removing the coordination offset) is not a calendar date. */
  | 'invalid-date'
  /** The birth date lies after the reference date. */
  | 'birth-date-in-future'
  /** The Luhn check digit does not match. */
  | 'check-digit';

export class InvalidPersonnummerError extends Error {
  constructor(
    readonly reason: InvalidPersonnummerReason,
    detail: string,
  ) {
    // The input is personal data (R-SEC-2): it is deliberately not part of the message.
    super(`invalid personal identity number (${reason}): ${detail}`);
    this.name = 'InvalidPersonnummerError';
  }
}

/** The day offset that marks a coordination number. */
const COORDINATION_DAY_OFFSET = 60;
const TEN_DIGIT_FORM = /^(\d{6})([-+]?)(\d{4})$/;
const TWELVE_DIGIT_FORM = /^(\d{8})(-?)(\d{4})$/;

/**
 * Parses and validates `input`. `referenceDate` (normally "today", passed in) resolves the century
 * of 10-digit forms and bounds the birth date. Throws InvalidPersonnummerError.
 */
export function parsePersonnummer(input: string, referenceDate: IsoDate): Personnummer {
  const reference = parseIsoDate(referenceDate);
  const text = input.trim();
  let fullYear: number;
  let monthDayAndSerial: string; // MMDDNNNC
  const short = TEN_DIGIT_FORM.exec(text);
  const long = TWELVE_DIGIT_FORM.exec(text);
  if (short) {
    const yy = Number(short[1]!.slice(0, 2));
    const base = short[2] === '+' ? reference.year - 100 : reference.year;
    fullYear = base - ((((base - yy) % 100) + 100) % 100); // latest year ≤ base ending in yy
    monthDayAndSerial = short[1]!.slice(2) + short[3]!;
  } else if (long) {
    fullYear = Number(long[1]!.slice(0, 4));
    monthDayAndSerial = long[1]!.slice(4) + long[3]!;
  } else {
    const detail = /^\d{8}\+\d{4}$/.test(text)
      ? "the '+' separator belongs to the 10-digit form only"
      : 'expected YYMMDD-NNNC, YYMMDD+NNNC, YYYYMMDD-NNNC or the same without separator';
    throw new InvalidPersonnummerError('format', detail);
  }

  const month = Number(monthDayAndSerial.slice(0, 2));
  const numberDay = Number(monthDayAndSerial.slice(2, 4));
  const isCoordinationNumber = numberDay > COORDINATION_DAY_OFFSET;
  const day = isCoordinationNumber ? numberDay - COORDINATION_DAY_OFFSET : numberDay;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(fullYear, month)) {
    throw new InvalidPersonnummerError('invalid-date', 'the date part is not a calendar date');
  }
  const birthDate = formatIsoDate({ year: fullYear, month, day });
  if (compareDates(birthDate, referenceDate) > 0) {
    throw new InvalidPersonnummerError('birth-date-in-future', 'the birth date lies after the reference date');
  }

  const normalised = String(fullYear).padStart(4, '0') + monthDayAndSerial;
  const tenDigits = normalised.slice(2);
  if (luhnCheckDigit(tenDigits.slice(0, 9)) !== Number(tenDigits[9])) {
    throw new InvalidPersonnummerError('check-digit', 'the check digit does not match');
  }
  return {
    normalised,
    birthDate,
    isCoordinationNumber,
    sex: Number(tenDigits[8]) % 2 === 1 ? 'male' : 'female',
  };
}

export function isValidPersonnummer(input: string, referenceDate: IsoDate): boolean {
  try {
    parsePersonnummer(input, referenceDate);
    return true;
  } catch (error) {
    if (error instanceof InvalidPersonnummerError) return false;
    throw error;
  }
}

/** The check digit for the first 9 digits of the 10-digit form (YYMMDDNNN). */
export function personnummerCheckDigit(yymmddnnn: string): number {
  if (!/^\d{9}$/.test(yymmddnnn)) throw new RangeError('expected the 9 digits YYMMDDNNN');
  return luhnCheckDigit(yymmddnnn);
}

export type PersonnummerStyle =
  /** YYYYMMDDNNNC, the normalised form. */
  | 'compact12'
  /** YYYYMMDD-NNNC */
  | 'separated12'
  /** YYMMDD-NNNC, or YYMMDD+NNNC from the year the person turns 100 (needs a reference date). */
  | 'separated10'
  /** YYMMDDNNNC: loses the '+', so it parses back correctly only for people under 100. */
  | 'compact10';

/** Formats a normalised 12-digit number; `referenceDate` is required for 'separated10'. */
export function formatPersonnummer(normalised: string, style: PersonnummerStyle, referenceDate?: IsoDate): string {
  if (!/^\d{12}$/.test(normalised)) {
    throw new InvalidPersonnummerError('format', 'formatting expects the normalised 12-digit form');
  }
  const date = normalised.slice(0, 8);
  const serial = normalised.slice(8);
  switch (style) {
    case 'compact12':
      return normalised;
    case 'separated12':
      return `${date}-${serial}`;
    case 'compact10':
      return normalised.slice(2);
    case 'separated10': {
      if (referenceDate === undefined) throw new RangeError("style 'separated10' needs a reference date");
      const turnsAtLeast100 = parseIsoDate(referenceDate).year - Number(normalised.slice(0, 4)) >= 100;
      return `${date.slice(2)}${turnsAtLeast100 ? '+' : '-'}${serial}`;
    }
  }
}

/**
 * Age in whole years on `date`. Someone born on 29 February has their birthday on 1 March in
 * non-leap years (so turns 18 on 1 March, not 28 February): of the two readings this is the later
 * one, so a minimum-age check (R-APP-1) never accepts a person who might still be under age.
 */
export function ageAt(birthDate: IsoDate, date: IsoDate): number {
  const birth = parseIsoDate(birthDate);
  const on = parseIsoDate(date);
  if (compareDates(date, birthDate) < 0) throw new RangeError(`${date} is before the birth date`);
  const hadBirthdayThisYear = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  // Comparing (month, day) pairs gives the 1 March reading for free: in a non-leap year 28 Feb is
  // before (2, 29) and 1 Mar is after it.
  return on.year - birth.year - (hadBirthdayThisYear ? 0 : 1);
}

/** R-APP-1: whether the person has reached `years` (e.g. the product's minApplicantAge) on `date`. */
export function hasReachedAge(birthDate: IsoDate, date: IsoDate, years: number): boolean {
  return compareDates(date, birthDate) >= 0 && ageAt(birthDate, date) >= years;
}
