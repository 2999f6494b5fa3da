/**
 * The application's rules (R-APP-1…10), pure and deterministic: time comes in as an argument.
 * The workflow (workflows/application.ts) orchestrates; the API validates with the same functions,
 * so a request the API accepts is one the workflow accepts.
 *
 * Where DOMAIN.md leaves a value open it is a named parameter in `APPLICATION_RULES` (tax model,
 * standard living costs, risk grades) or in `DEFAULT_PRODUCT.application` (validity, prefill
 * window, income-verification triggers and deadline, stress add-on, offer validity, and the
 * limits of the answers and of a new application).
 *
 * Longer than 400 lines: the rules follow the process (statuses, deadlines, answers, a new
 * application, affordability and decision, offer, payout) and share its types.
 */
import { annuityPayment, monthlyRate } from './annuity';
import { addBankingDays } from './calendar';
import { addMonths, compareDates, daysBetween, type IsoDate } from './dates';
import { Decimal, formatAmount, isAmountString, roundOre, sumAmounts, ZERO } from './money';
import { hasValidLuhnCheckDigit, isValidOcr, luhnCheckDigit } from './ocr';
import { hasReachedAge, InvalidPersonnummerError, parsePersonnummer } from './personnummer';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS, type NoticeChannel, type ProductParameters } from './product';
import { quote } from './quote';
import type { FieldViolation } from './refusal';

// --- statuses (R-APP-2, R-APP-4) -----------------------------------------------------------------

/**
 * The application's life (R-APP-2). NOT_STARTED / STARTED / SUBMITTED are the vendor statuses of
 * R-APP-4; after submission the vendor keeps seeing the application in its submitted list, whatever
 * the later status.
 */
