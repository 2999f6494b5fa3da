import fc from 'fast-check';
import {
  answerViolations,
  type ApplicantAnswers,
  applicationReference,
  applicationValidUntil,
  APPLICATION_REFERENCE,
  APPLICATION_RULES,
  type AssessedApplicant,
  canBeWithdrawn,
  contractNumberFromSequence,
  decide,
  eligibilityFailures,
  incomeVerificationDeadline,
  incomeVerificationTriggers,
  isValidContractNumber,
  makeOffer,
  netMonthlyIncome,
  newApplicationViolations,
  normaliseSwedishMobile,
  offerValidUntil,
  payoutExecutionDate,
  payoutPlan,
  pendingStatusOf,
  powerOfAttorneyValidUntil,
  prefillSource,
  standardLivingCosts,
  vendorListOf,
  vendorStatusOf,
} from '../../domain/application';
import { annuityPayment, monthlyRate } from '../../domain/annuity';
import { isBankingDay } from '../../domain/calendar';
import { Decimal } from '../../domain/money';
import { personnummerCheckDigit } from '../../domain/personnummer';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { quote } from '../../domain/quote';
import { goodAnswers } from '../support/application';

fc.configureGlobal({ seed: 20261121, numRuns: 200 });

const TODAY = '2026-03-02'; // a Monday
const ANNA = '198112289874';

/** A valid 12-digit personnummer for a birth date (YYYYMMDD) and a 3-digit serial. */
function pnr(yyyymmdd: string, serial = '123'): string {
  return `${yyyymmdd}${serial}${personnummerCheckDigit(yyyymmdd.slice(2) + serial)}`;
}

const ANSWERS: ApplicantAnswers = goodAnswers();

const CLEAN_BUREAU = {
  registeredInSweden: true,
  taxedAnnualIncome: '540000.00',
  paymentRemarks: 0,
  enforcementDebt: '0.00',
};

function applicant(overrides: Partial<AssessedApplicant> = {}): AssessedApplicant {
  return { birthDate: '1981-12-28', answers: ANSWERS, bureau: CLEAN_BUREAU, ...overrides };
}

describe('statuses (R-APP-4)', () => {
  it('R-APP-4: NOT_STARTED until someone answers, STARTED on answers or one of two submitted, SUBMITTED when all have', () => {
    expect(pendingStatusOf(['NOT_STARTED'])).toBe('NOT_STARTED');
    expect(pendingStatusOf(['NOT_STARTED', 'NOT_STARTED'])).toBe('NOT_STARTED');
    expect(pendingStatusOf(['STARTED'])).toBe('STARTED');
    expect(pendingStatusOf(['SUBMITTED', 'NOT_STARTED'])).toBe('STARTED');
    expect(pendingStatusOf(['NOT_STARTED', 'STARTED'])).toBe('STARTED');
    expect(pendingStatusOf(['SUBMITTED'])).toBe('SUBMITTED');
    expect(pendingStatusOf(['SUBMITTED', 'SUBMITTED'])).toBe('SUBMITTED');
  });

  it('R-APP-4/5: pending list while unsubmitted and valid, submitted list once a contract number exists', () => {
    const validUntil = '2026-03-09T10:00:00.000Z';
    expect(vendorListOf('NOT_STARTED', null, validUntil, '2026-03-09T09:59:59.000Z')).toBe('pending');
    expect(vendorListOf('STARTED', null, validUntil, '2026-03-09T10:00:00.000Z')).toBeNull();
    expect(vendorListOf('EXPIRED', null, validUntil, '2026-03-02T10:00:00.000Z')).toBeNull();
    expect(vendorListOf('DELETED', null, validUntil, '2026-03-02T10:00:00.000Z')).toBeNull();
    expect(vendorListOf('SUBMITTED', '100000008', validUntil, '2026-04-01T00:00:00.000Z')).toBe('submitted');
    expect(vendorListOf('REJECTED', '100000008', validUntil, '2026-04-01T00:00:00.000Z')).toBe('submitted');
  });
  it('the vendor status: SUBMITTED with a contract number, the pending status while pending, else none (R-APP-4)', () => {
    expect(vendorStatusOf('REJECTED', '100000008')).toBe('SUBMITTED');
    expect(vendorStatusOf('STARTED', null)).toBe('STARTED');
    expect(vendorStatusOf('STARTED', null, ['SUBMITTED', 'NOT_STARTED'])).toBe('STARTED');
    expect(vendorStatusOf('STARTED', null, ['NOT_STARTED'])).toBe('NOT_STARTED');
    expect(vendorStatusOf('EXPIRED', null, ['STARTED'])).toBeNull();
  });

  it('R-APP-3: an application can be deleted or cancelled until the payout starts', () => {
    expect(canBeWithdrawn('NOT_STARTED')).toBe(true);
    expect(canBeWithdrawn('OFFERED')).toBe(true);
    expect(canBeWithdrawn('PAYING_OUT')).toBe(false);
    expect(canBeWithdrawn('PAID_OUT')).toBe(false);
    expect(canBeWithdrawn('EXPIRED')).toBe(false);
  });
});

