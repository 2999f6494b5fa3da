/** Shared formatting of what customers read: Swedish amounts and dates. Pure. */
import type { IsoDate } from '../domain/dates';
import { Decimal } from '../domain/money';

/** `1234.5` → `1 234,50 kr` (space between thousands, decimal comma). */
export function formatKronor(amount: string | Decimal, decimals = 2): string {
  const fixed = new Decimal(amount).toFixed(decimals);
  const [whole, fraction] = fixed.replace('-', '').split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${fixed.startsWith('-') ? '−' : ''}${grouped}${fraction ? `,${fraction}` : ''} kr`;
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

/** `2027-03-05` → `5 mars 2027`. */
export function formatDate(isoDate: IsoDate): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}
