/** R-PAY-2: what a bank file's records become; R-PAY-4: what a refund takes and why. */
import { Decimal } from '../../domain/money';
import { planFilePayments } from '../../domain/payment-file';
import {
  canRetryRefund,
  refundableAmount,
  refundPayoutKey,
  refundPayoutReference,
  refundReason,
} from '../../domain/refund';

describe('bank file payments (R-PAY-2)', () => {
  const base = { kind: 'payment' as const, paymentDate: '2026-11-26', bgcSerial: '000000000123' };

  it('R-PAY-2: a payment keeps its OCR digits; any other reference goes to suspense with none; deductions and zero amounts are refused', () => {
    const plan = planFilePayments('20261127061502123456', [
      { ...base, line: 3, reference: '90000000118', amount: '100.00' },
      { ...base, line: 4, reference: 'FAKTURA 17', amount: '50.00', bgcSerial: '000000000000' },
      { ...base, line: 5, reference: '', amount: '0.00' },
      { ...base, line: 6, reference: '', amount: '25.00', kind: 'deduction' },
    ]);
    expect(plan.payments).toEqual([
      {
        line: 3,
        bankReference: 'BGC-000000000123',
        ocrReference: '90000000118',
        amount: '100.00',
        paymentDate: '2026-11-26',
      },
      // No Bankgirot serial: the file's timestamp and the line identify the payment.
      {
        line: 4,
        bankReference: 'BGMAX-20261127061502123456-4',
        ocrReference: '',
        amount: '50.00',
        paymentDate: '2026-11-26',
      },
    ]);
    expect(plan.refused.map((r) => [r.line, r.reason])).toEqual([
      [5, 'a payment of 0.00 registers nothing'],
      [6, 'a deduction is not a payment: settle it with the bank'],
    ]);
  });
});

describe('refunds (R-PAY-4)', () => {
  it('R-PAY-4: a refund takes the credit not yet in another refund, never less than nothing', () => {
    expect(refundableAmount(new Decimal('-500.00'), new Decimal(0)).toFixed(2)).toBe('500.00');
    expect(refundableAmount(new Decimal('-500.00'), new Decimal('500.00')).toFixed(2)).toBe('0.00');
    expect(refundableAmount(new Decimal('-800.00'), new Decimal('500.00')).toFixed(2)).toBe('300.00');
    expect(refundableAmount(new Decimal('0.00'), new Decimal(0)).toFixed(2)).toBe('0.00');
  });

  it('R-PAY-4, R-LOAN-7, R-LOAN-8: the reason follows how the loan ended', () => {
    const closed = {
      trigger: 'loan-closed' as const,
      inCollection: false,
      withdrawn: false,
      settledEarlyRepayment: false,
    };
    expect(refundReason(closed)).toBe('overpayment');
    expect(refundReason({ ...closed, withdrawn: true })).toBe('withdrawal');
    expect(refundReason({ ...closed, settledEarlyRepayment: true })).toBe('early-repayment');
    expect(refundReason({ ...closed, trigger: 'payment-after-end', withdrawn: true })).toBe('closed-loan-credit');
  });

  it('R-PAY-4, R-COLL-9: a case paid beyond its claim, or paid after it ended, is refunded as collection credit', () => {
    const inCollection = {
      trigger: 'case-overpaid' as const,
      inCollection: true,
      withdrawn: false,
      settledEarlyRepayment: false,
    };
    expect(refundReason(inCollection)).toBe('collection-overpayment');
    // A loan withdrawn and then handed over: the case is what was overpaid.
    expect(refundReason({ ...inCollection, withdrawn: true })).toBe('collection-overpayment');
    expect(refundReason({ ...inCollection, trigger: 'payment-after-end' })).toBe('closed-case-credit');
  });

  it('R-PAY-4: only a failed refund is retried, each attempt under its own key; the statement text fits the bank', () => {
    expect(['PENDING', 'PAID', 'FAILED'].filter((s) => canRetryRefund(s as 'PENDING'))).toEqual(['FAILED']);
    expect(refundPayoutKey('loan-1:refund:close', 2)).toBe('loan-1:refund:close:payout:2');
    expect(refundPayoutReference('123456789012345678901234').length).toBeLessThanOrEqual(35);
  });
});
