import fc from 'fast-check';
import {
  allocateCasePayment,
  caseDefaultInterest,
  type Claim,
  claimFromLines,
  claimOn,
  claimTotal,
  DEFAULT_COLLECTION_PRODUCT,
  demandDeadline,
  lastReminderDeadline,
} from '../../domain/collection';
import {
  afterMissedInstallment,
  type CaseStanding,
  decideDispute,
  decideInstallmentPlan,
  decidePostponement,
  planDueBy,
  smallestAcceptableMonthlyAmount,
} from '../../domain/collection-case';
import {
  caseChargePosting,
  casePaymentPosting,
  caseWriteOffPosting,
  claimTransferPosting,
} from '../../domain/collection-ledger';
import { balancesByAccount, customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount, sumAmounts } from '../../domain/money';

fc.configureGlobal({ seed: 20261129, numRuns: 200 });
const d = (s: string) => new Decimal(s);

const CLAIM: Claim = {
  principal: d('40000.00'),
  interest: d('812.50'),
  fees: d('310.00'),
  defaultInterest: d('123.45'),
  collectionFee: d('180.00'),
};
const demand = (over: Partial<CaseStanding> = {}): CaseStanding => ({
  stage: 'DEMAND',
  deadline: '2027-03-11',
  postponementsUsed: 0,
  ...over,
});

describe('the collection claim (R-COLL-1, R-COLL-9)', () => {
  it('R-COLL-1: the claim holds principal, interest, fees, default interest and the collection fee 180', () => {
    expect(DEFAULT_COLLECTION_PRODUCT.collectionFee).toBe('180.00');
    expect(formatAmount(claimTotal(CLAIM))).toBe('41425.95');
    const lines = claimFromLines([
      { kind: 'principal', remaining: d('100') },
      { kind: 'late-fee', remaining: d('95') },
      { kind: 'other-fee', remaining: d('170') },
      { kind: 'collection-fee', remaining: d('180') },
      { kind: 'default-interest', remaining: d('1.5') },
    ]);
    expect(formatAmount(lines.fees)).toBe('265.00');
    expect(formatAmount(lines.collectionFee)).toBe('180.00');
  });

  it('R-COLL-1: default interest at the loan rate + 5 pp on the principal part, actual/365, to the öre', () => {
    // 40 000 × 14.95 % × 31 / 365 = 507.890… → 507.89
    expect(
      formatAmount(
        caseDefaultInterest({
          principal: d('40000'),
          nominalRatePercent: d('9.95'),
          from: '2027-03-01',
          until: '2027-04-01',
        }),
      ),
    ).toBe('507.89');
    // One day: 40 000 × 0.1495 / 365 = 16.3835… → 16.38
    expect(
      formatAmount(
        caseDefaultInterest({
          principal: d('40000'),
          nominalRatePercent: d('9.95'),
          from: '2027-03-01',
          until: '2027-03-02',
        }),
      ),
    ).toBe('16.38');
    expect(
      caseDefaultInterest({
        principal: d('40000'),
        nominalRatePercent: d('9.95'),
        from: '2027-03-01',
        until: '2027-03-01',
      }).isZero(),
    ).toBe(true);
    const read = claimOn({
      claim: CLAIM,
      nominalRatePercent: d('9.95'),
      accruedUntil: '2027-03-01',
      date: '2027-03-02',
    });
    expect(formatAmount(read.defaultInterest)).toBe('139.83');
  });

  it('R-COLL-9: a part payment settles fees, then interest, then principal', () => {
    const a = allocateCasePayment(d('1000.00'), 'c1', CLAIM);
    const byKind = Object.fromEntries(a.items[0]!.lines.map((l) => [l.kind, formatAmount(l.allocated)]));
    expect(byKind).toEqual({
      'collection-fee': '180.00',
      'other-fee': '310.00',
      'default-interest': '123.45',
      interest: '386.55',
      principal: '0.00',
    });
    expect(a.excess.isZero()).toBe(true);
  });

  it('R-COLL-9: allocation conserves every öre; beyond the claim is excess', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6_000_000 }), (ore) => {
        const payment = new Decimal(ore).div(100);
        const a = allocateCasePayment(payment, 'c1', CLAIM);
        const allocated = sumAmounts(a.items.flatMap((i) => i.lines.map((l) => l.allocated)));
        expect(allocated.plus(a.excess).equals(payment)).toBe(true);
        expect(a.excess.equals(Decimal.max(0, payment.minus(claimTotal(CLAIM))))).toBe(true);
      }),
    );
  });
});

