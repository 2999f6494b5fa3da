/**
 * R-LOAN-11 end to end on real PostgreSQL and the sandbox doubles (SMS gateway, SMTP, print and
 * post): every notice lands in the mailbox once, the customer is told once by SMS (else email)
 * that new mail arrived, with no amounts or personal data in that text, and a `byPost` notice is
 * posted once — also when the activity is retried after a lost answer.
 */
import { randomUUID } from 'node:crypto';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../../adapters';
import { deliverNotice, NEW_MAIL_TEXT, notifyNewMail } from '../../../activities/notices';
import type { Notice } from '../../../domain/notice';
import { upsertCustomerContact } from '../../../db/customer-repository';
import type { Db } from '../../../db/database';
import { findMailboxMessage, listMailboxMessages, recordMailboxMessage } from '../../../db/mailbox-repository';
import { openTestDb } from '../../support/db';

describe('deliverNotice / notifyNewMail (R-LOAN-11)', () => {
  let db: Db;
  let set: SandboxAdapterSet;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
    set = await createSandboxAdapters();
  });
  afterAll(async () => {
    await set?.stop();
    await db?.destroy();
  });

  const phone = () => `+4670${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const notice = (customerId: string, overrides: Partial<Notice> = {}): Notice => ({
    idempotencyKey: `loan-${randomUUID()}:invoice:1:notice`,
    customerId,
    loanId: randomUUID(),
    kind: 'invoice',
    subject: 'Din faktura för december',
    body: 'Att betala: 2 345,67 kr senast 2026-12-31. OCR 1234567890.',
    date: '2026-12-15',
    ...overrides,
  });
  const smsTo = async (to: string) => set.sandbox.sms.listMessages({ to });
  const mailTo = async (to: string) => set.sandbox.email.listMessages({ to });

  it('R-LOAN-11: mailbox message once, and one SMS without amounts when a phone is known (repeat = no-op)', async () => {
    const customerId = `customer-${randomUUID()}`;
    const mobile = phone();
    const email = `${customerId}@example.com`;
    await upsertCustomerContact(db, { id: customerId, email, phone: mobile });
    const n = notice(customerId);

    const first = await deliverNotice(db, set.adapters, n);
    const again = await deliverNotice(db, set.adapters, n);
    expect(again).toEqual(first);

    expect(await listMailboxMessages(db, customerId)).toEqual([
      expect.objectContaining({ id: first.messageId, subject: n.subject, body: n.body, business_date: '2026-12-15' }),
    ]);
    const sms = await smsTo(mobile);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toBe(NEW_MAIL_TEXT.sms);
    expect(sms[0]!.text).not.toMatch(/\d/); // no amounts, dates or numbers (R-SEC-2)
    expect(await mailTo(email)).toHaveLength(0);
    expect(await findMailboxMessage(db, first.messageId)).toMatchObject({
      notified_channel: 'sms',
      notified_at: expect.any(Date),
      posted_at: null,
    });
    expect(await set.sandbox.post.listLetters({ customerId })).toHaveLength(0);
  });

  it('R-LOAN-11: email when no usable mobile number is known', async () => {
    const customerId = `customer-${randomUUID()}`;
    const email = `${customerId}@example.com`;
    await upsertCustomerContact(db, { id: customerId, email, phone: '+441234567890' });
    const { messageId } = await deliverNotice(db, set.adapters, notice(customerId));
    const mails = await mailTo(email);
    expect(mails).toEqual([
      expect.objectContaining({ subject: NEW_MAIL_TEXT.emailSubject, text: expect.stringContaining('brevlåda') }),
    ]);
    expect(mails[0]!.text).not.toContain('2 345,67');
    expect(await findMailboxMessage(db, messageId)).toMatchObject({ notified_channel: 'email' });
  });

  it('without any contact the message waits un-notified; once the contact is known the notice goes out', async () => {
    const customerId = `customer-${randomUUID()}`;
    const { messageId } = await deliverNotice(db, set.adapters, notice(customerId));
    expect(await findMailboxMessage(db, messageId)).toMatchObject({ notified_at: null, notified_channel: null });
    expect(await notifyNewMail(db, set.adapters, messageId)).toEqual({ notifiedBy: null, posted: false });

    const mobile = phone();
    await upsertCustomerContact(db, { id: customerId, phone: mobile });
    expect(await notifyNewMail(db, set.adapters, messageId)).toEqual({ notifiedBy: 'sms', posted: false });
    expect(await notifyNewMail(db, set.adapters, messageId)).toEqual({ notifiedBy: 'sms', posted: false });
    expect(await smsTo(mobile)).toHaveLength(1);
  });

  it('R-LOAN-3: a byPost notice is posted once — to the postal address when known, else by customer id', async () => {
    const withAddress = `customer-${randomUUID()}`;
    await upsertCustomerContact(db, {
      id: withAddress,
      phone: phone(),
      postalAddress: { name: 'Anna Andersson', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm' },
    });
    const reminder = notice(withAddress, { kind: 'reminder', subject: 'Påminnelse', byPost: true });
    const { messageId } = await deliverNotice(db, set.adapters, reminder);
    await deliverNotice(db, set.adapters, reminder);
    const letters = (await set.sandbox.post.listLetters()).filter(
      (l) => l.idempotencyKey === `mailbox:${messageId}:letter`,
    );
    expect(letters).toEqual([
      expect.objectContaining({
        recipient: { kind: 'address', address: expect.objectContaining({ city: 'Stockholm' }) },
        subject: 'Påminnelse',
        body: reminder.body,
      }),
    ]);
    expect((await findMailboxMessage(db, messageId))?.posted_at).toBeInstanceOf(Date);

    const withoutAddress = `customer-${randomUUID()}`;
    await deliverNotice(db, set.adapters, notice(withoutAddress, { byPost: true }));
    expect(await set.sandbox.post.listLetters({ customerId: withoutAddress })).toHaveLength(1);
  });

  it('a retry after the SMS answer was lost sends nothing new (the gateway de-duplicates by key)', async () => {
    const customerId = `customer-${randomUUID()}`;
    const mobile = phone();
    await upsertCustomerContact(db, { id: customerId, phone: mobile });
    let lose = true;
    const flaky = {
      ...set.adapters,
      sms: {
        send: async (m: Parameters<typeof set.adapters.sms.send>[0]) => {
          const sent = await set.adapters.sms.send(m);
          if (lose) {
            lose = false;
            throw new Error('connection reset after the gateway accepted the message');
          }
          return sent;
        },
      },
    };
    const n = notice(customerId);
    await expect(deliverNotice(db, flaky, n)).rejects.toThrow('connection reset');
    const { messageId } = await deliverNotice(db, flaky, n);
    expect(await smsTo(mobile)).toHaveLength(1);
    expect(await findMailboxMessage(db, messageId)).toMatchObject({ notified_channel: 'sms' });
  });

  it('the loan path: record inside a transaction, notify after the commit', async () => {
    const customerId = `customer-${randomUUID()}`;
    const mobile = phone();
    await upsertCustomerContact(db, { id: customerId, phone: mobile });
    const row = await db.transaction().execute((trx) => recordMailboxMessage(trx, notice(customerId)));
    expect(await smsTo(mobile)).toHaveLength(0);
    expect(await notifyNewMail(db, set.adapters, row.id)).toEqual({ notifiedBy: 'sms', posted: false });
    expect(await smsTo(mobile)).toHaveLength(1);
    await expect(notifyNewMail(db, set.adapters, randomUUID())).rejects.toThrow(/does not exist/);
  });
});
