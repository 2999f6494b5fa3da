/**
 * Swedish formatting of amounts and dates for everything customers read (letters, e-mails, SMS,
 * pages). Pure: imports domain/ only.
 */
import { stockholmDate } from '../domain/dates';
import { Decimal } from '../domain/money';

/** `1234.5` → `1 234,50 kr` (öre always shown, thousands grouped by spaces, minus sign kept). */
export function formatKronor(amount: string | Decimal): string {
  const d = new Decimal(amount).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const [whole, fraction] = d.abs().toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${d.isNegative() && !d.isZero() ? '−' : ''}${grouped},${fraction} kr`;
}

/**
 * A calendar date (`2026-03-10`) or an instant (`2026-03-10T08:00:00Z`) as the Swedish numeric
 * date of Europe/Stockholm (SS-ISO 8601: `2026-03-10`).
 */
export function formatDate(isoDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return isoDate;
  const instant = new Date(isoDate);
  if (Number.isNaN(instant.getTime())) return isoDate;
  return stockholmDate(instant);
}

/** `9.95` → `9,95 %` */
export function formatPercent(percent: string): string {
  return `${new Decimal(percent).toFixed(2).replace('.', ',')} %`;
}
