/**
 * R-PAY-4, R-COLL-9: money paid to a loan in collection whose case has ended. Ended paid or written
 * off, nothing is claimed: the payment is credit to refund (`closed-case-credit`), once, exact to
 * the öre. Sent to the enforcement authority, the case still claims: the payment is not refunded.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { applyPaymentToLoan } from '../../activities/loan/payments';
import { openRefundOfCredit } from '../../activities/loan/refunds';
import { insertCollectionCase } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { loanAccountBalances } from '../../db/ledger-repository';
import { registerPayment } from '../../db/loan-repository';
import type { CollectionStatus } from '../../domain/collection-case';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';
import { insertTestLoan } from '../support/loans';

describe('payments to a loan whose collection case has ended (R-PAY-4)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** A loan handed over whose case (claim already settled or given up) is `status`; a payment of `amount` to the loan's OCR. */
  async function paidAfterCase(status: CollectionStatus, amount: string) {
    const { loanId, contractNumber } = await insertTestLoan(db, {
      customer_id: `customer-${randomUUID()}`,
      status: 'IN_COLLECTION',
    });
    await insertCollectionCase(db, {
      id: `collection-${loanId}`,
      loan_id: loanId,
      opened_on: '2026-05-04',
      principal: '0.00',
      interest: '0.00',
      fees: '0.00',
      default_interest: '0.00',
      collection_fee: '0.00',
      total: '0.00',
      status,
      case_number: String(randomInt(100_000_000, 999_999_999)),
    });
    const payment = await registerPayment(db, {
      id: randomUUID(),
      bankReference: `after-case-${loanId}`,
      ocrReference: `${contractNumber}00`,
      amount,
      paymentDate: '2026-07-01',
    });
    return { loanId, outcome: await applyPaymentToLoan(db, payment.id, { bureau: undefined }) };
  }

  it.each(['CLOSED_PAID', 'WRITTEN_OFF'] as const)(
    'R-PAY-4: after a case %s the payment is credit to refund, once, exact to the öre',
    async (status) => {
      const { loanId, outcome } = await paidAfterCase(status, '1234.57');
      expect(outcome).toMatchObject({ excess: '1234.57', creditOnEndedLoan: true });
      expect(outcome.collectionCaseNumber).toBeUndefined();
      const open = (key: string) =>
        openRefundOfCredit(db, {
          loanId,
          idempotencyKey: `${loanId}:refund:${key}`,
          trigger: 'payment-after-end',
          date: '2026-07-01',
        });
      expect(await open('payment:1')).toEqual({ refundId: `${loanId}:refund:payment:1`, amount: '1234.57' });
      const [row] = await db.selectFrom('refunds').selectAll().where('loan_id', '=', loanId).execute();
      expect(row).toMatchObject({ reason: 'closed-case-credit', amount: '1234.57', status: 'PENDING' });
      // The same step again is the same refund; another step finds the credit taken.
      expect(await open('payment:1')).toEqual({ refundId: `${loanId}:refund:payment:1`, amount: '1234.57' });
      expect(await open('close')).toBeNull();
      expect((await loanAccountBalances(db, loanId)).customer_credit.toFixed(2)).toBe('-1234.57');
      await expectLedgerBalanced(db);
    },
  );

  it('R-PAY-4, R-COLL-3: after the case went to the enforcement authority the payment is not refunded', async () => {
    const { outcome } = await paidAfterCase('SENT_TO_ENFORCEMENT', '500.00');
    expect(outcome.creditOnEndedLoan).toBe(false);
    await expectLedgerBalanced(db);
  });
});