export const APPLICATION_STATUSES = [
  'NOT_STARTED',
  'STARTED',
  'SUBMITTED',
  'INCOME_VERIFICATION',
  'OFFERED',
  'PAYING_OUT',
  'PAID_OUT',
  'REJECTED',
  'EXPIRED',
  'OFFER_EXPIRED',
  'DELETED',
  'CANCELLED',
  'PAYOUT_FAILED',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses in which applicants still answer and submit (R-APP-4 pending list, R-APP-5). */
export const PENDING_STATUSES: readonly ApplicationStatus[] = ['NOT_STARTED', 'STARTED'];
export const TERMINAL_STATUSES: readonly ApplicationStatus[] = [
  'PAID_OUT',
  'REJECTED',
  'EXPIRED',
  'OFFER_EXPIRED',
  'DELETED',
  'CANCELLED',
  'PAYOUT_FAILED',
];

export function isPending(status: ApplicationStatus): boolean {
  return PENDING_STATUSES.includes(status);
}

export function isTerminal(status: ApplicationStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Deletion (vendor) or cancellation (customer) is possible until money is about to move. */
export function canBeWithdrawn(status: ApplicationStatus): boolean {
  return !isTerminal(status) && status !== 'PAYING_OUT';
}

export type ApplicantStatus = 'NOT_STARTED' | 'STARTED' | 'SUBMITTED' | 'SIGNED';

/**
 * R-APP-9: the payout as the application sees it: requested from the bank, ACCEPTED by it (or
 * FAILED), EXECUTED on its execution date; UNCONFIRMED when the bank has not confirmed execution
 * in time.
 */
export type ApplicationPayoutStatus = 'REQUESTED' | 'ACCEPTED' | 'EXECUTED' | 'FAILED' | 'UNCONFIRMED';

/** One payout leg (R-APP-10: a creditor or the applicant) as the bank reports it. */
export type ApplicationPayoutLegStatus = 'accepted' | 'executed';

/**
 * R-APP-4: NOT_STARTED when no applicant has answered; STARTED when one of two applicants has
 * submitted, or answers exist but were not submitted; SUBMITTED when every applicant has submitted.
 */
export function pendingStatusOf(applicants: readonly ApplicantStatus[]): 'NOT_STARTED' | 'STARTED' | 'SUBMITTED' {
  if (applicants.length > 0 && applicants.every((a) => a === 'SUBMITTED' || a === 'SIGNED')) return 'SUBMITTED';
  if (applicants.some((a) => a !== 'NOT_STARTED')) return 'STARTED';
  return 'NOT_STARTED';
}

export type VendorList = 'pending' | 'submitted';

/**
 * R-APP-4, R-APP-5: which of the vendor's two lists shows an application. Pending: not submitted
 * and still valid; submitted: it has a contract number. Expired, deleted or cancelled unsubmitted
 * applications are in neither.
 */
export function vendorListOf(
  status: ApplicationStatus,
  contractNumber: string | null,
  validUntil: string,
  now: string,
): VendorList | null {
  if (contractNumber) return 'submitted';
  if (isPending(status) && now < validUntil) return 'pending';
  return null;
}

export type VendorStatus = 'NOT_STARTED' | 'STARTED' | 'SUBMITTED';

/**
 * R-APP-4: the status a vendor sees. SUBMITTED once the application has a contract number (it is
 * in the submitted list for good); while pending, from the applicants' progress when known, else
 * the application's own status; null once it can no longer be submitted.
 */
export function vendorStatusOf(
  status: ApplicationStatus,
  contractNumber: string | null,
  applicants?: readonly ApplicantStatus[],
): VendorStatus | null {
  if (contractNumber) return 'SUBMITTED';
  if (!isPending(status)) return null;
  return applicants ? pendingStatusOf(applicants) : (status as 'NOT_STARTED' | 'STARTED');
}

// --- deadlines (R-APP-5, R-APP-7, R-APP-9) ------------------------------------------------------

export const DAY_MS = 86_400_000;

/** An instant `days` whole days after `fromMs` (ISO string). */
export function deadlineAfterDays(fromMs: number, days: number): string {
  return new Date(fromMs + days * DAY_MS).toISOString();
}

/** R-APP-5: an unsubmitted application is valid this long after creation. */
export function applicationValidUntil(createdAtMs: number, product: ProductParameters = DEFAULT_PRODUCT): string {
  return deadlineAfterDays(createdAtMs, product.application.validityDays);
}

/** R-APP-7: income verification must be completed by then. */
export function incomeVerificationDeadline(startedAtMs: number, product: ProductParameters = DEFAULT_PRODUCT): string {
  return deadlineAfterDays(startedAtMs, product.application.incomeVerificationDeadlineDays);
}

/** R-APP-9: the offer is valid this long. */
export function offerValidUntil(offeredAtMs: number, product: ProductParameters = DEFAULT_PRODUCT): string {
  return deadlineAfterDays(offeredAtMs, product.application.offerValidityDays);
}

/** R-APP-10: the power of attorney to redeem loans is valid this long after signing. */
export function powerOfAttorneyValidUntil(signedOn: IsoDate, product: ProductParameters = DEFAULT_PRODUCT): IsoDate {
  return addMonths(signedOn, product.application.powerOfAttorneyValidityMonths);
}

// --- identifiers (R-APP-2) ----------------------------------------------------------------------

/** Reference numbers: 'A' + 9 characters of Crockford base32 (no I, L, O, U), given at creation. */
export const APPLICATION_REFERENCE = /^A[0-9ABCDEFGHJKMNPQRSTVWXYZ]{9}$/;
export const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Builds a reference from 9 random values 0–255 (the caller supplies the randomness). */
export function applicationReference(randomBytes: readonly number[]): string {
  if (randomBytes.length !== 9) throw new RangeError('an application reference takes 9 random values');
  return 'A' + randomBytes.map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join('');
}

/** First contract-number sequence value: 8 digits, so every contract number has 9 (R-APP-2). */
export const CONTRACT_SEQUENCE_START = 10_000_000;

/**
 * R-APP-2: the contract number given at submission: an 8-digit sequence number and a Luhn check
 * digit (9 digits), so a mistyped number is caught like an OCR reference.
 */
export function contractNumberFromSequence(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < CONTRACT_SEQUENCE_START || sequence > 99_999_999) {
    throw new RangeError(`contract sequence must be an 8-digit integer, got ${sequence}`);
  }
  const base = String(sequence);
  return base + String(luhnCheckDigit(base));
}

export function isValidContractNumber(s: string): boolean {
  return /^\d{9}$/.test(s) && hasValidLuhnCheckDigit(s);
}

// --- answers: affordability (KALP) and KYC (R-APP-2) --------------------------------------------

export const EMPLOYMENTS = ['permanent', 'temporary', 'self-employed', 'retired', 'student', 'unemployed'] as const;
export type Employment = (typeof EMPLOYMENTS)[number];
export const HOUSING_KINDS = ['rent', 'tenant-owned', 'owned-house', 'lodger', 'parents'] as const;
export type HousingKind = (typeof HOUSING_KINDS)[number];
export const DEBT_KINDS = ['mortgage', 'car-loan', 'student-loan', 'credit-card', 'consumer-loan', 'other'] as const;
export type DebtKind = (typeof DEBT_KINDS)[number];
export const LOAN_PURPOSES = ['consumption', 'vehicle', 'renovation', 'consolidation', 'travel', 'other'] as const;
export type LoanPurpose = (typeof LOAN_PURPOSES)[number];

export interface BankAccount {
  /** 4–5 digits. */
  clearingNumber: string;
  /** 1–12 digits. */
  accountNumber: string;
}

export interface ExistingDebt {
  kind: DebtKind;
  /** SEK, decimal string. */
  balance: string;
  /** SEK per month, decimal string. */
  monthlyPayment: string;
}

/**
 * One applicant's answers. Amounts are decimal strings (R-MONEY-1). Loans listed for consolidation
 * (R-APP-10) are not repeated in `debts`: they are redeemed by the payout.
 */
export interface ApplicantAnswers {
  // Affordability (KALP)
  employment: Employment;
  /** Gross monthly income before tax, SEK. */
  monthlyIncome: string;
  housing: HousingKind;
  /** The applicant's own monthly housing cost, SEK. */
  monthlyHousingCost: string;
  /** Adults in the household, the applicant included (1–6). */
  householdAdults: number;
  /** Children living in the household (0–10). */
  householdChildren: number;
  debts: ExistingDebt[];
  // KYC
  /** ISO 3166-1 alpha-2, e.g. "SE". */
  citizenship: string;
  taxResidentOutsideSweden: boolean;
  politicallyExposedPerson: boolean;
  purpose: LoanPurpose;
  /** Main applicant only: where the money goes (R-APP-9). */
  payoutAccount?: BankAccount;
}

// --- field checks (R-APP-1…3, R-APP-10) -----------------------------------------------------------
// One function per check: the API's request schemas and the workflow's update validators both call
// them, so both refuse the same values with the same message. Each answers the message, or null.

const LIMITS = DEFAULT_PRODUCT.application;
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

function wholeNumberIn(value: unknown, min: number, max: number): string | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? null
    : `must be a whole number ${min}–${max}`;
}