describe('deadlines (R-APP-5, R-APP-7, R-APP-9, R-APP-10)', () => {
  const created = Date.parse('2026-03-02T10:15:00Z');
  it('R-APP-5: valid 7 days; R-APP-7: 14 days to verify income; R-APP-9: offer valid 30 days', () => {
    expect(applicationValidUntil(created)).toBe('2026-03-09T10:15:00.000Z');
    expect(incomeVerificationDeadline(created)).toBe('2026-03-16T10:15:00.000Z');
    expect(offerValidUntil(created)).toBe('2026-04-01T10:15:00.000Z');
  });
  it('R-APP-10: the power of attorney is valid 3 months', () => {
    expect(powerOfAttorneyValidUntil('2026-03-02')).toBe('2026-06-02');
    expect(powerOfAttorneyValidUntil('2026-11-30')).toBe('2027-02-28');
  });
});

describe('identifiers (R-APP-2)', () => {
  it('R-APP-2: references are A + 9 Crockford characters', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 9, maxLength: 9 }), (bytes) => {
        expect(applicationReference(bytes)).toMatch(APPLICATION_REFERENCE);
      }),
    );
  });
  it('R-APP-2: contract numbers have 9 digits with a Luhn check digit', () => {
    expect(contractNumberFromSequence(10_000_000)).toBe('100000009');
    fc.assert(
      fc.property(fc.integer({ min: 10_000_000, max: 99_999_999 }), (seq) => {
        const n = contractNumberFromSequence(seq);
        expect(n).toMatch(/^\d{9}$/);
        expect(isValidContractNumber(n)).toBe(true);
        const typo = n.slice(0, 8) + String((Number(n[8]) + 1) % 10);
        expect(isValidContractNumber(typo)).toBe(false);
      }),
    );
    expect(() => contractNumberFromSequence(9_999_999)).toThrow(RangeError);
  });
});

