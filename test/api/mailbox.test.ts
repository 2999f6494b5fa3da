/**
 * The customer mailbox over HTTP (R-LOAN-11, R-SEC-1): customers list and read only their own
 * messages (reading marks read), someone else's message is a 404, operators read any mailbox by
 * customer id without marking it read, and the endpoints are in the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { recordMailboxMessage } from '../../db/mailbox-repository';
import { type ApiHarness, startApiHarness } from '../support/api';

describe('mailbox API (R-LOAN-11, R-SEC-1)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h?.stop());

  const anna = `customer-${randomUUID()}`;
  const bo = `customer-${randomUUID()}`;
  const as = {
    customer: (sub: string) => `Bearer ${h.token({ role: 'customer', sub })}`,
    operator: () => `Bearer ${h.token({ role: 'operator', sub: 'op-1' })}`,
    vendor: () => `Bearer ${h.token({ role: 'vendor', sub: 'seller', vendorId: 'v-1' })}`,
  };
  const record = (customerId: string, subject: string) =>
    recordMailboxMessage(h.db, {
      idempotencyKey: `test:${randomUUID()}`,
      customerId,
      loanId: 'loan-1',
      kind: 'invoice',
      subject,
      body: `Text of ${subject}`,
      date: '2026-12-15',
    });

  it('R-SEC-1: a customer lists only their own messages, newest first, with the unread count', async () => {
    const first = await record(anna, 'first');
    await new Promise((r) => setTimeout(r, 5));
    const second = await record(anna, 'second');
    await record(bo, 'for bo');

    const res = await request(h.app).get('/v1/mailbox').set('authorization', as.customer(anna)).expect(200);
    expect(res.body).toEqual({
      customerId: anna,
      unread: 2,
      items: [
        expect.objectContaining({ messageId: second.id, subject: 'second', readAt: null, date: '2026-12-15' }),
        expect.objectContaining({ messageId: first.id, subject: 'first', loanId: 'loan-1', kind: 'invoice' }),
      ],
    });
    expect(res.body.items[0].body).toBeUndefined();
    // A customer cannot look into another mailbox by passing customerId.
    const sneaky = await request(h.app)
      .get('/v1/mailbox')
      .query({ customerId: bo })
      .set('authorization', as.customer(anna))
      .expect(200);
    expect(sneaky.body.customerId).toBe(anna);
  });

  it('R-LOAN-11: reading a message shows its text and marks it read; someone else’s is a 404', async () => {
    const mine = await record(anna, 'read me');
    const theirs = await record(bo, 'private');
    const read = await request(h.app).get(`/v1/mailbox/${mine.id}`).set('authorization', as.customer(anna)).expect(200);
    expect(read.body).toMatchObject({ messageId: mine.id, subject: 'read me', body: 'Text of read me' });
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await request(h.app).get(`/v1/mailbox/${mine.id}`).set('authorization', as.customer(anna));
    expect(again.body.readAt).toBe(read.body.readAt);

    await request(h.app).get(`/v1/mailbox/${theirs.id}`).set('authorization', as.customer(anna)).expect(404);
    await request(h.app).get(`/v1/mailbox/${randomUUID()}`).set('authorization', as.customer(anna)).expect(404);
    await request(h.app).get('/v1/mailbox/not-a-uuid').set('authorization', as.customer(anna)).expect(400);
  });

  it('R-SEC-1: operators read any mailbox by customer id without marking read; vendors and anonymous may not', async () => {
    const m = await record(bo, 'operator looks');
    await request(h.app).get('/v1/mailbox').set('authorization', as.operator()).expect(400);
    const list = await request(h.app)
      .get('/v1/mailbox')
      .query({ customerId: bo })
      .set('authorization', as.operator())
      .expect(200);
    expect(list.body.items.map((i: { messageId: string }) => i.messageId)).toContain(m.id);
    const read = await request(h.app).get(`/v1/mailbox/${m.id}`).set('authorization', as.operator()).expect(200);
    expect(read.body.readAt).toBeNull();

    await request(h.app).get('/v1/mailbox').set('authorization', as.vendor()).expect(403);
    await request(h.app).get('/v1/mailbox').expect(401);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await request(h.app).get('/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/mailbox'].get.operationId).toBe('listMailbox');
    expect(doc.paths['/v1/mailbox/{messageId}'].get.operationId).toBe('readMailboxMessage');
    expect(doc.paths['/v1/sandbox/letters'].get.operationId).toBe('sandboxListLetters');
  });
});