describe('the statutory timeline (R-COLL-4) and the agreements (R-COLL-5, R-COLL-6, R-COLL-7)', () => {
  it('R-COLL-4: the demand gives 10 days by default, never fewer than 8; the last reminder 10 more', () => {
    expect(demandDeadline('2027-03-01')).toBe('2027-03-11');
    expect(demandDeadline('2027-03-01', DEFAULT_COLLECTION_PRODUCT, 8)).toBe('2027-03-09');
    expect(() => demandDeadline('2027-03-01', DEFAULT_COLLECTION_PRODUCT, 7)).toThrow(RangeError);
    expect(lastReminderDeadline('2027-03-12')).toBe('2027-03-22');
  });

  it('R-COLL-5: a postponement up to 30 days ahead, once per case, not during a plan or a dispute', () => {
    expect(decidePostponement(demand(), { today: '2027-03-05', newDueDate: '2027-04-04' })).toEqual({
      ok: true,
      value: { newDueDate: '2027-04-04' },
    });
    const tooFar = decidePostponement(demand(), { today: '2027-03-05', newDueDate: '2027-04-05' });
    expect(tooFar).toMatchObject({ ok: false, refusal: { kind: 'conflict', rule: 'R-COLL-5', field: 'newDueDate' } });
    expect(
      decidePostponement(demand({ postponementsUsed: 1 }), { today: '2027-03-05', newDueDate: '2027-03-20' }),
    ).toMatchObject({
      ok: false,
      refusal: { rule: 'R-COLL-5' },
    });
    expect(decidePostponement(demand(), { today: '2027-03-05', newDueDate: '2027-03-10' }).ok).toBe(false);
    expect(decidePostponement(demand({ stage: 'PLAN' }), { today: '2027-03-05', newDueDate: '2027-03-20' }).ok).toBe(
      false,
    );
  });

  it('R-COLL-6: a plan of at most 24 months, at least 300 a month, plus the plan fee 170', () => {
    // 6 830 + 170 = 7 000 over 24 months needs 292 → the floor 300 applies.
    expect(formatAmount(smallestAcceptableMonthlyAmount(d('7000')))).toBe('300.00');
    // 41 425.95 + 170 = 41 595.95 / 24 = 1 733.16… → 1 734 whole kronor.
    const refused = decideInstallmentPlan(demand(), {
      today: '2027-03-05',
      claimTotal: claimTotal(CLAIM),
      monthlyAmount: d('1733'),
      dayOfMonth: 25,
    });
    expect(refused).toMatchObject({ ok: false, refusal: { rule: 'R-COLL-6', field: 'monthlyAmount' } });
    expect(refused.ok ? '' : refused.refusal.message).toContain('1734.00');
    const plan = decideInstallmentPlan(demand(), {
      today: '2027-03-05',
      claimTotal: d('1000.00'),
      monthlyAmount: d('400'),
      dayOfMonth: 25,
    });
    expect(plan).toEqual({
      ok: true,
      value: {
        acceptedOn: '2027-03-05',
        monthlyAmount: '400.00',
        dayOfMonth: 25,
        fee: '170.00',
        total: '1170.00',
        installments: [
          { number: 1, dueDate: '2027-04-25', amount: '400.00' },
          { number: 2, dueDate: '2027-05-25', amount: '400.00' },
          { number: 3, dueDate: '2027-06-25', amount: '370.00' },
        ],
      },
    });
    if (plan.ok) expect(formatAmount(planDueBy(plan.value, 2))).toBe('800.00');
    expect(
      decideInstallmentPlan(demand(), {
        today: '2027-03-05',
        claimTotal: d('1000'),
        monthlyAmount: d('400'),
        dayOfMonth: 31,
      }).ok,
    ).toBe(false);
  });

  it('R-COLL-6: any accepted plan pays exactly claim + fee within 24 installments of at least the floor (bar the last)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 20_000_000 }), fc.integer({ min: 0, max: 5000 }), (ore, extra) => {
        const total = new Decimal(ore).div(100);
        const smallest = smallestAcceptableMonthlyAmount(total.plus(170));
        const r = decideInstallmentPlan(demand(), {
          today: '2027-01-31',
          claimTotal: total,
          monthlyAmount: smallest.plus(extra),
          dayOfMonth: 28,
        });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.installments.length).toBeLessThanOrEqual(24);
        expect(sumAmounts(r.value.installments.map((i) => d(i.amount))).equals(total.plus(170))).toBe(true);
      }),
    );
  });

  it('R-COLL-6: the first missed installment gets a reminder, the second breaks the plan', () => {
    expect(afterMissedInstallment(0)).toEqual({ misses: 1, outcome: 'reminder' });
    expect(afterMissedInstallment(1)).toEqual({ misses: 2, outcome: 'broken' });
  });

  it('R-COLL-7: a claim is disputed once at a time, and not under a plan', () => {
    expect(decideDispute(demand()).ok).toBe(true);
    expect(decideDispute(demand({ stage: 'DISPUTED' }))).toMatchObject({ ok: false, refusal: { rule: 'R-COLL-7' } });
    expect(decideDispute(demand({ stage: 'PLAN' })).ok).toBe(false);
  });
});