describe('new applications (R-APP-1, R-PROD-1, R-APP-10)', () => {
  const valid = {
    amount: '100000',
    termMonths: 60,
    noticeChannel: 'e-invoice' as const,
    applicants: [{ personnummer: '19811228-9874', email: 'anna@example.com', phone: '070-123 45 67' }],
  };

  it('R-APP-1: normalises the personnummer and the mobile number of a valid application', () => {
    const { violations, applicants } = newApplicationViolations(valid, TODAY);
    expect(violations).toEqual([]);
    expect(applicants).toEqual([
      { personnummer: ANNA, birthDate: '1981-12-28', email: 'anna@example.com', phone: '+46701234567' },
    ]);
  });

  it('R-APP-1: names the field of an invalid personnummer, an applicant under 18 and a duplicate co-applicant', () => {
    const under18 = pnr('20080303'); // 17 on 2026-03-02, 18 the day after
    const { violations } = newApplicationViolations(
      {
        ...valid,
        applicants: [
          { personnummer: '19811228-9875', email: 'a@example.com', phone: '0701234567' },
          { personnummer: under18, email: 'b@example.com', phone: '0701234568' },
        ],
      },
      TODAY,
    );
    expect(violations).toEqual([
      { field: 'applicants.0.personnummer', message: 'not a valid personal identity number (check-digit)' },
      { field: 'applicants.1.personnummer', message: 'the applicant must be at least 18 (R-APP-1)' },
    ]);
    const turns18Today = pnr('20080302');
    expect(
      newApplicationViolations(
        { ...valid, applicants: [{ personnummer: turns18Today, email: 'c@example.com', phone: '0701234567' }] },
        TODAY,
      ).violations,
    ).toEqual([]);
    const twice = newApplicationViolations(
      { ...valid, applicants: [valid.applicants[0]!, valid.applicants[0]!] },
      TODAY,
    );
    expect(twice.violations).toEqual([
      { field: 'applicants.1.personnummer', message: 'the co-applicant must be another person' },
    ]);
  });

  it('R-PROD-1: amount 30 000–200 000 and term 24–120; at most two applicants; contacts checked', () => {
    const { violations } = newApplicationViolations(
      {
        amount: '29999.99',
        termMonths: 121,
        noticeChannel: 'fax' as never,
        applicants: [
          { personnummer: ANNA, email: 'not-an-email', phone: '08-123 456' },
          { personnummer: pnr('19900101'), email: 'b@example.com', phone: '0701234567' },
          { personnummer: pnr('19900102'), email: 'c@example.com', phone: '0701234567' },
        ],
      },
      TODAY,
    );
    expect(violations.map((v) => v.field)).toEqual(['amount', 'termMonths', 'noticeChannel', 'applicants']);
    const contacts = newApplicationViolations(
      { ...valid, applicants: [{ personnummer: ANNA, email: 'not-an-email', phone: '08-123 456' }] },
      TODAY,
    ).violations;
    expect(contacts.map((v) => v.field)).toEqual(['applicants.0.email', 'applicants.0.phone']);
    expect(newApplicationViolations({ ...valid, amount: '200000.01' }, TODAY).violations[0]?.field).toBe('amount');
    expect(newApplicationViolations({ ...valid, amount: '200000', termMonths: 24 }, TODAY).violations).toEqual([]);
  });

  it('R-APP-10: loans to redeem need a bankgiro, a valid OCR and must fit within the amount', () => {
    const loan = { creditor: 'Bank AB', amount: '40000', bankgiro: '5050-1055'.replace('-', ''), ocr: '1234567897' };
    expect(newApplicationViolations({ ...valid, consolidation: [loan] }, TODAY).violations).toEqual([]);
    const bad = newApplicationViolations(
      {
        ...valid,
        consolidation: [
          { ...loan, ocr: '1234567890', bankgiro: '12' },
          { ...loan, amount: '70000' },
        ],
      },
      TODAY,
    );
    expect(bad.violations.map((v) => v.field)).toEqual([
      'consolidation.0.bankgiro',
      'consolidation.0.ocr',
      'consolidation',
    ]);
  });

  it('normalises Swedish mobile numbers to E.164 and refuses landlines', () => {
    expect(normaliseSwedishMobile('+46 70 123 45 67')).toBe('+46701234567');
    expect(normaliseSwedishMobile('0046701234567')).toBe('+46701234567');
    expect(normaliseSwedishMobile('08-123 456 78')).toBeNull();
  });

  it.each([
    ['070-123 45 67', '+46701234567'],
    ['0701234567', '+46701234567'],
    ['(070) 123 45 67', '+46701234567'],
    ['+46 70 123 45 67', '+46701234567'],
    ['0046701234567', '+46701234567'],
    ['+46 (0)70 123 45 67', null],
    ['08-123 456 78', null],
    ['07012345', null],
  ])('normalises the mobile number %s → %s', (input, expected) => {
    expect(normaliseSwedishMobile(input)).toBe(expected);
  });
});