export function checkNonNegativeAmount(value: unknown): string | null {
  return typeof value === 'string' && isAmountString(value) && !value.startsWith('-')
    ? null
    : 'must be a non-negative decimal string with at most 2 decimals';
}

export function checkHouseholdAdults(value: unknown, limits = LIMITS): string | null {
  return wholeNumberIn(value, 1, limits.maxHouseholdAdults);
}

export function checkHouseholdChildren(value: unknown, limits = LIMITS): string | null {
  return wholeNumberIn(value, 0, limits.maxHouseholdChildren);
}

export function checkDebtCount(value: unknown, limits = LIMITS): string | null {
  return Array.isArray(value) && value.length <= limits.maxDebts
    ? null
    : `must be a list of at most ${limits.maxDebts} debts`;
}

export function checkCitizenship(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) ? null : 'must be an ISO 3166-1 alpha-2 code such as SE';
}

export function checkClearingNumber(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4,5}$/.test(value) ? null : 'must be 4–5 digits';
}

export function checkAccountNumber(value: unknown): string | null {
  return typeof value === 'string' && /^\d{1,12}$/.test(value) ? null : 'must be 1–12 digits';
}

/** R-APP-3: where the applicant's link goes. */
export function checkEmail(value: unknown): string | null {
  return typeof value === 'string' && EMAIL.test(value) && value.length <= 254 ? null : 'must be an email address';
}

/** R-APP-3: where the applicant's link goes by SMS. */
export function checkSwedishMobile(value: unknown): string | null {
  return typeof value === 'string' && normaliseSwedishMobile(value) !== null ? null : 'must be a Swedish mobile number';
}

/** R-APP-1: one main applicant and at most one co-applicant. */
export function checkApplicantCount(value: unknown, limits = LIMITS): string | null {
  return Array.isArray(value) && value.length >= 1 && value.length <= limits.maxApplicants
    ? null
    : 'one main applicant and at most one co-applicant (R-APP-1)';
}

/** R-APP-10 */
export function checkConsolidationCount(value: unknown, limits = LIMITS): string | null {
  return Array.isArray(value) && value.length <= limits.maxConsolidationLoans
    ? null
    : `at most ${limits.maxConsolidationLoans} loans`;
}

/** R-APP-3: a changed email or phone for a reminder, each checked as at creation. */
export function contactViolations(contact: { email?: unknown; phone?: unknown }): FieldViolation[] {
  const out: FieldViolation[] = [];
  check(contact.email === undefined ? null : checkEmail(contact.email), 'email', out);
  check(contact.phone === undefined ? null : checkSwedishMobile(contact.phone), 'phone', out);
  return out;
}

function check(message: string | null, field: string, out: FieldViolation[]): void {
  if (message !== null) out.push({ field, message });
}

function oneOf(value: unknown, allowed: readonly string[], field: string, out: FieldViolation[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    out.push({ field, message: `must be one of ${allowed.join(', ')}` });
  }
}

export function bankAccountViolations(account: unknown, field: string): FieldViolation[] {
  const out: FieldViolation[] = [];
  const a = account as Partial<BankAccount> | undefined;
  if (!a || typeof a !== 'object') return [{ field, message: 'required' }];
  check(checkClearingNumber(a.clearingNumber), `${field}.clearingNumber`, out);
  check(checkAccountNumber(a.accountNumber), `${field}.accountNumber`, out);
  return out;
}

const ANSWER_FIELDS: readonly (keyof ApplicantAnswers)[] = [
  'employment',
  'monthlyIncome',
  'housing',
  'monthlyHousingCost',
  'householdAdults',
  'householdChildren',
  'debts',
  'citizenship',
  'taxResidentOutsideSweden',
  'politicallyExposedPerson',
  'purpose',
];

