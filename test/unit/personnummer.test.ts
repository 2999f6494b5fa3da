import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '../../domain/dates';
import {
  ageAt,
  formatPersonnummer,
  hasReachedAge,
  InvalidPersonnummerError,
  isValidPersonnummer,
  parsePersonnummer,
  personnummerCheckDigit,
  type PersonnummerStyle,
} from '../../domain/personnummer';
import { DEFAULT_PRODUCT } from '../../domain/product';

fc.configureGlobal({ seed: 20250401, numRuns: 300 });

const TODAY = '2025-06-30';

function reasonOf(input: string, referenceDate = TODAY): string {
  try {
    parsePersonnummer(input, referenceDate);
  } catch (error) {
    if (error instanceof InvalidPersonnummerError) return error.reason;
    throw error;
  }
  return 'valid';
}

describe('personnummer (R-APP-1)', () => {
  // Luhn over YYMMDDNNN with weights 2,1,2,1,… from the left; products > 9 add their digits.
  it('R-APP-1: accepts Skatteverket test person 19121212-1212 in every form', () => {
    // 1 2 1 2 1 2 1 2 1 × 2 1 2 1 2 1 2 1 2 → 2+2+2+2+2+2+2+2+2 = 18 → check (10 − 8) = 2.
    expect(personnummerCheckDigit('121212121')).toBe(2);
    const expected = {
      normalised: '191212121212',
      birthDate: '1912-12-12',
      isCoordinationNumber: false,
      sex: 'male',
    };
    expect(parsePersonnummer('19121212-1212', TODAY)).toEqual(expected);
    expect(parsePersonnummer('191212121212', TODAY)).toEqual(expected);
    // Born 1912, so from 2012 on the 10-digit form carries '+'.
    expect(parsePersonnummer('121212+1212', TODAY)).toEqual(expected);
    expect(parsePersonnummer('  121212+1212 ', TODAY)).toEqual(expected);
  });

  it("R-APP-1: the '-' or missing separator means under 100 in the reference year", () => {
    // Same digits with '-': the latest year ≤ 2025 ending in 12 is 2012.
    expect(parsePersonnummer('121212-1212', TODAY).birthDate).toBe('2012-12-12');
    expect(parsePersonnummer('1212121212', TODAY).birthDate).toBe('2012-12-12');
  });

  it('R-APP-1: accepts 811228-9874 (male) and 850709-9805 (female)', () => {
    // 8 1 1 2 2 8 9 8 7 → 16→7, 1, 2, 2, 4, 8, 18→9, 8, 14→5 = 46 → check 4.
    expect(parsePersonnummer('811228-9874', TODAY)).toEqual({
      normalised: '198112289874',
      birthDate: '1981-12-28',
      isCoordinationNumber: false,
      sex: 'male', // 9th digit 7 is odd
    });
    // 8 5 0 7 0 9 9 8 0 → 16→7, 5, 0, 7, 0, 9, 18→9, 8, 0 = 45 → check 5.
    expect(parsePersonnummer('8507099805', TODAY)).toMatchObject({
      birthDate: '1985-07-09',
      sex: 'female',
    });
  });

  it('R-APP-1: rejects a wrong check digit', () => {
    expect(reasonOf('811228-9875')).toBe('check-digit');
    expect(reasonOf('19121212-1213')).toBe('check-digit');
    expect(isValidPersonnummer('811228-9875', TODAY)).toBe(false);
  });

  it('R-APP-1: rejects dates that do not exist, even with a matching check digit', () => {
    // 8 1 0 2 3 0 2 9 0 → 16→7, 1, 0, 2, 6, 0, 4, 9, 0 = 29 → check 1: Luhn-valid, but 30 Feb.
    expect(reasonOf('810230-2901')).toBe('invalid-date');
    // 1923 is not a leap year (2 3 0 2 2 9 2 9 0 → 4,3,0,2,4,9,4,9,0 = 35 → check 5).
    expect(reasonOf('19230229-2905')).toBe('invalid-date');
    expect(reasonOf('811328-9873')).toBe('invalid-date'); // month 13
    // 2000 is a leap year: 0 0 0 2 2 9 2 9 0 → 0,0,0,2,4,9,4,9,0 = 28 → check 2.
    expect(parsePersonnummer('20000229-2902', TODAY).birthDate).toBe('2000-02-29');
  });

  it('R-APP-1: rejects malformed input', () => {
    for (const input of [
      '',
      '811228-987',
      '81122898745',
      '811228_9874',
      '19811228+9874',
      'abcdefghij',
      '811228--9874',
    ]) {
      expect(reasonOf(input)).toBe('format');
    }
  });

  it('R-APP-1: the error message never contains the number (R-SEC-2)', () => {
    expect(() => parsePersonnummer('811228-9875', TODAY)).toThrow(InvalidPersonnummerError);
    try {
      parsePersonnummer('811228-9875', TODAY);
    } catch (error) {
      expect((error as Error).message).not.toContain('9875');
    }
  });

  it('R-APP-1: rejects a birth date after the reference date', () => {
    // '-' resolves 25 to 2025; 2025-06-12 is after 2025-06-01.
    // 2 5 0 6 1 2 1 2 3 → 4,5,0,6,2,2,2,2,6 = 29 → check 1.
    expect(reasonOf('250612-1231', '2025-06-01')).toBe('birth-date-in-future');
    expect(parsePersonnummer('250612-1231', '2025-06-12').birthDate).toBe('2025-06-12');
  });

  it('R-APP-1: coordination number 701063-2391 has day + 60', () => {
    // 7 0 1 0 6 3 2 3 9 → 14→5, 0, 2, 0, 12→3, 3, 4, 3, 18→9 = 29 → check 1.
    expect(parsePersonnummer('701063-2391', TODAY)).toEqual({
      normalised: '197010632391',
      birthDate: '1970-10-03',
      isCoordinationNumber: true,
      sex: 'male',
    });
    // Day 60 + 32 = 92 is no date.
    expect(reasonOf('701092-2391')).toBe('invalid-date');
  });

  it("R-APP-1: '+' picks the century 100 years back", () => {
    // Reference year 2025: '+' → latest year ≤ 1925 ending in 81 → 1881.
    expect(parsePersonnummer('811228+9874', TODAY).birthDate).toBe('1881-12-28');
  });

  it("R-APP-1: formats the 10-digit form with '+' from the year the person turns 100", () => {
    expect(formatPersonnummer('191212121212', 'separated10', '2011-12-31')).toBe('121212-1212');
    expect(formatPersonnummer('191212121212', 'separated10', '2012-01-01')).toBe('121212+1212');
    expect(formatPersonnummer('191212121212', 'separated12')).toBe('19121212-1212');
    expect(formatPersonnummer('191212121212', 'compact10')).toBe('1212121212');
  });

  it('R-APP-1: age is 17 the day before the 18th birthday and 18 on it', () => {
    // 0 7 0 3 1 5 1 2 3 → 0,7,0,3,2,5,2,2,6 = 27 → check 3.
    const { birthDate } = parsePersonnummer('070315-1233', TODAY);
    expect(birthDate).toBe('2007-03-15');
    expect(ageAt(birthDate, '2025-03-14')).toBe(17);
    expect(ageAt(birthDate, '2025-03-15')).toBe(18);
    expect(hasReachedAge(birthDate, '2025-03-14', DEFAULT_PRODUCT.application.minApplicantAge)).toBe(false);
    expect(hasReachedAge(birthDate, '2025-03-15', DEFAULT_PRODUCT.application.minApplicantAge)).toBe(true);
  });

  it('R-APP-1: someone born on 29 February turns a year older on 1 March in non-leap years', () => {
    // 0 4 0 2 2 9 1 2 3 → 0,4,0,2,4,9,2,2,6 = 29 → check 1.
    const { birthDate } = parsePersonnummer('040229-1231', TODAY);
    expect(birthDate).toBe('2004-02-29');
    expect(ageAt(birthDate, '2022-02-28')).toBe(17);
    expect(ageAt(birthDate, '2022-03-01')).toBe(18);
    expect(ageAt(birthDate, '2024-02-28')).toBe(19);
    expect(ageAt(birthDate, '2024-02-29')).toBe(20); // leap year: on the day itself
    expect(() => ageAt(birthDate, '2004-02-28')).toThrow(RangeError);
  });

  it('R-APP-1: generated numbers round-trip through every written form', () => {
    const reference = TODAY;
    const firstDay = toDayNumber('1900-01-01');
    const lastDay = toDayNumber(reference);
    const styles: PersonnummerStyle[] = ['compact12', 'separated12', 'separated10', 'compact10'];
    fc.assert(
      fc.property(
        fc.integer({ min: firstDay, max: lastDay }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (dayNumber, serial, coordination) => {
          const birthDate = fromDayNumber(dayNumber);
          const [yyyy, mm, dd] = birthDate.split('-') as [string, string, string];
          const numberDay = String(Number(dd) + (coordination ? 60 : 0)).padStart(2, '0');
          const nine = yyyy.slice(2) + mm + numberDay + String(serial).padStart(3, '0');
          const normalised = yyyy.slice(0, 2) + nine + String(personnummerCheckDigit(nine));
          const underHundred = Number(reference.slice(0, 4)) - Number(yyyy) < 100;
          for (const style of styles) {
            if (style === 'compact10' && !underHundred) continue; // that form cannot express '+'
            const parsed = parsePersonnummer(formatPersonnummer(normalised, style, reference), reference);
            expect(parsed.normalised).toBe(normalised);
            expect(parsed.birthDate).toBe(birthDate);
            expect(parsed.isCoordinationNumber).toBe(coordination);
            expect(parsed.sex).toBe(serial % 2 === 1 ? 'male' : 'female');
          }
        },
      ),
    );
  });

  it('R-APP-1: changing the check digit of a valid number always invalidates it', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: toDayNumber('1930-01-01'),
          max: toDayNumber(addDays(TODAY, -1)),
        }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 1, max: 9 }),
        (dayNumber, serial, delta) => {
          const [yyyy, mm, dd] = fromDayNumber(dayNumber).split('-') as [string, string, string];
          const nine = yyyy.slice(2) + mm + dd + String(serial).padStart(3, '0');
          const wrong = (personnummerCheckDigit(nine) + delta) % 10;
          expect(reasonOf(yyyy + mm + dd + nine.slice(6) + String(wrong))).toBe('check-digit');
        },
      ),
    );
  });
});
