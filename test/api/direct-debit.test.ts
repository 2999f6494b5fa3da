/**
 * Autogiro mandates through the API (R-PAY-3, R-SEC-1): bad input is a 400 naming the field,
 * someone else's loan or mandate a 404, a mandate the loan cannot take a 409 naming R-PAY-3; a
 * mandate signed with the sandbox BankID becomes ACTIVE at the service and can be cancelled; the
 * sandbox steering makes the service refuse draws. Every answer matches /openapi.json.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { findLoan, setLoanStatus } from '../../db/loan-repository';
import { stockholmDate } from '../../domain/dates';
import type { LoanTerms } from '../../domain/loan-terms';
import { loanWorkflow } from '../../workflows/loan';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { newPerson } from '../support/application';

describe('autogiro mandates through the API (R-PAY-3, R-SEC-1)', () => {
  let h: ApiHarness;
  const loans: LoanTerms[] = [];
  let a: LoanTerms;
  let b: LoanTerms;
  let closed: LoanTerms;
  const payer = newPerson();
  const account = { clearingNumber: '8327', accountNumber: '9912345678' };

  const customerOf = (t: LoanTerms) => h.token({ role: 'customer', sub: t.customerId });
  const operator = () => h.token({ role: 'operator', sub: 'op-1' });
  const post = (path: string, token: string | undefined, body?: object) => {
    const r = request(h.app).post(path);
    if (token) r.set('authorization', `Bearer ${token}`);
    return body === undefined ? r : r.send(body);
  };
  const get = (path: string, token: string) => request(h.app).get(path).set('authorization', `Bearer ${token}`);

  async function openLoan(): Promise<LoanTerms> {
    const loanId = randomUUID();
    const terms: LoanTerms = {
      loanId,
      contractNumber: String(300_000_000 + Math.floor(Math.random() * 699_999_999)),
      customerId: `customer-${loanId}`,
      amount: '50000.00',
      termMonths: 36,
      nominalRatePercent: '9.95',
      noticeChannel: 'autogiro',
      payoutDate: stockholmDate(new Date()),
    };
    await h.client.workflow.start(loanWorkflow, {
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      workflowId: loanWorkflowId(loanId),
      args: [{ terms }],
    });
    await eventually(async () => ((await findLoan(h.db, loanId)) ? true : undefined), `loan ${loanId} to open`);
    loans.push(terms);
    return terms;
  }

  beforeAll(async () => {
    h = await startApiHarness();
    [a, b, closed] = await Promise.all([openLoan(), openLoan(), openLoan()]);
    await h.client.workflow.getHandle(loanWorkflowId(closed.loanId)).terminate('test: the loan ended');
    await setLoanStatus(h.db, closed.loanId, 'CLOSED', stockholmDate(new Date()));
  });
  afterAll(async () => {
    for (const t of loans) {
      await h?.client.workflow
        .getHandle(loanWorkflowId(t.loanId))
        .terminate('test done')
        .catch(() => undefined);
    }
    await h?.stop();
  });

  it('bad input is a 400 naming the field', async () => {
    const cases: [object, string][] = [
      [{ ...account, clearingNumber: '83', payerPersonnummer: payer.personnummer }, 'body.clearingNumber'],
      [{ ...account, accountNumber: '12-34', payerPersonnummer: payer.personnummer }, 'body.accountNumber'],
      [{ ...account, payerPersonnummer: '19811228-9875' }, 'body.payerPersonnummer'],
      [{ ...account }, 'body.payerPersonnummer'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, customerOf(a), body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const badId = await get('/v1/direct-debit-mandates/not-a-uuid', customerOf(a)).expect(400);
    expect(badId.body.errors.map((e: { field: string }) => e.field)).toContain('params.mandateId');
  });

  it('someone else’s loan, case or mandate is a 404; an ended loan a 409 naming R-PAY-3', async () => {
    const body = { ...account, payerPersonnummer: payer.personnummer };
    await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, customerOf(b), body).expect(404);
    await post(`/v1/loans/${randomUUID()}/direct-debit-mandate`, customerOf(a), body).expect(404);
    await post('/v1/collection-cases/999999/direct-debit-mandate', customerOf(a), body).expect(404);
    await get(`/v1/direct-debit-mandates/${randomUUID()}`, customerOf(a)).expect(404);
    await get(`/v1/loans/${a.loanId}/direct-debit-mandates`, customerOf(b)).expect(404);
    const ended = await post(`/v1/loans/${closed.loanId}/direct-debit-mandate`, customerOf(closed), body).expect(409);
    expect(ended.body).toMatchObject({ status: 409, rule: 'R-PAY-3' });
    // Operators do not sign for the customer.
    await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, operator(), body).expect(403);
  });

  it('R-PAY-3: a mandate signed with BankID becomes ACTIVE, a second is refused, and it can be cancelled once', async () => {
    const body = { ...account, payerPersonnummer: payer.personnummer };
    const given = await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, customerOf(a), body).expect(201);
    expect(given.body.mandate).toMatchObject({
      status: 'PENDING_SIGNATURE',
      loanId: a.loanId,
      caseNumber: null,
      account: '8327-******5678',
    });
    expect(given.body.bankId.autoStartToken).toEqual(expect.any(String));
    const mandateId: string = given.body.mandate.mandateId;

    // A second one while the first is live: 409 naming the rule.
    const second = await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, customerOf(a), body).expect(409);
    expect(second.body.rule).toBe('R-PAY-3');

    // The payer signs in the (sandbox) BankID app.
    await post(`/v1/sandbox/bankid/orders/${given.body.bankId.orderRef}/complete`, undefined, {}).expect(200);
    await eventually(async () => {
      const res = await get(`/v1/direct-debit-mandates/${mandateId}`, customerOf(a)).expect(200);
      return res.body.status === 'ACTIVE' ? true : undefined;
    }, 'the mandate to be active');
    expect((await h.sandbox.sandbox.directDebit.listMandates()).find((m) => m.reference === mandateId)).toMatchObject({
      status: 'active',
      account,
    });
    await get(`/v1/direct-debit-mandates/${mandateId}`, customerOf(b)).expect(404);
    const listed = await get(`/v1/loans/${a.loanId}/direct-debit-mandates`, operator()).expect(200);
    expect(listed.body.items.map((m: { mandateId: string }) => m.mandateId)).toEqual([mandateId]);

    // The sandbox service can be told to refuse draws on it.
    const refusing = await post(`/v1/sandbox/direct-debit/mandates/${mandateId}/refuse`, undefined, {
      reason: 'insufficient_funds',
      count: 2,
    }).expect(200);
    expect(refusing.body.refuseNext).toEqual({ reason: 'insufficient_funds', remaining: 2 });
    await post(`/v1/sandbox/direct-debit/mandates/${mandateId}/clear`, undefined).expect(200);
    await post('/v1/sandbox/direct-debit/mandates/nobody/refuse', undefined, { reason: 'insufficient_funds' }).expect(
      404,
    );
    await post(`/v1/sandbox/direct-debit/mandates/${mandateId}/refuse`, undefined, { reason: 'broke' }).expect(400);
    expect((await request(h.app).get('/v1/sandbox/direct-debit/draws').expect(200)).body.items).toEqual([]);

    const cancelled = await post(`/v1/direct-debit-mandates/${mandateId}/cancel`, customerOf(a)).expect(200);
    expect(cancelled.body).toMatchObject({ mandateId, status: 'CANCELLED', cancelledBy: 'customer' });
    expect((await h.sandbox.sandbox.directDebit.listMandates()).find((m) => m.reference === mandateId)?.status).toBe(
      'cancelled',
    );
    const again = await post(`/v1/direct-debit-mandates/${mandateId}/cancel`, customerOf(a)).expect(409);
    expect(again.body.rule).toBe('R-PAY-3');
    // Cancelled, a new mandate may be given.
    await post(`/v1/loans/${a.loanId}/direct-debit-mandate`, customerOf(a), body).expect(201);
  });

  it('R-PAY-3: a BankID signature the payer cancels leaves the mandate FAILED', async () => {
    const body = { ...account, payerPersonnummer: newPerson().personnummer };
    const given = await post(`/v1/loans/${b.loanId}/direct-debit-mandate`, customerOf(b), body).expect(201);
    await post(`/v1/sandbox/bankid/orders/${given.body.bankId.orderRef}/fail`, undefined, {
      hintCode: 'userCancel',
    }).expect(200);
    const failed = await eventually(async () => {
      const res = await get(`/v1/direct-debit-mandates/${given.body.mandate.mandateId}`, customerOf(b)).expect(200);
      return res.body.status === 'FAILED' ? res.body : undefined;
    }, 'the mandate to fail');
    expect(failed.failureReason).toBe('userCancel');
    const cancel = await post(`/v1/direct-debit-mandates/${given.body.mandate.mandateId}/cancel`, customerOf(b));
    expect(cancel.status).toBe(409);
  });
});