/**
 * Validates answers. `complete` (a submission) requires every field, and the payout account from
 * the main applicant (R-APP-9); a draft (R-APP-4 STARTED) may leave fields out, but what it gives
 * must be valid.
 */
export function answerViolations(
  answers: Partial<ApplicantAnswers>,
  options: { complete: boolean; mainApplicant: boolean },
): FieldViolation[] {
  const out: FieldViolation[] = [];
  const has = (k: keyof ApplicantAnswers) => answers[k] !== undefined;
  if (options.complete) {
    for (const k of ANSWER_FIELDS) if (!has(k)) out.push({ field: k, message: 'required' });
    if (options.mainApplicant && !has('payoutAccount'))
      out.push({ field: 'payoutAccount', message: 'required from the main applicant (R-APP-9)' });
  }
  if (has('employment')) oneOf(answers.employment, EMPLOYMENTS, 'employment', out);
  if (has('monthlyIncome')) check(checkNonNegativeAmount(answers.monthlyIncome), 'monthlyIncome', out);
  if (has('housing')) oneOf(answers.housing, HOUSING_KINDS, 'housing', out);
  if (has('monthlyHousingCost')) check(checkNonNegativeAmount(answers.monthlyHousingCost), 'monthlyHousingCost', out);
  if (has('householdAdults')) check(checkHouseholdAdults(answers.householdAdults), 'householdAdults', out);
  if (has('householdChildren')) check(checkHouseholdChildren(answers.householdChildren), 'householdChildren', out);
  if (has('debts')) {
    const countViolation = checkDebtCount(answers.debts);
    if (countViolation !== null) {
      out.push({ field: 'debts', message: countViolation });
    } else {
      answers.debts!.forEach((d, i) => {
        oneOf(d?.kind, DEBT_KINDS, `debts.${i}.kind`, out);
        check(checkNonNegativeAmount(d?.balance), `debts.${i}.balance`, out);
        check(checkNonNegativeAmount(d?.monthlyPayment), `debts.${i}.monthlyPayment`, out);
      });
    }
  }
  if (has('citizenship')) check(checkCitizenship(answers.citizenship), 'citizenship', out);
  for (const k of ['taxResidentOutsideSweden', 'politicallyExposedPerson'] as const)
    if (has(k) && typeof answers[k] !== 'boolean') out.push({ field: k, message: 'must be true or false' });
  if (has('purpose')) oneOf(answers.purpose, LOAN_PURPOSES, 'purpose', out);
  if (has('payoutAccount')) {
    if (!options.mainApplicant)
      out.push({ field: 'payoutAccount', message: 'only the main applicant gives the payout account' });
    else out.push(...bankAccountViolations(answers.payoutAccount, 'payoutAccount'));
  }
  return out;
}

// --- creating an application (R-APP-1, R-PROD-1, R-APP-10) --------------------------------------

export interface ConsolidationLoan {
  /** The creditor's name, e.g. "Bank AB". */
  creditor: string;
  /** The amount to redeem, SEK, decimal string. */
  amount: string;
  /** The creditor's bankgiro number (7–8 digits). */
  bankgiro: string;
  /** The creditor's OCR reference for this loan. */
  ocr: string;
}

export interface NewApplicant {
  personnummer: string;
  email: string;
  /** Swedish mobile number, e.g. "0701234567" or "+46701234567". */
  phone: string;
}

export interface NewApplication {
  amount: string;
  termMonths: number;
  noticeChannel: NoticeChannel;
  applicants: NewApplicant[];
  consolidation?: ConsolidationLoan[];
}

export interface ValidatedApplicant extends NewApplicant {
  /** The normalised 12-digit personnummer. */
  personnummer: string;
  birthDate: IsoDate;
  /** E.164 */
  phone: string;
}

/**
 * A Swedish mobile number in E.164, the form the SMS gateway takes: "0701234567", "070-123 45 67",
 * "(070) 123 45 67", "+46 70 123 45 67", "0046701234567" → "+46701234567"; null for anything else
 * (a landline, "+46 (0)70 …").
 */
export function normaliseSwedishMobile(phone: string): string | null {
  const compact = phone.replace(/[\s\-()]/g, '');
  const national = compact.startsWith('+46')
    ? compact.slice(3)
    : compact.startsWith('0046')
      ? compact.slice(4)
      : compact.startsWith('0')
        ? compact.slice(1)
        : null;
  if (national === null || !/^7\d{8}$/.test(national)) return null;
  return `+46${national}`;
}

/**
 * Every way a new application breaks R-PROD-1 (amount, term), R-APP-1 (one or two applicants, each
 * with a valid personnummer and at least 18 on `today`; not the same person twice) or R-APP-10
 * (consolidation loans redeemable from the amount), plus contact details the links go to (R-APP-3).
 * Field names are relative to the request body.
 */
