/**
 * The lifecycle simulator's scenario (docs/simulator.md): one loan, the borrower's
 * default behaviour, dated events and when to stop. Validated with zod; every problem is reported
 * with the field it concerns (`events[2].amount`), never a stack trace.
 *
 * Amounts and rates may be given as decimal strings ("9.95", the API's format, R-MONEY-1) or as
 * JSON numbers; they are normalised to strings. Dates are Europe/Stockholm calendar dates.
 */
import { z } from 'zod';
import { compareDates, type IsoDate, isIsoDate } from '../domain/dates';
import { Decimal, formatAmount, isAmountString } from '../domain/money';
import { NOTICE_CHANNELS, type NoticeChannel } from '../domain/product';
import { QUOTE_LIMITS, quoteRequestViolations } from '../domain/quote';
import { debtorSchema, type ScenarioDebtor } from './debtor';

export interface ScenarioIssue {
  /** Path into the scenario document: `loan.amount`, `events[2].date`, `(document)`. */
  field: string;
  message: string;
}

/** A scenario the simulator refuses: bad input, or an event the loan workflow cannot take yet. */
export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(`invalid scenario: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'ScenarioError';
  }
}

const decimalInput = (what: string, example: string) =>
  z
    .union([z.string(), z.number()], { error: `must be ${what} as a decimal string, e.g. "${example}"` })
    .transform((value, ctx) => {
      const s = typeof value === 'number' ? String(value) : value.trim();
      if (!isAmountString(s) || s.startsWith('-')) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} with at most 2 decimals, e.g. "${example}"` });
        return z.NEVER;
      }
      return formatAmount(new Decimal(s));
    });

const amount = decimalInput('a non-negative SEK amount', '1234.50');
const positiveAmount = amount.refine((s) => new Decimal(s).greaterThan(0), { message: 'must be more than 0.00' });
const percent = decimalInput('a percentage', '9.95');
const date = z.string({ error: 'must be a calendar date "YYYY-MM-DD"' }).refine(isIsoDate, {
  message: 'must be a calendar date "YYYY-MM-DD"',
});
const invoiceNumber = z
  .number({ error: 'must be an invoice number (1, 2, …)' })
  .int({ message: 'must be a whole invoice number' })
  .min(1, { message: 'invoice numbers start at 1' });

/** The loan's fields, each parsed on its own so every bad one is reported in one pass. */
const loanFields = {
  amount,
  termMonths: z.number({ error: 'must be a number of months' }).int({ message: 'must be a whole number of months' }),
  nominalRatePercent: percent,
  noticeChannel: z.enum(NOTICE_CHANNELS as [NoticeChannel, ...NoticeChannel[]], {
    error: `must be one of ${NOTICE_CHANNELS.join(', ')}`,
  }),
  /** Omitted: the simulation clock's today. */
  payoutDate: date.optional(),
};

const borrowerSchema = z
  .strictObject({
    /** Pays each invoice in full this many days before its due date (negative: after it). */
    paysDaysBeforeDue: z
      .number({ error: 'must be a whole number of days' })
      .int({ message: 'must be a whole number of days' })
      .min(-60, { message: 'must be -60…31 (negative: days after the due date)' })
      .max(31, { message: 'must be -60…31 (negative: days after the due date)' })
      .optional(),
    never: z.literal(true, { error: 'must be true (the borrower never pays an invoice)' }).optional(),
    /** R-PAY-3: an autogiro mandate at payout; the draws of `refuseInvoices` are refused (insufficient funds). */
    autogiro: z.strictObject({ refuseInvoices: z.array(invoiceNumber).max(120).optional() }).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.paysDaysBeforeDue === undefined) === (b.never === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of {"paysDaysBeforeDue": N} or {"never": true}' });
  });

/** The events the simulator knows; which of them the loan workflow takes today is decided at run time. */
export const EVENT_TYPES = [
  'miss-invoice',
  'stop-paying',
  'payment',
  'rate-change',
  'payment-free-month',
  'early-repayment',
  'withdrawal',
  'complaint',
] as const;
export type ScenarioEventType = (typeof EVENT_TYPES)[number];

const eventSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('miss-invoice'), invoice: invoiceNumber }),
    z.strictObject({ type: z.literal('stop-paying'), fromInvoice: invoiceNumber }),
    z
      .strictObject({
        type: z.literal('payment'),
        amount: positiveAmount,
        date,
        /** R-PAY-1: a late bank file: registered on this day, judged at `date` (its value date). */
        registeredOn: date.optional(),
      })
      .refine((e) => !e.registeredOn || e.registeredOn >= e.date, {
        message: 'registeredOn must be on or after date (a bank file comes after the payment)',
        path: ['registeredOn'],
      }),
    z.strictObject({
      type: z.literal('rate-change'),
      announcedOn: date,
      effectiveOn: date,
      nominalRatePercent: percent,
    }),
    z.strictObject({
      type: z.literal('payment-free-month'),
      date,
      /** The installment to skip; default the next one not yet invoiced on `date`. */
      installment: invoiceNumber.optional(),
    }),
    z.strictObject({
      type: z.literal('early-repayment'),
      amount: z.union([z.literal('all'), positiveAmount], {
        error: 'must be "all" or a SEK amount as a decimal string, e.g. "20000"',
      }),
      date,
    }),
    z.strictObject({ type: z.literal('withdrawal'), date }),
    z.strictObject({ type: z.literal('complaint'), date, text: z.string().max(2000).optional() }),
  ],
  { error: `must be one of ${EVENT_TYPES.join(', ')}` },
);

const endSchema = z
  .strictObject({
    until: date.optional(),
    untilClosed: z.literal(true, { error: 'must be true' }).optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.until === undefined) === (e.untilClosed === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of {"until": "YYYY-MM-DD"} or {"untilClosed": true}' });
  });

export interface ScenarioLoan {
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  noticeChannel: NoticeChannel;
  payoutDate?: IsoDate;
}
export type ScenarioBorrower = z.output<typeof borrowerSchema>;
export type ScenarioEvent = z.output<typeof eventSchema>;
export type ScenarioEnd = z.output<typeof endSchema>;

export interface Scenario {
  /** Free text shown back in the output. */
  description?: string;
  loan: ScenarioLoan;
  borrower: ScenarioBorrower;
  events: ScenarioEvent[];
  end: ScenarioEnd;
  /** R-COLL-2…7: what the debtor does once the loan is in collection (simulator/debtor.ts). */
  debtor?: ScenarioDebtor;
}

const TOP_LEVEL_FIELDS = ['description', 'loan', 'borrower', 'events', 'end', 'debtor'];

/** `loan.amount`, `events[2].date`: how a path reads in a message. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(document)';
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ field: formatPath([...path, key]), message: 'unknown field (check its spelling)' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      issues.push({ field: formatPath(path), message: `is required: ${issue.message}` });
    } else {
      issues.push({ field: formatPath(path), message: issue.message });
    }
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a scenario document (already JSON-decoded); throws ScenarioError naming every bad field.
 * Each part is parsed on its own, and the checks across parts (limits, dates against the payout
 * date, invoice numbers against the term) run on whatever parts are valid, so one run reports
 * everything.
 */