describe('answers (R-APP-2)', () => {
  it('a submission needs every field, and the payout account from the main applicant (R-APP-9)', () => {
    expect(answerViolations(ANSWERS, { complete: true, mainApplicant: true })).toEqual([]);
    const { payoutAccount: _p, ...coAnswers } = ANSWERS;
    expect(answerViolations(coAnswers, { complete: true, mainApplicant: false })).toEqual([]);
    expect(answerViolations(coAnswers, { complete: true, mainApplicant: true })).toEqual([
      { field: 'payoutAccount', message: 'required from the main applicant (R-APP-9)' },
    ]);
    expect(answerViolations(ANSWERS, { complete: true, mainApplicant: false })).toEqual([
      { field: 'payoutAccount', message: 'only the main applicant gives the payout account' },
    ]);
    expect(answerViolations({}, { complete: true, mainApplicant: false }).map((v) => v.field)).toEqual([
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
    ]);
  });

  it('a draft may be partial, but what it gives must be valid', () => {
    expect(answerViolations({ employment: 'permanent' }, { complete: false, mainApplicant: true })).toEqual([]);
    expect(
      answerViolations(
        {
          monthlyIncome: '-1',
          householdAdults: 0,
          debts: [{ kind: 'loan' as never, balance: '1.234', monthlyPayment: '100' }],
          citizenship: 'swe',
          payoutAccount: { clearingNumber: '12', accountNumber: 'x' },
        },
        { complete: false, mainApplicant: true },
      ).map((v) => v.field),
    ).toEqual([
      'monthlyIncome',
      'householdAdults',
      'debts.0.kind',
      'debts.0.balance',
      'citizenship',
      'payoutAccount.clearingNumber',
      'payoutAccount.accountNumber',
    ]);
  });
});

describe('eligibility (R-APP-1) and income verification (R-APP-7)', () => {
  it('R-APP-1: registered in Sweden, fixed income, no payment remarks, no enforcement debt, 18 or older', () => {
    expect(
      eligibilityFailures({ birthDate: '1981-12-28', employment: 'permanent', bureau: CLEAN_BUREAU }, TODAY),
    ).toEqual([]);
    expect(
      eligibilityFailures(
        {
          birthDate: '2008-03-03',
          employment: 'student',
          bureau: { registeredInSweden: false, taxedAnnualIncome: '0', paymentRemarks: 2, enforcementDebt: '0.01' },
        },
        TODAY,
      ),
    ).toEqual(['under-age', 'not-registered-in-sweden', 'no-fixed-income', 'payment-remarks', 'enforcement-debt']);
  });

  it('R-APP-7: asks for verification when stated and taxed income differ by more than 20 %', () => {
    const at = (monthly: string, taxed = '480000') =>
      incomeVerificationTriggers({ statedMonthlyIncome: monthly, taxedAnnualIncome: taxed, amount: '100000' });
    expect(at('40000')).toEqual([]); // 480 000 = taxed
    expect(at('48000')).toEqual([]); // 576 000: exactly +20 %
    expect(at('48000.01')).toEqual(['income-deviation']);
    expect(at('32000')).toEqual([]); // 384 000: exactly −20 %
    expect(at('31999.99')).toEqual(['income-deviation']);
    expect(at('1', '0')).toEqual(['income-deviation']);
  });

  it('R-APP-7: asks for verification above 100 000 SEK', () => {
    const at = (amount: string) =>
      incomeVerificationTriggers({ statedMonthlyIncome: '40000', taxedAnnualIncome: '480000', amount });
    expect(at('100000.00')).toEqual([]);
    expect(at('100000.01')).toEqual(['amount-above-limit']);
  });
});

