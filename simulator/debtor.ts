/**
 * The scenario's debtor (docs/simulator.md, "Collection"): what the debtor (and the operator) do on
 * the collection case once the loan is handed over, as a list of acts on days counted from the
 * case's opening, or one of the named presets (`--debtor <name>` on the command line). Played by
 * workflows/simulated-debtor.ts.
 */
import { z } from 'zod';
import { isAmountString } from '../domain/money';
import type { DebtorAct } from '../workflows/simulated-debtor';

const day = z
  .number({ error: 'must be a day of the case (0 = the day it opened)' })
  .int({ message: 'must be a whole number of days' })
  .min(0, { message: 'must be 0 or later (0 = the day the case opened)' })
  .max(1500, { message: 'must be at most 1500' });
const amount = z
  .string({ error: 'must be a SEK amount as a decimal string, e.g. "1500"' })
  .refine((s) => isAmountString(s) && Number(s) > 0, { message: 'must be a positive SEK amount, e.g. "1500.00"' });
const text = z.string().min(1).max(2000);
const installmentNumbers = z.array(z.number().int().min(1));

const actSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('pay'), day, amount: z.union([z.literal('all'), amount]) }),
    z.strictObject({ type: z.literal('postpone'), day, days: z.number().int().min(1).max(365) }),
    z
      .strictObject({
        type: z.literal('propose-plan'),
        day,
        monthlyAmount: amount.optional(),
        months: z.number().int().min(1).max(120).optional(),
        dayOfMonth: z.number().int().min(1).max(31),
        pays: z
          .strictObject({
            daysBeforeDue: z.number().int().min(0).max(28),
            miss: installmentNumbers.optional(),
            stopFrom: z.number().int().min(1).optional(),
          })
          .optional(),
      })
      .refine((a) => (a.monthlyAmount === undefined) !== (a.months === undefined), {
        message: 'give exactly one of monthlyAmount or months',
      }),
    z.strictObject({ type: z.literal('dispute'), day, reason: text }),
    z.strictObject({
      type: z.literal('answer-dispute'),
      day,
      outcome: z.enum(['upheld', 'rejected']),
      answer: text,
      reduceBy: amount.optional(),
    }),
    z.strictObject({ type: z.literal('write-off'), day, reason: text }),
  ],
  { error: 'must be one of pay, postpone, propose-plan, dispute, answer-dispute, write-off' },
);

/** The named debtors (`--debtor <name>`): each one path through R-COLL-3…7. */
export const DEBTOR_PRESETS = {
  'no-reaction': { description: 'never reacts: last reminder, then a payment order (R-COLL-3, R-COLL-4)', acts: [] },
  'pay-in-full': {
    description: 'pays the whole claim 5 days after the demand (R-COLL-9)',
    acts: [{ type: 'pay', day: 5, amount: 'all' }],
  },
  'part-pay': {
    description: 'pays 1 000 SEK after 5 days, the rest after the last reminder (R-COLL-9)',
    acts: [
      { type: 'pay', day: 5, amount: '1000.00' },
      { type: 'pay', day: 15, amount: 'all' },
    ],
  },
  postpone: {
    description: 'postpones by 30 days (R-COLL-5) and pays everything on the new due date',
    acts: [
      { type: 'postpone', day: 2, days: 30 },
      { type: 'pay', day: 32, amount: 'all' },
    ],
  },
  'plan-kept': {
    description: 'a 24-month installment plan, every installment paid 3 days early (R-COLL-6)',
    acts: [{ type: 'propose-plan', day: 3, months: 24, dayOfMonth: 27, pays: { daysBeforeDue: 3 } }],
  },
  'plan-missed': {
    description: 'a 6-month plan; installment 2 missed (reminder), caught up with installment 3 (R-COLL-6)',
    acts: [{ type: 'propose-plan', day: 3, months: 6, dayOfMonth: 15, pays: { daysBeforeDue: 2, miss: [2] } }],
  },
  'plan-broken': {
    description: 'a 6-month plan; pays 2 installments, then stops: reminder, broken, payment order (R-COLL-6)',
    acts: [{ type: 'propose-plan', day: 3, months: 6, dayOfMonth: 15, pays: { daysBeforeDue: 2, stopFrom: 3 } }],
  },
  'dispute-rejected': {
    description: 'disputes the claim; the operator rejects it after 20 days; the debtor then pays in full (R-COLL-7)',
    acts: [
      { type: 'dispute', day: 2, reason: 'Jag har redan betalat.' },
      { type: 'answer-dispute', day: 22, outcome: 'rejected', answer: 'Betalningen avsåg en annan faktura.' },
      { type: 'pay', day: 25, amount: 'all' },
    ],
  },
  'dispute-upheld': {
    description: 'disputes the claim; the operator upholds it: the claim is written off (R-COLL-7)',
    acts: [
      { type: 'dispute', day: 2, reason: 'Lånet är redan löst.' },
      { type: 'answer-dispute', day: 9, outcome: 'upheld', answer: 'Vi har hittat er betalning.' },
    ],
  },
} satisfies Record<string, { description: string; acts: DebtorAct[] }>;

export type DebtorPresetName = keyof typeof DEBTOR_PRESETS;
export const DEBTOR_PRESET_NAMES = Object.keys(DEBTOR_PRESETS) as DebtorPresetName[];

export interface ScenarioDebtor {
  /** The preset played, if one was named. */
  preset?: DebtorPresetName;
  acts: DebtorAct[];
}

/** `{"preset": "plan-kept"}` or `{"acts": [...]}` in a scenario file. */
export const debtorSchema = z
  .strictObject({
    preset: z
      .enum(DEBTOR_PRESET_NAMES as [DebtorPresetName, ...DebtorPresetName[]], {
        error: `must be one of ${DEBTOR_PRESET_NAMES.join(', ')}`,
      })
      .optional(),
    acts: z.array(actSchema).max(100).optional(),
  })
  .refine((d) => (d.preset === undefined) !== (d.acts === undefined), {
    message: 'give exactly one of {"preset": "<name>"} or {"acts": [...]}',
  })
  .transform((d): ScenarioDebtor =>
    d.preset ? debtorPreset(d.preset) : { acts: (d.acts ?? []).map((a) => stripUndefined(a) as DebtorAct) },
  );

export function debtorPreset(name: DebtorPresetName): ScenarioDebtor {
  return { preset: name, acts: structuredClone(DEBTOR_PRESETS[name].acts) as DebtorAct[] };
}

export function isDebtorPreset(name: string): name is DebtorPresetName {
  return Object.hasOwn(DEBTOR_PRESETS, name);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
