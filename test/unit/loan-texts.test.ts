/**
 * What the borrower reads about the loan (texts/loan.ts, texts/format.ts): Swedish amounts and
 * dates, and never a rule id.
 */
import { Decimal } from '../../domain/money';
import { formatKronor, formatLongDate } from '../../texts/format';
import {
  collectionLetter,
  earlyRepaymentLetter,
  invoiceLetter,
  paymentFreeMonthLetter,
  rateChangeLetter,
  reminderLetter,
  terminationLetter,
  withdrawalLetter,
} from '../../texts/loan';

describe('Swedish formatting', () => {
  it('amounts in kronor with a space between thousands and a decimal comma', () => {
    expect(formatKronor('1234.5')).toBe('1 234,50 kr');
    expect(formatKronor(new Decimal('1234567.891'))).toBe('1 234 567,89 kr');
    expect(formatKronor('0')).toBe('0,00 kr');
    expect(formatKronor('95.00')).toBe('95,00 kr');
    expect(formatKronor('-20')).toBe('−20,00 kr');
    expect(formatKronor('13.63013698', 4)).toBe('13,6301 kr');
  });

  it('dates as day, month name and year', () => {
    expect(formatLongDate('2027-03-05')).toBe('5 mars 2027');
    expect(formatLongDate('2026-12-31')).toBe('31 december 2026');
  });
});

describe('the loan letters', () => {
  const letters = [
    invoiceLetter({
      number: 3,
      contractNumber: 'K-1',
      total: '1234.50',
      dueDate: '2027-03-31',
      ocrReference: '123455',
      lines: [
        { kind: 'principal', amount: '1000.00' },
        { kind: 'interest', amount: '214.50' },
        { kind: 'notice-fee', amount: '20.00' },
      ],
    }),
    reminderLetter({
      invoiceNumber: 3,
      contractNumber: 'K-1',
      lateFee: '95.00',
      reminderFee: '60.00',
      newDueDate: '2027-05-14',
    }),
    terminationLetter({ contractNumber: 'K-1', grounds: ['a', 'b'], endsOn: '2027-06-10' }),
    collectionLetter({ contractNumber: 'K-1', total: '51234.00', collectionFee: '180.00' }),
    rateChangeLetter({
      contractNumber: 'K-1',
      effectiveFrom: '2027-04-15',
      newRatePercent: '11.45',
      currentRatePercent: '10.45',
      firstInstallment: 5,
      newMonthlyPayment: '1510.22',
      remainingInstallments: 32,
    }),
    paymentFreeMonthLetter({
      contractNumber: 'K-1',
      installmentNumber: 6,
      dueDate: '2027-06-30',
      capitalisedInterest: '412.00',
      termMonths: 37,
      newMonthlyPayment: '1523.10',
    }),
    earlyRepaymentLetter({
      contractNumber: 'K-1',
      kind: 'partial',
      total: '20000.00',
      ocrReference: '12345',
      payBy: '2027-04-01',
      remainingInstallments: 20,
    }),
    withdrawalLetter({
      contractNumber: 'K-1',
      total: '50100.00',
      ocrReference: '12345',
      repayBy: '2027-04-30',
      principal: '50000.00',
      interest: '450.00',
      interestPerDay: '13.6301',
      feesRefunded: '350.00',
    }),
  ];

  it('R-LOAN-11: no letter shows a rule id', () => {
    for (const letter of letters) expect(`${letter.subject}\n${letter.body}`).not.toMatch(/R-[A-Z]+-\d/);
  });

  it('every letter names the contract and shows amounts and dates the Swedish way', () => {
    for (const letter of letters) expect(letter.subject).toContain('K-1');
    expect(letters[0]!.body).toContain('1 234,50 kr senast 31 mars 2027 till OCR-nummer 123455');
    expect(letters[0]!.body).toContain('Aviavgift: 20,00 kr');
    expect(letters[4]!.body).toContain('1 510,22 kr');
    expect(letters[4]!.body).toContain('11,45 %');
    expect(letters[7]!.body).toContain('13,6301 kr per dag');
  });
});