describe('decision and risk pricing (R-APP-8, R-PROD-1)', () => {
  it('R-APP-8: tax model and standard living costs', () => {
    expect(netMonthlyIncome(new Decimal('40000')).toFixed(2)).toBe('28000.00');
    // 60 000 × 12 = 720 000; state tax 20 % × (720 000 − 643 100) / 12 = 1 281.67
    expect(netMonthlyIncome(new Decimal('60000')).toFixed(2)).toBe('40718.33');
    expect(standardLivingCosts(2, 1).toFixed(2)).toBe('20500.00');
  });

  it('R-APP-8: approves a sound household with the rate of its risk grade, not negotiable', () => {
    const d = decide({ applicants: [applicant()], amount: '100000', termMonths: 60, today: TODAY });
    expect(d.outcome).toBe('APPROVED');
    // Net 31 500 − housing 8 000 − living 9 500 = 14 000 before the loan: margin share 0.44; DTI 100 000 / 540 000.
    expect(d.riskGrade).toBe('A');
    expect(d.nominalRatePercent).toBe('7.75');
    expect(d.affordability).toMatchObject({
      netIncome: '31500.00',
      housingCost: '8000.00',
      livingCosts: '9500.00',
      existingDebtPayments: '0.00',
      stressedRatePercent: '10.75',
    });
    expect(new Decimal(d.affordability!.margin).greaterThan(0)).toBe(true);
  });

  it('R-APP-8: the stressed payment (rate + 3 pp) decides affordability; more debt means a higher rate', () => {
    // Net 31 500 − housing 8 000 − living 9 500 − debts 11 000 = 3 000 before the loan: share 0.095 → grade E.
    const indebted = applicant({
      answers: { ...ANSWERS, debts: [{ kind: 'car-loan', balance: '900000', monthlyPayment: '11000' }] },
    });
    const d = decide({ applicants: [indebted], amount: '100000', termMonths: 60, today: TODAY });
    expect(d).toMatchObject({ outcome: 'APPROVED', riskGrade: 'E', nominalRatePercent: '18.95' });
    const stressed = annuityPayment(new Decimal('100000'), monthlyRate(new Decimal('21.95')), 60);
    expect(d.affordability).toMatchObject({
      stressedRatePercent: '21.95',
      stressedLoanPayment: stressed.toFixed(2),
      existingDebtPayments: '11000.00',
      margin: new Decimal(3000).minus(stressed).toFixed(2),
    });
    // Grade D: share ≥ 0.10 and debt-to-income ≤ 4.5.
    const lessIndebted = applicant({
      answers: { ...ANSWERS, debts: [{ kind: 'car-loan', balance: '900000', monthlyPayment: '9000' }] },
    });
    expect(decide({ applicants: [lessIndebted], amount: '100000', termMonths: 60, today: TODAY })).toMatchObject({
      riskGrade: 'D',
      nominalRatePercent: '15.45',
    });

    const tooMuch = applicant({
      answers: { ...ANSWERS, debts: [{ kind: 'mortgage', balance: '2000000', monthlyPayment: '12000' }] },
    });
    const r = decide({ applicants: [tooMuch], amount: '200000', termMonths: 24, today: TODAY });
    expect(r).toMatchObject({ outcome: 'REJECTED', reasons: ['affordability'] });
    expect(new Decimal(r.affordability!.margin).isNegative()).toBe(true);
  });

  it('R-APP-8: a margin of exactly 0.00 passes, one öre less fails', () => {
    const withHousing = (housing: Decimal) =>
      decide({
        applicants: [
          applicant({
            answers: {
              ...ANSWERS,
              monthlyHousingCost: housing.toFixed(2),
              debts: [{ kind: 'car-loan', balance: '900000', monthlyPayment: '11000' }],
            },
          }),
        ],
        amount: '100000',
        termMonths: 60,
        today: TODAY,
      });
    const base = withHousing(new Decimal(8000));
    expect(base.riskGrade).toBe('E');
    const atZero = new Decimal(8000).plus(base.affordability!.margin);
    expect(withHousing(atZero)).toMatchObject({ outcome: 'APPROVED', affordability: { margin: '0.00' } });
    expect(withHousing(atZero.plus('0.01'))).toMatchObject({
      outcome: 'REJECTED',
      reasons: ['affordability'],
      affordability: { margin: '-0.01' },
    });
  });

  it('R-APP-1: any failed basic requirement rejects, whatever the income', () => {
    const d = decide({
      applicants: [applicant(), applicant({ bureau: { ...CLEAN_BUREAU, paymentRemarks: 1 } })],
      amount: '50000',
      termMonths: 36,
      today: TODAY,
    });
    expect(d).toEqual({ outcome: 'REJECTED', reasons: ['payment-remarks'] });
  });

  it('R-APP-8: two applicants are one household; R-APP-7: verified income replaces the stated one', () => {
    const low = applicant({ answers: { ...ANSWERS, monthlyIncome: '20000.00', monthlyHousingCost: '0.00' } });
    const alone = decide({ applicants: [low], amount: '200000', termMonths: 36, today: TODAY });
    expect(alone.outcome).toBe('REJECTED');
    const together = decide({
      applicants: [low, applicant({ answers: { ...ANSWERS, householdAdults: 2 } })],
      amount: '200000',
      termMonths: 36,
      today: TODAY,
    });
    expect(together.outcome).toBe('APPROVED');
    expect(together.affordability!.livingCosts).toBe('16500.00'); // 2 adults, one household
    const verified = decide({
      applicants: [{ ...low, verifiedNetMonthlyIncome: '60000.00' }],
      amount: '200000',
      termMonths: 36,
      today: TODAY,
    });
    expect(verified.outcome).toBe('APPROVED');
    expect(verified.affordability!.netIncome).toBe('60000.00');
  });

  it('R-PROD-1: every offered rate lies within 7.75–18.95 % (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10_000, max: 120_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.integer({ min: 30_000, max: 200_000 }),
        fc.integer({ min: 24, max: 120 }),
        (income, housing, debt, amount, term) => {
          const d = decide({
            applicants: [
              applicant({
                answers: {
                  ...ANSWERS,
                  monthlyIncome: `${income}.00`,
                  monthlyHousingCost: `${housing}.00`,
                  debts: debt
                    ? [{ kind: 'mortgage', balance: `${debt}`, monthlyPayment: `${Math.round(debt / 200)}` }]
                    : [],
                },
                bureau: { ...CLEAN_BUREAU, taxedAnnualIncome: `${income * 12}` },
              }),
            ],
            amount: `${amount}`,
            termMonths: term,
            today: TODAY,
          });
          if (d.outcome === 'APPROVED') {
            const rate = new Decimal(d.nominalRatePercent!);
            expect(
              rate.gte(DEFAULT_PRODUCT.minOfferedRatePercent) && rate.lte(DEFAULT_PRODUCT.maxOfferedRatePercent),
            ).toBe(true);
            expect(new Decimal(d.affordability!.margin).isNegative()).toBe(false);
          } else {
            expect(d.reasons).toEqual(['affordability']);
          }
        },
      ),
    );
    expect(APPLICATION_RULES.riskGrades.map((g) => g.ratePercent)).toEqual(['7.75', '9.95', '12.45', '15.45', '18.95']);
  });
});

