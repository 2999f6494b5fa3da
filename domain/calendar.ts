/**
 * Swedish banking calendar (R-TIME-2): a banking day is a weekday that is neither a public holiday
 * nor midsummer eve, Christmas eve or New Year's eve. Due dates (R-LOAN-1), invoice days and payout
 * deadlines (R-APP-9) are computed here.
 *
 * Pure and deterministic (usable in workflow code): the per-year holiday sets are memoised in
 * module state, which only ever caches a function of the year.
 */
import { addDays, compareDates, dayOfWeek, daysInMonth, formatIsoDate, type IsoDate, parseIsoDate } from './dates';

export type HolidayKind =
  /** A public holiday (allmän helgdag). */
  | 'public-holiday'
  /** A day banks treat as a holiday though it is not a public one (R-TIME-2: the three eves). */
  | 'bank-holiday-eve';

export interface SwedishHoliday {
  date: IsoDate;
  name: string;
  kind: HolidayKind;
}

const SATURDAY = 6;
const SUNDAY = 0;
const FRIDAY = 5;

/**
 * Easter Sunday, anonymous Gregorian algorithm (Meeus/Jones/Butcher). Valid for every Gregorian
 * year; the integer divisions are the algorithm's, not approximations.
 */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatIsoDate({ year, month, day });
}

/** The first day in [from, from + 6] of month `month` that falls on `weekday` (0 = Sunday). */
function weekdayInWindow(year: number, month: number, fromDay: number, weekday: number): IsoDate {
  const start = formatIsoDate({ year, month, day: fromDay });
  return addDays(start, (weekday - dayOfWeek(start) + 7) % 7);
}

/**
 * Every Swedish public holiday and non-banking eve of `year` (R-TIME-2), in date order, including
 * those that fall on a weekend (Pingstdagen, Midsommardagen and Alla helgons dag always do).
 */
export function swedishHolidays(year: number): SwedishHoliday[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`year outside the Gregorian range this calendar supports: ${year}`);
  }
  const on = (month: number, day: number): IsoDate => formatIsoDate({ year, month, day });
  const easter = easterSunday(year);
  const publicHoliday = (date: IsoDate, name: string): SwedishHoliday => ({ date, name, kind: 'public-holiday' });
  const eve = (date: IsoDate, name: string): SwedishHoliday => ({ date, name, kind: 'bank-holiday-eve' });
  const holidays: SwedishHoliday[] = [
    publicHoliday(on(1, 1), 'Nyårsdagen'),
    publicHoliday(on(1, 6), 'Trettondedag jul'),
    publicHoliday(addDays(easter, -2), 'Långfredagen'),
    publicHoliday(easter, 'Påskdagen'),
    publicHoliday(addDays(easter, 1), 'Annandag påsk'),
    publicHoliday(on(5, 1), 'Första maj'),
    publicHoliday(addDays(easter, 39), 'Kristi himmelsfärdsdag'),
    publicHoliday(addDays(easter, 49), 'Pingstdagen'),
    publicHoliday(on(6, 6), 'Sveriges nationaldag'),
    eve(weekdayInWindow(year, 6, 19, FRIDAY), 'Midsommarafton'),
    publicHoliday(weekdayInWindow(year, 6, 20, SATURDAY), 'Midsommardagen'),
    // The Saturday between 31 Oct and 6 Nov: the first Saturday on or after 31 Oct.
    publicHoliday(weekdayInWindow(year, 10, 31, SATURDAY), 'Alla helgons dag'),
    eve(on(12, 24), 'Julafton'),
    publicHoliday(on(12, 25), 'Juldagen'),
    publicHoliday(on(12, 26), 'Annandag jul'),
    eve(on(12, 31), 'Nyårsafton'),
  ];
  // Kristi himmelsfärd can fall on 1 May (e.g. 2008); keep one entry per date so callers can
  // treat the list as a set of closed days.
  const byDate = new Map<IsoDate, SwedishHoliday>();
  for (const h of holidays) if (!byDate.has(h.date)) byDate.set(h.date, h);
  return [...byDate.values()].sort((x, y) => compareDates(x.date, y.date));
}

const closedDaysByYear = new Map<number, ReadonlySet<IsoDate>>();

function closedDays(year: number): ReadonlySet<IsoDate> {
  let days = closedDaysByYear.get(year);
  if (!days) {
    days = new Set(swedishHolidays(year).map((h) => h.date));
    closedDaysByYear.set(year, days);
  }
  return days;
}

export function isWeekend(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  return weekday === SATURDAY || weekday === SUNDAY;
}

/** True when `date` is a public holiday or one of the non-banking eves (weekends not included). */
export function isSwedishHoliday(date: IsoDate): boolean {
  return closedDays(parseIsoDate(date).year).has(date);
}

/** R-TIME-2: a weekday that is not a public holiday nor midsummer, Christmas or New Year's eve. */
export function isBankingDay(date: IsoDate): boolean {
  return !isWeekend(date) && !isSwedishHoliday(date);
}

/** The first banking day on or after `date` (`date` itself when it is one). */
export function bankingDayOnOrAfter(date: IsoDate): IsoDate {
  let d = date;
  while (!isBankingDay(d)) d = addDays(d, 1);
  return d;
}

/** The first banking day strictly after `date`. */
export function nextBankingDayAfter(date: IsoDate): IsoDate {
  return bankingDayOnOrAfter(addDays(date, 1));
}

/** The last banking day on or before `date` (`date` itself when it is one). */
export function bankingDayOnOrBefore(date: IsoDate): IsoDate {
  let d = date;
  while (!isBankingDay(d)) d = addDays(d, -1);
  return d;
}

/** The last banking day strictly before `date`. */
export function previousBankingDayBefore(date: IsoDate): IsoDate {
  return bankingDayOnOrBefore(addDays(date, -1));
}

const lastBankingDayCache = new Map<number, IsoDate>();

/**
 * The last banking day of a month (R-TIME-2, R-LOAN-1: installments fall due on it).
 * `month` is 1–12. Memoised because every payment plan asks for up to 120 of them.
 */
export function lastBankingDayOfMonth(year: number, month: number): IsoDate {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month must be 1–12, got ${month}`);
  const key = year * 12 + month;
  let day = lastBankingDayCache.get(key);
  if (day === undefined) {
    day = bankingDayOnOrBefore(formatIsoDate({ year, month, day: daysInMonth(year, month) }));
    lastBankingDayCache.set(key, day);
  }
  return day;
}

/** The last banking day of the month `date` lies in. */
export function lastBankingDayOfMonthOf(date: IsoDate): IsoDate {
  const { year, month } = parseIsoDate(date);
  return lastBankingDayOfMonth(year, month);
}

/**
 * Moves `n` banking days from `date`: n > 0 counts banking days strictly after `date` (so
 * "within 3 banking days" of a signing is addBankingDays(signed, 3)), n < 0 counts strictly before,
 * n = 0 returns `date` unchanged even when it is not a banking day.
 */
export function addBankingDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`banking days must be an integer, got ${n}`);
  let d = date;
  for (let i = 0; i < n; i++) d = nextBankingDayAfter(d);
  for (let i = 0; i > n; i--) d = previousBankingDayBefore(d);
  return d;
}