export function newApplicationViolations(
  request: NewApplication,
  today: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
): { violations: FieldViolation[]; applicants: ValidatedApplicant[] } {
  const out: FieldViolation[] = [];
  const amount = isAmountString(request.amount) ? new Decimal(request.amount) : null;
  if (!amount || amount.lessThan(product.minAmount) || amount.greaterThan(product.maxAmount)) {
    out.push({
      field: 'amount',
      message: `must be ${new Decimal(product.minAmount).toFixed(0)}–${new Decimal(product.maxAmount).toFixed(0)} SEK (R-PROD-1)`,
    });
  }
  if (
    !Number.isInteger(request.termMonths) ||
    request.termMonths < product.minTermMonths ||
    request.termMonths > product.maxTermMonths
  ) {
    out.push({
      field: 'termMonths',
      message: `must be ${product.minTermMonths}–${product.maxTermMonths} months (R-PROD-1)`,
    });
  }
  if (!NOTICE_CHANNELS.includes(request.noticeChannel))
    out.push({ field: 'noticeChannel', message: `must be one of ${NOTICE_CHANNELS.join(', ')}` });

  const applicants: ValidatedApplicant[] = [];
  const applicantCount = checkApplicantCount(request.applicants, product.application);
  if (applicantCount !== null) {
    out.push({ field: 'applicants', message: applicantCount });
  } else {
    request.applicants.forEach((a, i) => {
      const field = `applicants.${i}`;
      let personnummer: string | undefined;
      let birthDate: IsoDate | undefined;
      try {
        const parsed = parsePersonnummer(a.personnummer, today);
        personnummer = parsed.normalised;
        birthDate = parsed.birthDate;
        if (!hasReachedAge(parsed.birthDate, today, product.application.minApplicantAge))
          out.push({
            field: `${field}.personnummer`,
            message: `the applicant must be at least ${product.application.minApplicantAge} (R-APP-1)`,
          });
      } catch (err) {
        if (!(err instanceof InvalidPersonnummerError)) throw err;
        out.push({ field: `${field}.personnummer`, message: `not a valid personal identity number (${err.reason})` });
      }
      check(checkEmail(a.email), `${field}.email`, out);
      const phone = typeof a.phone === 'string' ? normaliseSwedishMobile(a.phone) : null;
      check(checkSwedishMobile(a.phone), `${field}.phone`, out);
      if (personnummer && birthDate && phone) applicants.push({ personnummer, birthDate, email: a.email, phone });
    });
    if (applicants.length === 2 && applicants[0]!.personnummer === applicants[1]!.personnummer)
      out.push({ field: 'applicants.1.personnummer', message: 'the co-applicant must be another person' });
  }

  const loans = request.consolidation ?? [];
  check(checkConsolidationCount(loans, product.application), 'consolidation', out);
  let total = ZERO;
  loans.forEach((loan, i) => {
    const field = `consolidation.${i}`;
    if (typeof loan.creditor !== 'string' || loan.creditor.trim().length < 1 || loan.creditor.length > 100)
      out.push({ field: `${field}.creditor`, message: 'must be 1–100 characters' });
    if (!isAmountString(loan.amount) || !new Decimal(loan.amount).greaterThan(0))
      out.push({ field: `${field}.amount`, message: 'must be a positive decimal string with at most 2 decimals' });
    else total = total.plus(loan.amount);
    if (typeof loan.bankgiro !== 'string' || !/^\d{7,8}$/.test(loan.bankgiro))
      out.push({ field: `${field}.bankgiro`, message: 'must be 7–8 digits' });
    if (typeof loan.ocr !== 'string' || !isValidOcr(loan.ocr))
      out.push({ field: `${field}.ocr`, message: 'not a valid OCR reference (check digit)' });
  });
  if (amount && total.greaterThan(amount))
    out.push({ field: 'consolidation', message: 'the loans to redeem exceed the amount applied for (R-APP-10)' });
  return { violations: out, applicants };
}

// --- tax, living costs and risk (R-APP-8) --------------------------------------------------------

export interface ApplicationRules {
  /** Simplified Swedish income tax: a flat share of gross income (municipal tax). */
  taxShare: string;
  /** State income tax on annual income above this threshold. */
  stateTaxThresholdAnnual: string;
  stateTaxShare: string;
  /** Standard monthly living costs (Konsumentverket-style) per adult, per child, per household. */
  livingCostPerAdult: string;
  livingCostPerChild: string;
  livingCostPerHousehold: string;
  /** R-APP-1: employments counted as a fixed income. */
  fixedIncomeEmployments: readonly Employment[];
  /**
   * R-APP-8 risk grades, best first: the first grade whose limits the household meets sets the
   * nominal rate. `maxDebtToIncome`: all debt (new loan included) / annual gross income;
   * `minMarginShare`: monthly margin before the new loan / net income.
   */
  riskGrades: readonly { grade: string; maxDebtToIncome: string; minMarginShare: string; ratePercent: string }[];
}

