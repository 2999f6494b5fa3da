/**
 * R-PAY-4 through the API: money paid to a closed loan is refunded by its own workflow; with no
 * account known it fails, the operator sees it in GET /v1/refunds and retries it with the account
 * the customer states, and it is paid once through the bank.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { stockholmDate } from '../../domain/dates';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';
import { insertTestLoan } from '../support/loans';

describe('refunds through the API (R-PAY-4)', () => {
  let h: ApiHarness;
  const operator = () => `Bearer ${h.token({ role: 'operator', sub: 'op-refunds' })}`;

  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('R-PAY-4: a payment to a closed loan is refunded; failed for want of an account, then paid on retry, once', async () => {
    const { loanId } = await insertTestLoan(h.db, { customer_id: `customer-${randomUUID()}`, status: 'CLOSED' });
    const loan = await h.db
      .selectFrom('loans')
      .select('ocr_reference')
      .where('id', '=', loanId)
      .executeTakeFirstOrThrow();
    const paid = await request(h.app)
      .post('/v1/payments')
      .set('authorization', operator())
      .send({
        bankReference: `closed-${loanId}`,
        ocrReference: loan.ocr_reference,
        amount: '250.50',
        paymentDate: stockholmDate(new Date()),
      })
      .expect(201);

    const refundId = `${loanId}:refund:payment:${paid.body.paymentId}`;
    const failed = await eventually(async () => {
      const res = await request(h.app).get('/v1/refunds').set('authorization', operator()).expect(200);
      return res.body.refunds.find(
        (r: { refundId: string; status: string }) => r.refundId === refundId && r.status === 'FAILED',
      );
    }, 'the refund to fail for want of an account');
    expect(failed).toMatchObject({
      loanId,
      reason: 'closed-loan-credit',
      amount: '250.50',
      attempt: 1,
      accountEnding: null,
    });
    expect(failed.failure).toContain('no account');

    const bad = await request(h.app)
      .post(`/v1/refunds/${refundId}/retry`)
      .set('authorization', operator())
      .send({ toAccount: { clearingNumber: '8327', accountNumber: 'x' } })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.toAccount.accountNumber']);

    const retried = await request(h.app)
      .post(`/v1/refunds/${refundId}/retry`)
      .set('authorization', operator())
      .send({ toAccount: { clearingNumber: '8327', accountNumber: '9412345678' } })
      .expect(200);
    expect(retried.body).toMatchObject({ status: 'PENDING', attempt: 2, accountEnding: '5678' });

    const done = await eventually(async () => {
      const res = await request(h.app).get('/v1/refunds?status=PAID').set('authorization', operator()).expect(200);
      return res.body.refunds.find((r: { refundId: string }) => r.refundId === refundId);
    }, 'the refund to be paid');
    const payouts = (await h.sandbox.sandbox.bankPayout.listPayouts()).filter((p) =>
      p.idempotencyKey.startsWith(refundId),
    );
    expect(payouts.map((p) => [p.amount, p.idempotencyKey, p.payoutId])).toEqual([
      ['250.50', `${refundId}:payout:2`, done.payoutId],
    ]);
    const pending = await request(h.app).get('/v1/refunds').set('authorization', operator()).expect(200);
    expect(pending.body.refunds.map((r: { refundId: string }) => r.refundId)).not.toContain(refundId);

    // Paid: another retry is refused, naming the rule; nothing more leaves the bank.
    const again = await request(h.app)
      .post(`/v1/refunds/${refundId}/retry`)
      .set('authorization', operator())
      .send({})
      .expect(409);
    expect(again.body.rule).toBe('R-PAY-4');
    expect(
      (await h.sandbox.sandbox.bankPayout.listPayouts()).filter((p) => p.idempotencyKey.startsWith(refundId)),
    ).toHaveLength(1);
    await request(h.app).post('/v1/refunds/nothing-here/retry').set('authorization', operator()).send({}).expect(404);
    await request(h.app)
      .get('/v1/refunds')
      .set('authorization', `Bearer ${h.token({ role: 'customer', sub: 'c-1' })}`)
      .expect(403);
    await expectLedgerBalanced(h.db);
  });
});
