/** The customer pages' formatting, BankID messages and the answers form's mapping (pure). */
import { bankIdFailedMessage, bankIdPendingMessage } from '../../texts/bankid';
import { formatDate, formatKronor, formatPercent } from '../../texts/format';
import { webTexts } from '../../texts/web';
import { answersFromForm, fieldErrorsOf, formValuesFromAnswers } from '../../web/answers-form';

describe('texts/format', () => {
  it('formats kronor the Swedish way', () => {
    expect(formatKronor('1234.5')).toBe('1 234,50 kr');
    expect(formatKronor('0')).toBe('0,00 kr');
    expect(formatKronor('1234567.891')).toBe('1 234 567,89 kr');
    expect(formatKronor('-50')).toBe('−50,00 kr');
  });

  it('formats dates and instants as Stockholm calendar dates', () => {
    expect(formatDate('2026-03-10')).toBe('2026-03-10');
    expect(formatDate('2026-03-09T23:30:00Z')).toBe('2026-03-10');
    expect(formatPercent('9.5')).toBe('9,50 %');
  });
});

describe('BankID user messages (RFA)', () => {
  it('maps hint codes to the prescribed messages in both languages', () => {
    expect(bankIdPendingMessage('sv', 'outstandingTransaction', false)).toBe('Starta BankID-appen.');
    expect(bankIdPendingMessage('sv', 'outstandingTransaction', true)).toBe('Försöker starta BankID-appen.');
    expect(bankIdPendingMessage('en', 'userSign', false)).toBe(
      'Enter your security code in the BankID app and select Identify or Sign.',
    );
    expect(bankIdFailedMessage('sv', 'userCancel', false)).toBe('Åtgärden avbruten.');
    expect(bankIdFailedMessage('sv', 'expiredTransaction', false)).toMatch(/^BankID-appen svarar inte/);
    expect(bankIdFailedMessage('en', 'startFailed', false)).toMatch(/^Failed to scan the QR code/);
    expect(bankIdFailedMessage('sv', 'somethingNew', false)).toBe('Okänt fel. Försök igen.');
    expect(bankIdPendingMessage('sv', 'somethingNew', false)).toBe('Identifiering eller underskrift pågår.');
  });
});

describe('the answers form', () => {
  it('turns typed Swedish amounts into answers and back', () => {
    const answers = answersFromForm(
      {
        employment: 'permanent',
        monthlyIncome: '45 000,50',
        householdAdults: '2',
        'debtKind-1': 'car-loan',
        'debtBalance-1': '10 000',
        'debtMonthly-1': '900',
        taxResidentOutsideSweden: 'no',
        clearingNumber: '6000',
        accountNumber: '123-456',
      },
      true,
    );
    expect(answers).toEqual({
      employment: 'permanent',
      monthlyIncome: '45000.50',
      householdAdults: 2,
      debts: [{ kind: 'car-loan', balance: '10000', monthlyPayment: '900' }],
      taxResidentOutsideSweden: false,
      payoutAccount: { clearingNumber: '6000', accountNumber: '123456' },
    });
    expect(formValuesFromAnswers(answers)).toMatchObject({ monthlyIncome: '45000,50', 'debtKind-0': 'car-loan' });
  });

  it('names each field in the error summary', () => {
    const t = webTexts('sv');
    expect(
      fieldErrorsOf(t, [
        { field: 'body.employment', message: 'required' },
        { field: 'body.debts.0.balance', message: 'must be a decimal string' },
      ]),
    ).toEqual([
      { field: 'employment', message: 'Fyll i: Sysselsättning' },
      { field: 'debtBalance-0', message: 'Kontrollera: Lån 1: Skuld (kr)' },
    ]);
  });
});