export const APPLICATION_RULES: ApplicationRules = Object.freeze({
  taxShare: '0.30',
  stateTaxThresholdAnnual: '643100.00',
  stateTaxShare: '0.20',
  livingCostPerAdult: '7000.00',
  livingCostPerChild: '4000.00',
  livingCostPerHousehold: '2500.00',
  fixedIncomeEmployments: ['permanent', 'self-employed', 'retired'],
  riskGrades: [
    { grade: 'A', maxDebtToIncome: '1.0', minMarginShare: '0.40', ratePercent: '7.75' },
    { grade: 'B', maxDebtToIncome: '2.0', minMarginShare: '0.30', ratePercent: '9.95' },
    { grade: 'C', maxDebtToIncome: '3.0', minMarginShare: '0.20', ratePercent: '12.45' },
    { grade: 'D', maxDebtToIncome: '4.5', minMarginShare: '0.10', ratePercent: '15.45' },
    { grade: 'E', maxDebtToIncome: '1000000', minMarginShare: '-1000000', ratePercent: '18.95' },
  ],
}) as ApplicationRules;

/** Net monthly income after the simplified tax model (R-APP-8 "income after tax"). */
export function netMonthlyIncome(grossMonthly: Decimal, rules: ApplicationRules = APPLICATION_RULES): Decimal {
  const annual = grossMonthly.times(12);
  const stateTaxable = Decimal.max(ZERO, annual.minus(rules.stateTaxThresholdAnnual));
  const annualTax = annual.times(rules.taxShare).plus(stateTaxable.times(rules.stateTaxShare));
  return grossMonthly.minus(annualTax.div(12));
}

/** R-APP-8: standard monthly living costs of a household. */
export function standardLivingCosts(
  adults: number,
  children: number,
  rules: ApplicationRules = APPLICATION_RULES,
): Decimal {
  return new Decimal(rules.livingCostPerHousehold)
    .plus(new Decimal(rules.livingCostPerAdult).times(adults))
    .plus(new Decimal(rules.livingCostPerChild).times(children));
}

// --- credit report and R-APP-1 -------------------------------------------------------------------

/** What the credit bureau says about one applicant (the parts the rules use). */
export interface BureauFacts {
  registeredInSweden: boolean;
  /** Annual, SEK, decimal string. */
  taxedAnnualIncome: string;
  paymentRemarks: number;
  /** SEK, decimal string. */
  enforcementDebt: string;
}

export type RejectionReason =
  | 'under-age'
  | 'not-registered-in-sweden'
  | 'no-fixed-income'
  | 'payment-remarks'
  | 'enforcement-debt'
  | 'affordability'
  | 'income-verification-failed'
  | 'income-verification-expired';

/** R-APP-1: every way one applicant fails the basic requirements (empty: eligible). */
export function eligibilityFailures(
  applicant: { birthDate: IsoDate; employment: Employment; bureau: BureauFacts },
  today: IsoDate,
  product: ProductParameters = DEFAULT_PRODUCT,
  rules: ApplicationRules = APPLICATION_RULES,
): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  if (!hasReachedAge(applicant.birthDate, today, product.application.minApplicantAge)) reasons.push('under-age');
  if (!applicant.bureau.registeredInSweden) reasons.push('not-registered-in-sweden');
  if (!rules.fixedIncomeEmployments.includes(applicant.employment)) reasons.push('no-fixed-income');
  if (applicant.bureau.paymentRemarks > 0) reasons.push('payment-remarks');
  if (new Decimal(applicant.bureau.enforcementDebt).greaterThan(0)) reasons.push('enforcement-debt');
  return reasons;
}

export type IncomeVerificationTrigger = 'income-deviation' | 'amount-above-limit';

/**
 * R-APP-7: income verification is needed when the stated annual income (12 × monthly) and the
 * bureau's taxed income differ by more than the set share of the taxed income, or when the amount
 * applied for is above the set limit.
 */
export function incomeVerificationTriggers(
  input: { statedMonthlyIncome: string; taxedAnnualIncome: string; amount: string },
  product: ProductParameters = DEFAULT_PRODUCT,
): IncomeVerificationTrigger[] {
  const triggers: IncomeVerificationTrigger[] = [];
  const stated = new Decimal(input.statedMonthlyIncome).times(12);
  const taxed = new Decimal(input.taxedAnnualIncome);
  const deviation = stated.minus(taxed).abs();
  const allowed = taxed.times(product.application.incomeVerificationDeviationShare);
  if (taxed.isZero() ? !stated.isZero() : deviation.greaterThan(allowed)) triggers.push('income-deviation');
  if (new Decimal(input.amount).greaterThan(product.application.incomeVerificationAmountLimit))
    triggers.push('amount-above-limit');
  return triggers;
}

// --- decision (R-APP-8) --------------------------------------------------------------------------

export interface AssessedApplicant {
  birthDate: IsoDate;
  answers: ApplicantAnswers;
  bureau: BureauFacts;
  /** R-APP-7: verified net monthly income from open banking, when verified. */
  verifiedNetMonthlyIncome?: string;
}

