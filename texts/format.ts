/**
 * Swedish formatting of amounts and dates for everything customers read (letters, e-mails, SMS,
 * pages). Pure: imports domain/ only.
 */
import type { OpenLineKind } from '../domain/allocation';
import { stockholmDate } from '../domain/dates';
import { Decimal } from '../domain/money';

/**
 * `1234.5` → `1 234,50 kr` (thousands grouped by spaces, decimal comma, minus sign kept); two
 * decimals unless told (a withdrawal's interest per day shows four), rounded half up.
 */
export function formatKronor(amount: string | Decimal, decimals = 2): string {
  const d = new Decimal(amount).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP);
  const [whole, fraction] = d.abs().toFixed(decimals).split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${d.isNegative() && !d.isZero() ? '−' : ''}${grouped}${fraction ? `,${fraction}` : ''} kr`;
}

/**
 * A calendar date (`2026-03-10`) or an instant (`2026-03-10T08:00:00Z`) as the Swedish numeric
 * date of Europe/Stockholm (SS-ISO 8601: `2026-03-10`), as pages and lists show dates.
 */
export function formatDate(isoDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return isoDate;
  const instant = new Date(isoDate);
  if (Number.isNaN(instant.getTime())) return isoDate;
  return stockholmDate(instant);
}

const MONTHS = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
];

/** `2027-03-05` → `5 mars 2027`, as letters write a date in running text. */
export function formatLongDate(isoDate: string): string {
  const [year, month, day] = formatDate(isoDate).split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** `9.95` → `9,95 %` */
export function formatPercent(percent: string | Decimal): string {
  return `${new Decimal(percent).toFixed(2).replace('.', ',')} %`;
}

const INVOICE_LINE_LABELS: Record<OpenLineKind, string> = {
  principal: 'Amortering',
  interest: 'Ränta',
  'default-interest': 'Dröjsmålsränta',
  'setup-fee': 'Uppläggningsavgift',
  'notice-fee': 'Aviavgift',
  'late-fee': 'Förseningsavgift',
  'reminder-fee': 'Påminnelseavgift',
  'collection-fee': 'Inkassoavgift',
  'other-fee': 'Övrig avgift',
};

/** An invoice line's kind as the customer reads it; an unknown kind shows as it is. */
export function invoiceLineLabel(kind: string): string {
  return (INVOICE_LINE_LABELS as Record<string, string>)[kind] ?? kind;
}