export function parseScenario(document: unknown): Scenario {
  const issues: ScenarioIssue[] = [];
  const part = <T extends z.ZodType>(schema: T, value: unknown, path: PropertyKey[]): z.output<T> | undefined => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    issues.push(...issuesOf(result.error, path));
    return undefined;
  };
  const issue = (path: PropertyKey[], message: string) => issues.push({ field: formatPath(path), message });

  if (!isRecord(document))
    throw new ScenarioError([
      { field: '(document)', message: 'must be a JSON object with loan, borrower, events, end' },
    ]);
  for (const key of Object.keys(document))
    if (!TOP_LEVEL_FIELDS.includes(key)) issue([key], 'unknown field (check its spelling)');

  const description = part(z.string().max(500).optional(), document.description, ['description']);

  // The loan, field by field, then the product limits (R-PROD-1) on the fields that parsed.
  const loan: Partial<ScenarioLoan> = {};
  if (!isRecord(document.loan)) {
    issue(['loan'], document.loan === undefined ? 'is required' : 'must be an object');
  } else {
    for (const key of Object.keys(document.loan))
      if (!(key in loanFields)) issue(['loan', key], 'unknown field (check its spelling)');
    for (const [key, schema] of Object.entries(loanFields)) {
      const value = part(schema as z.ZodType, document.loan[key], ['loan', key]);
      if (value !== undefined) (loan as Record<string, unknown>)[key] = value;
    }
    for (const v of quoteRequestViolations({
      amount: new Decimal(loan.amount ?? QUOTE_LIMITS.minAmount),
      termMonths: loan.termMonths ?? QUOTE_LIMITS.minTermMonths,
      nominalRatePercent: new Decimal(loan.nominalRatePercent ?? QUOTE_LIMITS.minRatePercent),
      noticeChannel: loan.noticeChannel ?? NOTICE_CHANNELS[0]!,
      payoutDate: loan.payoutDate ?? '2000-01-01',
    }))
      if (loan[v.field] !== undefined) {
        issue(['loan', v.field], v.message.replace(new RegExp(`^${v.field} `), ''));
        delete loan[v.field];
      }
  }
  const payout = loan.payoutDate;
  const term = loan.termMonths;
  const notBeforePayout = (value: IsoDate, path: PropertyKey[]) => {
    if (payout && compareDates(value, payout) < 0) issue(path, `must not be before the payout date ${payout}`);
  };
  const invoiceInTerm = (n: number, path: PropertyKey[]) => {
    if (term !== undefined && n > term) issue(path, `the loan has ${term} invoices`);
  };

  const borrower = part(borrowerSchema, document.borrower, ['borrower']);

  const events: ScenarioEvent[] = [];
  if (document.events !== undefined && !Array.isArray(document.events)) {
    issue(['events'], 'must be a list of events');
  } else {
    let stops = 0;
    ((document.events as unknown[] | undefined) ?? []).forEach((raw, i) => {
      const e = part(eventSchema, raw, ['events', i]);
      if (!e) return;
      events.push(e);
      switch (e.type) {
        case 'miss-invoice':
          invoiceInTerm(e.invoice, ['events', i, 'invoice']);
          break;
        case 'stop-paying':
          invoiceInTerm(e.fromInvoice, ['events', i, 'fromInvoice']);
          if (++stops > 1) issue(['events', i], 'at most one stop-paying event');
          break;
        case 'payment-free-month':
          notBeforePayout(e.date, ['events', i, 'date']);
          if (e.installment !== undefined) invoiceInTerm(e.installment, ['events', i, 'installment']);
          break;
        case 'rate-change':
          notBeforePayout(e.announcedOn, ['events', i, 'announcedOn']);
          if (compareDates(e.effectiveOn, e.announcedOn) < 0)
            issue(['events', i, 'effectiveOn'], `must not be before announcedOn (${e.announcedOn})`);
          break;
        default:
          notBeforePayout(e.date, ['events', i, 'date']);
      }
    });
  }

  const end = part(endSchema, document.end, ['end']);
  if (end?.until) notBeforePayout(end.until, ['end', 'until']);

  const debtor = document.debtor === undefined ? undefined : part(debtorSchema, document.debtor, ['debtor']);
  if (debtor && !(borrower && 'never' in borrower && borrower.never) && !events.some((e) => e.type === 'stop-paying'))
    issue(['debtor'], 'a debtor needs a loan that goes to collection: add a stop-paying event or {"never": true}');

  if (issues.length > 0) throw new ScenarioError(issues);
  return {
    ...(description !== undefined ? { description } : {}),
    loan: loan as ScenarioLoan,
    borrower: borrower!,
    events,
    end: end!,
    ...(debtor ? { debtor } : {}),
  };
}

/** Parses the text of a scenario file (JSON), with the same errors. */
export function parseScenarioText(text: string): Scenario {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError([{ field: '(document)', message: `not JSON: ${(err as Error).message}` }]);
  }
  return parseScenario(document);
}

/**
 * The scenario with `debtor` (a `--debtor` preset), checked as a scenario file's would be: the
 * loan must go to collection.
 */
export function withDebtor(scenario: Scenario, debtor: ScenarioDebtor): Scenario {
  const stops = scenario.events.some((e) => e.type === 'stop-paying');
  if (!stops && !('never' in scenario.borrower && scenario.borrower.never))
    throw new ScenarioError([
      {
        field: 'debtor',
        message: 'a debtor needs a loan that goes to collection: add a stop-paying event or {"never": true}',
      },
    ]);
  return { ...scenario, debtor };
}