export interface Affordability {
  /** Household net income per month (verified where verified). */
  netIncome: string;
  housingCost: string;
  livingCosts: string;
  existingDebtPayments: string;
  /** The new loan's monthly payment at the offered rate + the stress add-on (R-APP-8). */
  stressedLoanPayment: string;
  stressedRatePercent: string;
  /** netIncome − housing − living costs − all debt payments, stressed loan included; ≥ 0 to pass. */
  margin: string;
}

export interface Decision {
  outcome: 'APPROVED' | 'REJECTED';
  reasons: RejectionReason[];
  /** Set when approved: the offered nominal rate, by risk within R-PROD-1 (not negotiable). */
  nominalRatePercent?: string;
  riskGrade?: string;
  debtToIncome?: string;
  affordability?: Affordability;
}

/** The gross monthly income the rules use: verified income aside, never above what the bureau saw. */
function consideredNetIncome(a: AssessedApplicant, rules: ApplicationRules): Decimal {
  if (a.verifiedNetMonthlyIncome !== undefined) return new Decimal(a.verifiedNetMonthlyIncome);
  const stated = new Decimal(a.answers.monthlyIncome);
  const taxed = new Decimal(a.bureau.taxedAnnualIncome).div(12);
  return netMonthlyIncome(Decimal.min(stated, taxed), rules);
}

/**
 * R-APP-8 (with R-APP-1): reject on any basic-requirement failure or when the household cannot
 * afford the loan at its rate + the stress add-on; otherwise offer the rate of the household's risk
 * grade (within R-PROD-1's 7.75–18.95 %). Both applicants of a two-applicant application are one
 * household: incomes, housing costs and debts add up; living costs count the larger household any
 * applicant reports, and at least one adult per applicant.
 */
export function decide(
  input: { applicants: readonly AssessedApplicant[]; amount: string; termMonths: number; today: IsoDate },
  product: ProductParameters = DEFAULT_PRODUCT,
  rules: ApplicationRules = APPLICATION_RULES,
): Decision {
  const reasons = new Set<RejectionReason>();
  for (const a of input.applicants)
    for (const r of eligibilityFailures(
      { birthDate: a.birthDate, employment: a.answers.employment, bureau: a.bureau },
      input.today,
      product,
      rules,
    ))
      reasons.add(r);
  if (reasons.size > 0) return { outcome: 'REJECTED', reasons: [...reasons] };

  const amount = new Decimal(input.amount);
  const netIncome = sumAmounts(input.applicants.map((a) => consideredNetIncome(a, rules)));
  const housingCost = sumAmounts(input.applicants.map((a) => new Decimal(a.answers.monthlyHousingCost)));
  const adults = Math.max(input.applicants.length, ...input.applicants.map((a) => a.answers.householdAdults));
  const children = Math.max(0, ...input.applicants.map((a) => a.answers.householdChildren));
  const livingCosts = standardLivingCosts(adults, children, rules);
  const debts = input.applicants.flatMap((a) => a.answers.debts);
  const existingDebtPayments = sumAmounts(debts.map((d) => new Decimal(d.monthlyPayment)));
  const existingDebt = sumAmounts(debts.map((d) => new Decimal(d.balance)));
  const annualGross = sumAmounts(input.applicants.map((a) => new Decimal(a.bureau.taxedAnnualIncome)));

  // Risk: debt-to-income and the margin before the new loan, neither depending on the rate.
  const debtToIncome = annualGross.isZero() ? new Decimal(Infinity) : existingDebt.plus(amount).div(annualGross);
  const marginBeforeLoan = netIncome.minus(housingCost).minus(livingCosts).minus(existingDebtPayments);
  const marginShare = netIncome.greaterThan(0) ? marginBeforeLoan.div(netIncome) : new Decimal(-Infinity);
  const grade =
    rules.riskGrades.find(
      (g) => debtToIncome.lessThanOrEqualTo(g.maxDebtToIncome) && marginShare.gte(g.minMarginShare),
    ) ?? rules.riskGrades[rules.riskGrades.length - 1]!;
  const rate = Decimal.min(
    product.maxOfferedRatePercent,
    Decimal.max(product.minOfferedRatePercent, grade.ratePercent),
  );

  // Affordability at the offered rate + the stress add-on (R-APP-8).
  const stressedRate = rate.plus(product.application.affordabilityStressPercentagePoints);
  const stressedLoanPayment = annuityPayment(amount, monthlyRate(stressedRate), input.termMonths);
  const margin = marginBeforeLoan.minus(stressedLoanPayment);
  const affordability: Affordability = {
    netIncome: formatAmount(roundOre(netIncome)),
    housingCost: formatAmount(housingCost),
    livingCosts: formatAmount(livingCosts),
    existingDebtPayments: formatAmount(existingDebtPayments),
    stressedLoanPayment: formatAmount(stressedLoanPayment),
    stressedRatePercent: stressedRate.toFixed(2),
    margin: roundOre(margin).toFixed(2),
  };
  const dti = debtToIncome.isFinite() ? debtToIncome.toDecimalPlaces(2).toFixed(2) : undefined;
  if (margin.isNegative()) return { outcome: 'REJECTED', reasons: ['affordability'], affordability, debtToIncome: dti };
  return {
    outcome: 'APPROVED',
    reasons: [],
    nominalRatePercent: rate.toFixed(2),
    riskGrade: grade.grade,
    debtToIncome: dti,
    affordability,
  };
}

