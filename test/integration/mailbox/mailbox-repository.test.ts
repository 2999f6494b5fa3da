/**
 * R-LOAN-11: the customer mailbox and contact details on real PostgreSQL: a notice is recorded once
 * per idempotency key (also inside a transaction that rolls back: then not at all), listed per
 * customer newest first, read once, and the contact upsert keeps fields it is not given.
 */
import { randomUUID } from 'node:crypto';
import { findCustomer, postalAddressOf, upsertCustomerContact } from '../../../db/customer-repository';
import type { Db } from '../../../db/database';
import {
  countUnreadMailboxMessages,
  findMailboxMessage,
  findMailboxMessageByKey,
  listMailboxMessages,
  markMailboxMessageNotified,
  markMailboxMessagePosted,
  markMailboxMessageRead,
  recordMailboxMessage,
} from '../../../db/mailbox-repository';
import { openTestDb } from '../../support/db';

describe('mailbox repository (R-LOAN-11)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => db?.destroy());

  const notice = (customerId: string, key: string, overrides: Record<string, unknown> = {}) => ({
    idempotencyKey: key,
    customerId,
    loanId: 'loan-1',
    kind: 'invoice',
    subject: 'Din faktura',
    body: 'Att betala 1 234,50 kr senast 2026-12-31.',
    date: '2026-12-15',
    ...overrides,
  });

  it('R-LOAN-11: records a notice once per idempotency key; a repeat returns the first row', async () => {
    const customer = `customer-${randomUUID()}`;
    const key = `loan-1:invoice:${randomUUID()}`;
    const first = await recordMailboxMessage(db, notice(customer, key));
    const again = await recordMailboxMessage(db, notice(customer, key, { subject: 'another subject' }));
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      customer_id: customer,
      loan_id: 'loan-1',
      application_id: null,
      kind: 'invoice',
      subject: 'Din faktura',
      business_date: '2026-12-15',
      by_post: false,
      read_at: null,
      notified_at: null,
      posted_at: null,
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await listMailboxMessages(db, customer)).toHaveLength(1);
    expect((await findMailboxMessageByKey(db, key))?.id).toBe(first.id);
  });

  it('R-LOAN-11: records inside a transaction, and nothing when the transaction rolls back', async () => {
    const customer = `customer-${randomUUID()}`;
    await db.transaction().execute(async (trx) => {
      await recordMailboxMessage(trx, notice(customer, `k-${randomUUID()}`));
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await recordMailboxMessage(trx, notice(customer, `k-${randomUUID()}`));
        throw new Error('the posting failed');
      }),
    ).rejects.toThrow('the posting failed');
    expect(await listMailboxMessages(db, customer)).toHaveLength(1);
  });

  it('R-SEC-1: lists only the customer’s own messages, newest first; unknown or malformed ids are not found', async () => {
    const anna = `customer-${randomUUID()}`;
    const bo = `customer-${randomUUID()}`;
    const a1 = await recordMailboxMessage(db, notice(anna, `k-${randomUUID()}`, { subject: 'first' }));
    await new Promise((r) => setTimeout(r, 5));
    const a2 = await recordMailboxMessage(db, notice(anna, `k-${randomUUID()}`, { subject: 'second' }));
    await recordMailboxMessage(db, notice(bo, `k-${randomUUID()}`));
    expect((await listMailboxMessages(db, anna)).map((m) => m.id)).toEqual([a2.id, a1.id]);
    expect((await listMailboxMessages(db, anna, { limit: 1, offset: 1 })).map((m) => m.id)).toEqual([a1.id]);
    expect(await findMailboxMessage(db, randomUUID())).toBeUndefined();
    expect(await findMailboxMessage(db, 'not-a-uuid')).toBeUndefined();
  });

  it('marks read once, and notified / posted once', async () => {
    const customer = `customer-${randomUUID()}`;
    const m = await recordMailboxMessage(db, notice(customer, `k-${randomUUID()}`, { byPost: true }));
    expect(m.by_post).toBe(true);
    expect(await countUnreadMailboxMessages(db, customer)).toBe(1);
    const firstRead = new Date('2026-12-16T10:00:00Z');
    expect((await markMailboxMessageRead(db, m.id, firstRead))?.read_at).toEqual(firstRead);
    expect((await markMailboxMessageRead(db, m.id, new Date('2026-12-17T10:00:00Z')))?.read_at).toEqual(firstRead);
    expect(await countUnreadMailboxMessages(db, customer)).toBe(0);

    await markMailboxMessageNotified(db, m.id, 'sms', new Date('2026-12-15T08:00:00Z'));
    await markMailboxMessageNotified(db, m.id, 'email', new Date('2026-12-15T09:00:00Z'));
    await markMailboxMessagePosted(db, m.id, new Date('2026-12-15T08:00:00Z'));
    await markMailboxMessagePosted(db, m.id, new Date('2026-12-15T09:00:00Z'));
    expect(await findMailboxMessage(db, m.id)).toMatchObject({
      notified_channel: 'sms',
      notified_at: new Date('2026-12-15T08:00:00Z'),
      posted_at: new Date('2026-12-15T08:00:00Z'),
    });
  });

  it('upserts contact details, keeping the fields not given', async () => {
    const id = `customer-${randomUUID()}`;
    expect(await findCustomer(db, id)).toBeUndefined();
    await upsertCustomerContact(db, { id, email: 'anna@example.com', phone: '+46701234567' });
    const withAddress = await upsertCustomerContact(db, {
      id,
      postalAddress: { name: 'Anna Andersson', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm' },
    });
    expect(withAddress).toMatchObject({ email: 'anna@example.com', phone: '+46701234567', postal_city: 'Stockholm' });
    expect(postalAddressOf(withAddress)).toEqual({
      name: 'Anna Andersson',
      street: 'Storgatan 1',
      postalCode: '111 22',
      city: 'Stockholm',
    });
    const cleared = await upsertCustomerContact(db, { id, phone: null });
    expect(cleared).toMatchObject({ email: 'anna@example.com', phone: null });
    expect(await findCustomer(db, id)).toMatchObject({ id, phone: null });
  });
});
