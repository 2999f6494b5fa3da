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

/**
 * `json`: one JSON object a line (for log collectors); `pretty`: one readable line per entry
 * (`12:00:01 INFO  engine: message key=value`), for a person at a terminal.
 */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set; otherwise pretty on a terminal and JSON when the output is piped or collected. */
export function resolveLogFormat(explicit: LogFormat | undefined, isTty = Boolean(process.stdout.isTTY)): LogFormat {
  return explicit ?? (isTty ? 'pretty' : 'json');
}

export function createLogger(level: string, name = 'loan-engine', format: LogFormat = 'json'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    format === 'pretty' ? prettyDestination(process.stdout) : undefined,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err']);

/** One pino JSON line as a readable line (time, level, logger name, message, other fields). */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const head = [time, level, `${String(entry.name ?? '')}:`, String(entry.msg ?? ''), ...fields].join(' ');
  return err ? `${head}\n${err.stack ?? err.message ?? JSON.stringify(err)}` : head;
}

function prettyDestination(out: NodeJS.WritableStream): pino.DestinationStream {
  return { write: (chunk: string) => void out.write(`${prettyLine(chunk)}\n`) };
}

export type { Logger };
