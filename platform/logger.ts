/**
 * Structured logs (pino). Personal data never reaches a log in clear (R-SEC-2): known fields are
 * redacted by path, and personal identity numbers, emails and phone numbers inside free text are
 * masked by `redactText`.
 */
import pino, { type Logger } from 'pino';

const PERSONAL_FIELDS = [
  'personnummer',
  'personalIdentityNumber',
  'nationalId',
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'phoneNumber',
  'address',
  'accountNumber',
];

// Top-level `name` is pino's logger name, so names are redacted only inside objects.
const redactPaths = PERSONAL_FIELDS.flatMap((f) => (f === 'name' ? [] : [f])).concat(
  PERSONAL_FIELDS.flatMap((f) => [`*.${f}`, `*.*.${f}`]),
  ['req.headers.authorization', 'headers.authorization'],
);

const PERSONNUMMER = /\b(\d{2})?\d{6}[-+]?\d{4}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/g;
// Swedish mobiles: 07x…, +46 7x… and 0046 7x…, with the usual space or hyphen grouping.
const PHONE = /(\+46[\s-]?|0046[\s-]?|0)7\d[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}\b/g;

export function redactText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]').replace(PERSONNUMMER, '[personnummer]');
}

export function createLogger(level: string, name = 'loan-engine'): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
      },
    },
  });
}

export type { Logger };