// --- offer (R-APP-9, R-PROD-5) -------------------------------------------------------------------

export interface Offer {
  amount: string;
  termMonths: number;
  nominalRatePercent: string;
  noticeChannel: NoticeChannel;
  monthlyPayment: string;
  aprPercent: string;
  totalCost: string;
  totalPayable: string;
  /** The payout date the figures assume (the next banking day after the offer). */
  assumedPayoutDate: IsoDate;
  offeredAt: string;
  /** R-APP-9: 30 days after the offer. */
  validUntil: string;
}

/** R-APP-9: the offer on the decided rate, with APR (R-PROD-5) from the quote rules (R-PROD-6). */
export function makeOffer(
  input: {
    amount: string;
    termMonths: number;
    nominalRatePercent: string;
    noticeChannel: NoticeChannel;
    offeredAtMs: number;
    today: IsoDate;
  },
  product: ProductParameters = DEFAULT_PRODUCT,
): Offer {
  const assumedPayoutDate = payoutExecutionDate(input.today);
  const q = quote({
    amount: new Decimal(input.amount),
    termMonths: input.termMonths,
    nominalRatePercent: new Decimal(input.nominalRatePercent),
    noticeChannel: input.noticeChannel,
    payoutDate: assumedPayoutDate,
    product,
  });
  return {
    amount: formatAmount(q.amount),
    termMonths: q.termMonths,
    nominalRatePercent: q.nominalRatePercent.toFixed(2),
    noticeChannel: q.noticeChannel,
    monthlyPayment: formatAmount(q.monthlyPayment),
    aprPercent: q.aprPercent.toFixed(2),
    totalCost: formatAmount(q.totalCost),
    totalPayable: formatAmount(q.totalPayable),
    assumedPayoutDate,
    offeredAt: new Date(input.offeredAtMs).toISOString(),
    validUntil: offerValidUntil(input.offeredAtMs, product),
  };
}

// --- payout (R-APP-9, R-APP-10) ------------------------------------------------------------------

/** R-APP-9: payouts are requested for the next banking day (within the 1–3 banking days). */
export function payoutExecutionDate(today: IsoDate): IsoDate {
  return addBankingDays(today, 1);
}

export type PayoutLeg =
  | { recipient: 'creditor'; index: number; amount: string; bankgiro: string; ocr: string; reference: string }
  | { recipient: 'applicant'; amount: string; account: BankAccount; reference: string };

/**
 * R-APP-9, R-APP-10: the payouts of a signed loan: the creditors of the loans to redeem first, in
 * the order given, then the rest to the applicant's account given in the application (none when
 * nothing is left).
 */
export function payoutPlan(
  input: { amount: string; consolidation: readonly ConsolidationLoan[]; payoutAccount: BankAccount },
  contractNumber: string,
): PayoutLeg[] {
  const legs: PayoutLeg[] = input.consolidation.map((loan, index) => ({
    recipient: 'creditor',
    index,
    amount: formatAmount(new Decimal(loan.amount)),
    bankgiro: loan.bankgiro,
    ocr: loan.ocr,
    reference: `Lösen avtal ${contractNumber}`,
  }));
  const redeemed = sumAmounts(input.consolidation.map((l) => new Decimal(l.amount)));
  const rest = new Decimal(input.amount).minus(redeemed);
  if (rest.isNegative()) throw new RangeError('the loans to redeem exceed the amount (R-APP-10)');
  if (rest.greaterThan(0))
    legs.push({
      recipient: 'applicant',
      amount: formatAmount(rest),
      account: input.payoutAccount,
      reference: `Lån ${contractNumber}`,
    });
  return legs;
}

// --- prefill (R-APP-6) ---------------------------------------------------------------------------

export interface EarlierAnswers {
  applicationId: string;
  reference: string;
  /** The business date the answers were submitted. */
  submittedOn: IsoDate;
}

/**
 * R-APP-6: the most recent earlier submission by the same person within the prefill window
 * (default 30 days) before `today`, or none. Answers of `currentApplicationId` never count.
 */
export function prefillSource<T extends EarlierAnswers>(
  earlier: readonly T[],
  today: IsoDate,
  currentApplicationId: string,
  product: ProductParameters = DEFAULT_PRODUCT,
): T | undefined {
  return earlier
    .filter((e) => e.applicationId !== currentApplicationId)
    .filter((e) => {
      const age = daysBetween(e.submittedOn, today);
      return age >= 0 && age <= product.application.prefillWithinDays;
    })
    .sort((a, b) => compareDates(b.submittedOn, a.submittedOn))[0];
}