describe('offer (R-APP-9, R-PROD-5) and payout (R-APP-9, R-APP-10)', () => {
  it('R-APP-9: the offer carries the quote’s monthly payment and APR and is valid 30 days', () => {
    const offeredAtMs = Date.parse('2026-03-02T10:00:00Z');
    const offer = makeOffer({
      amount: '100000',
      termMonths: 60,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      offeredAtMs,
      today: TODAY,
    });
    const q = quote({
      amount: new Decimal('100000'),
      termMonths: 60,
      nominalRatePercent: new Decimal('9.95'),
      noticeChannel: 'autogiro',
      payoutDate: '2026-03-03',
    });
    expect(offer).toEqual({
      amount: '100000.00',
      termMonths: 60,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      monthlyPayment: q.monthlyPayment.toFixed(2),
      aprPercent: q.aprPercent.toFixed(2),
      totalCost: q.totalCost.toFixed(2),
      totalPayable: q.totalPayable.toFixed(2),
      assumedPayoutDate: '2026-03-03',
      offeredAt: '2026-03-02T10:00:00.000Z',
      validUntil: '2026-04-01T10:00:00.000Z',
    });
  });

  it('R-APP-9: payout is requested for the next banking day', () => {
    expect(payoutExecutionDate('2026-03-02')).toBe('2026-03-03');
    expect(payoutExecutionDate('2026-03-06')).toBe('2026-03-09'); // Friday → Monday
    expect(payoutExecutionDate('2026-12-23')).toBe('2026-12-28'); // Christmas eve to Boxing day closed
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), (n) => {
        const day = new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        expect(isBankingDay(payoutExecutionDate(day))).toBe(true);
      }),
    );
  });

  it('R-APP-10: creditors are paid first, the rest goes to the account in the application', () => {
    const account = { clearingNumber: '6000', accountNumber: '123456789' };
    const plan = payoutPlan(
      {
        amount: '100000',
        payoutAccount: account,
        consolidation: [
          { creditor: 'Kortbolaget', amount: '25000.50', bankgiro: '56781234', ocr: '1234567897' },
          { creditor: 'Billån AB', amount: '30000', bankgiro: '5050105', ocr: '45678912345642' },
        ],
      },
      '100000008',
    );
    expect(plan).toEqual([
      {
        recipient: 'creditor',
        index: 0,
        amount: '25000.50',
        bankgiro: '56781234',
        ocr: '1234567897',
        reference: 'Lösen avtal 100000008',
      },
      {
        recipient: 'creditor',
        index: 1,
        amount: '30000.00',
        bankgiro: '5050105',
        ocr: '45678912345642',
        reference: 'Lösen avtal 100000008',
      },
      { recipient: 'applicant', amount: '44999.50', account, reference: 'Lån 100000008' },
    ]);
    const sum = plan.reduce((s, l) => s.plus(l.amount), new Decimal(0));
    expect(sum.toFixed(2)).toBe('100000.00');
    expect(
      payoutPlan(
        {
          amount: '30000',
          payoutAccount: account,
          consolidation: [{ creditor: 'X', amount: '30000', bankgiro: '5050105', ocr: '1234567897' }],
        },
        '100000008',
      ).map((l) => l.recipient),
    ).toEqual(['creditor']);
    expect(payoutPlan({ amount: '50000', payoutAccount: account, consolidation: [] }, '100000008')).toEqual([
      { recipient: 'applicant', amount: '50000.00', account, reference: 'Lån 100000008' },
    ]);
  });
});

describe('prefill (R-APP-6)', () => {
  const earlier = [
    { applicationId: 'a1', reference: 'A000000001', submittedOn: '2026-01-20' },
    { applicationId: 'a2', reference: 'A000000002', submittedOn: '2026-02-10' },
    { applicationId: 'a3', reference: 'A000000003', submittedOn: '2026-02-20' },
  ];
  it('R-APP-6: the latest earlier answers within 30 days, never the application’s own', () => {
    expect(prefillSource(earlier, '2026-03-02', 'new')?.applicationId).toBe('a3');
    expect(prefillSource(earlier, '2026-03-02', 'a3')?.applicationId).toBe('a2');
    expect(prefillSource(earlier, '2026-03-22', 'new')?.applicationId).toBe('a3'); // exactly 30 days
    expect(prefillSource(earlier, '2026-03-23', 'new')).toBeUndefined();
    expect(prefillSource([], '2026-03-02', 'new')).toBeUndefined();
  });
});