describe('the case ledger (R-COLL-1, R-COLL-9)', () => {
  it('transfer, charges, payment and write-off balance; the transfer leaves the debt unchanged', () => {
    const transfer = claimTransferPosting({
      loanId: 'L1',
      caseId: 'C1',
      date: '2027-03-01',
      loanLines: [
        { invoiceNumber: 3, kind: 'principal', remaining: d('900') },
        { invoiceNumber: 3, kind: 'late-fee', remaining: d('95') },
        { invoiceNumber: 3, kind: 'collection-fee', remaining: d('180') },
      ],
      principalOutstanding: d('30000'),
    });
    const charge = caseChargePosting({
      loanId: 'L1',
      caseId: 'C1',
      date: '2027-03-02',
      kind: 'default-interest',
      amount: d('12.34'),
      idempotencyKey: 'k',
    });
    const before = balancesByAccount(
      [...transfer.entries].filter((e) => e.caseId === undefined).map((e) => ({ ...e, amount: e.amount.negated() })),
    );
    expect(formatAmount(customerDebt(before))).toBe('31175.00');
    expect(formatAmount(customerDebt(balancesByAccount([...transfer.entries])))).toBe('0.00');
    expect(transfer.entries.filter((e) => e.caseId === 'C1').map((e) => e.lineKind)).toEqual([
      'principal',
      'other-fee',
      'collection-fee',
      'principal',
    ]);
    const payment = casePaymentPosting({
      loanId: 'L1',
      caseId: 'C1',
      paymentId: 'p',
      date: '2027-03-03',
      allocation: allocateCasePayment(d('500'), 'C1', { ...CLAIM, defaultInterest: d('12.34') }),
    });
    const writeOff = caseWriteOffPosting({
      loanId: 'L1',
      caseId: 'C1',
      date: '2027-03-04',
      lines: [{ kind: 'principal', amount: d('100') }],
      idempotencyKey: 'w',
    });
    for (const p of [transfer, charge, payment, writeOff]) {
      expect(sumAmounts(p.entries.map((e) => e.amount)).isZero()).toBe(true);
    }
    expect(writeOff.entries.at(-1)).toMatchObject({ account: 'credit_losses' });
  });
});
