/**
 * The KALP/KYC answers form: what the browser posts → the answers the workflow takes, and back
 * (saved answers → what the fields show). Shapes only; the rules are domain/answerViolations,
 * applied by the shared saveApplicantAnswers.
 */
import type { ApplicantAnswers, DebtKind } from '../domain/application';
import type { FieldError } from './render';
import { fill, type WebTexts } from '../texts/web';

export const DEBT_ROWS = 3;

/** The form's fields as strings, exactly as shown or typed. */
export type AnswersFormValues = Record<string, string>;

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** `32 500,50` → `32500.50`; anything else is passed on for the rules to refuse. */
function amount(v: string): string {
  return v.replace(/[\s\u00a0]/g, '').replace(',', '.');
}

export function formValuesFromBody(body: Record<string, unknown>): AnswersFormValues {
  const values: AnswersFormValues = {};
  for (const [k, v] of Object.entries(body)) if (k !== '_csrf' && k !== 'action') values[k] = text(v);
  return values;
}

export function answersFromForm(values: AnswersFormValues, mainApplicant: boolean): Partial<ApplicantAnswers> {
  const answers: Partial<ApplicantAnswers> = {};
  const set = <K extends keyof ApplicantAnswers>(key: K, value: ApplicantAnswers[K] | undefined) => {
    if (value !== undefined) answers[key] = value;
  };
  const v = (k: string) => values[k] ?? '';
  const opt = (k: string) => (v(k) === '' ? undefined : v(k));
  const int = (k: string) => (v(k) === '' ? undefined : /^\d+$/.test(v(k)) ? Number(v(k)) : Number.NaN);
  const yesNo = (k: string) => (v(k) === 'yes' ? true : v(k) === 'no' ? false : undefined);
  set('employment', opt('employment') as ApplicantAnswers['employment'] | undefined);
  set('monthlyIncome', opt('monthlyIncome') === undefined ? undefined : amount(v('monthlyIncome')));
  set('housing', opt('housing') as ApplicantAnswers['housing'] | undefined);
  set('monthlyHousingCost', opt('monthlyHousingCost') === undefined ? undefined : amount(v('monthlyHousingCost')));
  set('householdAdults', int('householdAdults'));
  set('householdChildren', int('householdChildren'));
  const debts: ApplicantAnswers['debts'] = [];
  for (let i = 0; i < DEBT_ROWS; i++) {
    const kind = v(`debtKind-${i}`);
    const balance = v(`debtBalance-${i}`);
    const monthly = v(`debtMonthly-${i}`);
    if (!kind && !balance && !monthly) continue;
    debts.push({ kind: kind as DebtKind, balance: amount(balance), monthlyPayment: amount(monthly) });
  }
  // No rows filled in is an answer too: no other debts.
  answers.debts = debts;
  set('citizenship', opt('citizenship')?.toUpperCase());
  set('taxResidentOutsideSweden', yesNo('taxResidentOutsideSweden'));
  set('politicallyExposedPerson', yesNo('politicallyExposedPerson'));
  set('purpose', opt('purpose') as ApplicantAnswers['purpose'] | undefined);
  if (mainApplicant && (v('clearingNumber') || v('accountNumber'))) {
    answers.payoutAccount = {
      clearingNumber: v('clearingNumber').replace(/[\s-]/g, ''),
      accountNumber: v('accountNumber').replace(/[\s-]/g, ''),
    };
  }
  return answers;
}

const shown = (amountString: string | undefined) => (amountString ? amountString.replace('.', ',') : '');

export function formValuesFromAnswers(answers: Partial<ApplicantAnswers> | null): AnswersFormValues {
  const a = answers ?? {};
  const values: AnswersFormValues = {
    employment: a.employment ?? '',
    monthlyIncome: shown(a.monthlyIncome),
    housing: a.housing ?? '',
    monthlyHousingCost: shown(a.monthlyHousingCost),
    householdAdults: a.householdAdults === undefined ? '' : String(a.householdAdults),
    householdChildren: a.householdChildren === undefined ? '' : String(a.householdChildren),
    citizenship: a.citizenship ?? 'SE',
    taxResidentOutsideSweden: a.taxResidentOutsideSweden === undefined ? '' : a.taxResidentOutsideSweden ? 'yes' : 'no',
    politicallyExposedPerson: a.politicallyExposedPerson === undefined ? '' : a.politicallyExposedPerson ? 'yes' : 'no',
    purpose: a.purpose ?? '',
    clearingNumber: a.payoutAccount?.clearingNumber ?? '',
    accountNumber: a.payoutAccount?.accountNumber ?? '',
  };
  (a.debts ?? []).slice(0, DEBT_ROWS).forEach((d, i) => {
    values[`debtKind-${i}`] = d.kind;
    values[`debtBalance-${i}`] = shown(d.balance);
    values[`debtMonthly-${i}`] = shown(d.monthlyPayment);
  });
  return values;
}

/** The id of the input a violation's field (`debts.0.balance`, `payoutAccount.accountNumber`) is about. */
function inputIdOf(field: string): string {
  const debt = /^debts\.(\d+)\.(kind|balance|monthlyPayment)$/.exec(field);
  if (debt)
    return `${{ kind: 'debtKind', balance: 'debtBalance', monthlyPayment: 'debtMonthly' }[debt[2]!]}-${debt[1]}`;
  if (field === 'debts') return 'debtKind-0';
  if (field === 'payoutAccount' || field === 'payoutAccount.clearingNumber') return 'clearingNumber';
  if (field === 'payoutAccount.accountNumber') return 'accountNumber';
  if (field === 'taxResidentOutsideSweden' || field === 'politicallyExposedPerson') return `${field}-yes`;
  return field;
}

function labelOf(t: WebTexts, id: string): string {
  const f = t.fields as unknown as Record<string, string>;
  const row = /^(debtKind|debtBalance|debtMonthly)-(\d+)$/.exec(id);
  if (row) return `${fill(t.fields.debtRow, { n: Number(row[2]) + 1 })}: ${f[row[1]!]}`;
  const base = id.replace(/-yes$/, '');
  const key = base === 'taxResidentOutsideSweden' ? 'taxResident' : base === 'politicallyExposedPerson' ? 'pep' : base;
  return f[key] ?? base;
}

/** The rules' violations (`body.monthlyIncome: required`) as the page's field errors. */
export function fieldErrorsOf(t: WebTexts, violations: { field: string; message: string }[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const v of violations) {
    const id = inputIdOf(v.field.replace(/^body\./, ''));
    if (seen.has(id)) continue;
    seen.add(id);
    const template = v.message.startsWith('required') ? t.errors.required : t.errors.invalid;
    out.push({ field: id, message: fill(template, { field: labelOf(t, id) }) });
  }
  return out;
}
