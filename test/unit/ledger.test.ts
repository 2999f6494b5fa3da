import { allocatePayment } from '../../domain/allocation';
import {
  assertBalanced,
  balancesByAccount,
  customerDebt,
  disbursementPosting,
  invoicePosting,
  paymentPosting,
  UnbalancedPostingError,
} from '../../domain/ledger';
import { Decimal } from '../../domain/money';

const d = (s: string) => new Decimal(s);

describe('double-entry ledger postings', () => {
  it('refuses a posting whose entries do not sum to zero', () => {
    expect(() =>
      assertBalanced({
        idempotencyKey: 'k',
        loanId: 'l',
        type: 'payment',
        businessDate: '2026-11-21',
        entries: [
          { account: 'bank', amount: d('100.00') },
          { account: 'fees_receivable', amount: d('-99.99') },
        ],
      }),
    ).toThrow(UnbalancedPostingError);
  });

  it('R-LOAN-1: an invoice moves principal from outstanding to invoiced and books interest and fees as income', () => {
    const posting = invoicePosting('l', 1, '2026-12-15', [
      { kind: 'setup-fee', amount: d('350.00') },
      { kind: 'interest', amount: d('834.14') },
      { kind: 'principal', amount: d('1300.83') },
    ]);
    const b = balancesByAccount(posting.entries);
    expect(b.principal_invoiced.toFixed(2)).toBe('1300.83');
    expect(b.principal_outstanding.toFixed(2)).toBe('-1300.83');
    expect(b.interest_income.toFixed(2)).toBe('-834.14');
    expect(b.fee_income.toFixed(2)).toBe('-350.00');
  });

  it('R-LOAN-2/7: an overpayment reduces principal, and beyond the whole debt becomes a customer credit', () => {
    const loan = [
      disbursementPosting('l', '2026-11-21', d('1000.00')),
      invoicePosting('l', 1, '2026-12-15', [
        { kind: 'interest', amount: d('10.00') },
        { kind: 'principal', amount: d('400.00') },
      ]),
    ];
    const open = [
      {
        id: '1',
        dueDate: '2026-12-31',
        lines: [
          { kind: 'interest' as const, remaining: d('10.00') },
          { kind: 'principal' as const, remaining: d('400.00') },
        ],
      },
    ];
    const principalOutstanding = balancesByAccount(loan.flatMap((p) => p.entries)).principal_outstanding;
    expect(principalOutstanding.toFixed(2)).toBe('600.00');
    const payment = paymentPosting('l', 'p1', '2026-12-20', allocatePayment(d('1500.00'), open), principalOutstanding);
    const after = balancesByAccount([...loan, payment].flatMap((p) => p.entries));
    expect(customerDebt(after).toFixed(2)).toBe('0.00');
    expect(after.principal_outstanding.toFixed(2)).toBe('0.00');
    expect(after.customer_credit.toFixed(2)).toBe('-490.00'); // 1500 − 410 invoiced − 600 principal
    expect(after.bank.toFixed(2)).toBe('500.00'); // −1000 paid out + 1500 received
  });
});
