/**
 * R-SEC-2 on real PostgreSQL: the retention job erases the payer's personnummer, account and BankID
 * signature of a direct-debit mandate that ended (cancelled, or never signed) more than 90 days ago,
 * and the helper's personnummer of a collection power of attorney that ended (revoked, signing
 * failed, or past its date) more than 90 days ago — the same rule as applications without a loan.
 * Live mandates and powers in force, and recently ended ones, are untouched; a second run changes
 * nothing; the rows (status, dates, draws, the helper's customer id) stay.
 */
import { randomUUID } from 'node:crypto';
import { createRetentionActivities } from '../../activities/retention';
import { insertPowerOfAttorney, findPowerOfAttorney } from '../../db/collection-self-service-repository';
import type { Db } from '../../db/database';
import { findMandate, insertMandate, listDrawsOfLoan, recordDraw } from '../../db/direct-debit-repository';
import { addDays, stockholmDate } from '../../domain/dates';
import { newPerson } from '../support/application';
import { openTestDb } from '../support/db';
import { insertTestLoan } from '../support/loans';

const DAY = 86_400_000;

describe('retention of direct-debit mandates and powers of attorney (R-SEC-2)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => db?.destroy());

  const asOf = new Date('2031-06-15T02:00:00Z');
  const daysAgo = (n: number) => new Date(asOf.getTime() - n * DAY);

  /** A mandate on a fresh loan, in `status`, ended (or created) `ago` days before `asOf`. */
  async function mandate(status: 'ACTIVE' | 'CANCELLED' | 'FAILED', ago: number) {
    const customerId = `customer-${randomUUID()}`;
    const { loanId } = await insertTestLoan(db, { customer_id: customerId });
    const id = randomUUID();
    await insertMandate(db, {
      id,
      customerId,
      loanId,
      caseId: null,
      clearingNumber: '8327',
      accountNumber: '9912345678',
      payerPersonnummer: newPerson().personnummer,
    });
    await db
      .updateTable('direct_debit_mandates')
      .set({
        status,
        created_at: daysAgo(ago + 30),
        provider_mandate_id: `dd-${id}`,
        signature: 'PHNpZ25hdHVyZT4=',
        ...(status === 'CANCELLED' ? { cancelled_at: daysAgo(ago), cancelled_by: 'customer' } : {}),
        ...(status === 'FAILED' ? { created_at: daysAgo(ago), failure_reason: 'userCancel' } : {}),
      })
      .where('id', '=', id)
      .execute();
    await recordDraw(db, {
      idempotency_key: `loan-${loanId}:autogiro:1`,
      mandate_id: id,
      loan_id: loanId,
      invoice_number: 1,
      amount: '2016.00',
      due_date: stockholmDate(daysAgo(ago + 10)),
    });
    return { id, loanId };
  }

  async function powerOfAttorney(
    status: 'ACTIVE' | 'REVOKED' | 'SIGNING_FAILED',
    options: { ago?: number; validUntilDaysAgo?: number },
  ) {
    const id = randomUUID();
    await insertPowerOfAttorney(db, {
      id,
      grantor_customer_id: `customer-${randomUUID()}`,
      helper_personnummer: newPerson().personnummer,
      helper_customer_id: `customer-${randomUUID()}`,
      valid_until: addDays(stockholmDate(asOf), -(options.validUntilDaysAgo ?? -30)),
      status,
      order_ref: null,
      signed_at: status === 'SIGNING_FAILED' ? null : daysAgo(200),
      revoked_at: status === 'REVOKED' ? daysAgo(options.ago ?? 0) : null,
    });
    if (status === 'SIGNING_FAILED')
      await db
        .updateTable('collection_powers_of_attorney')
        .set({ created_at: daysAgo(options.ago ?? 0) })
        .where('id', '=', id)
        .execute();
    return id;
  }

  it('R-SEC-2: ended mandates and powers of attorney past 90 days are erased; the rest stay; a repeat does nothing', async () => {
    const cancelledLongAgo = await mandate('CANCELLED', 91);
    const cancelledRecently = await mandate('CANCELLED', 89);
    const failedLongAgo = await mandate('FAILED', 91);
    const activeOld = await mandate('ACTIVE', 400);
    const revokedLongAgo = await powerOfAttorney('REVOKED', { ago: 91 });
    const revokedRecently = await powerOfAttorney('REVOKED', { ago: 10 });
    const failedPoa = await powerOfAttorney('SIGNING_FAILED', { ago: 91 });
    const expiredLongAgo = await powerOfAttorney('ACTIVE', { validUntilDaysAgo: 92 });
    const expiredRecently = await powerOfAttorney('ACTIVE', { validUntilDaysAgo: 5 });
    const inForce = await powerOfAttorney('ACTIVE', { validUntilDaysAgo: -30 });

    const activities = createRetentionActivities(db);
    const first = await activities.eraseEndedMandateAndAttorneyData({ asOf: asOf.toISOString(), limit: 1000 });
    expect(first.mandates).toEqual(expect.arrayContaining([cancelledLongAgo.id, failedLongAgo.id]));
    expect(first.mandates).not.toContain(cancelledRecently.id);
    expect(first.mandates).not.toContain(activeOld.id);
    expect(first.powersOfAttorney).toEqual(expect.arrayContaining([revokedLongAgo, failedPoa, expiredLongAgo]));
    for (const kept of [revokedRecently, expiredRecently, inForce]) expect(first.powersOfAttorney).not.toContain(kept);

    for (const m of [cancelledLongAgo, failedLongAgo]) {
      const row = await findMandate(db, m.id);
      expect(row).toMatchObject({ payer_personnummer: '', clearing_number: '', account_number: '', signature: null });
      expect(row!.personal_data_erased_at).not.toBeNull();
      // The record of what happened stays: status, provider id and the draws under it.
      expect(row!.provider_mandate_id).toBe(`dd-${m.id}`);
      expect(await listDrawsOfLoan(db, m.loanId)).toHaveLength(1);
    }
    expect((await findMandate(db, cancelledLongAgo.id))!.status).toBe('CANCELLED');
    for (const m of [cancelledRecently, activeOld]) {
      const row = await findMandate(db, m.id);
      expect(row!.payer_personnummer).toMatch(/^\d{12}$/);
      expect(row).toMatchObject({ account_number: '9912345678', personal_data_erased_at: null });
    }
    for (const id of [revokedLongAgo, failedPoa, expiredLongAgo]) {
      const row = await findPowerOfAttorney(db, id);
      expect(row!.helper_personnummer).toBe('');
      expect(row!.helper_customer_id).toMatch(/^customer-/); // who acted stays (pseudonymous)
      expect(row!.personal_data_erased_at).not.toBeNull();
    }
    for (const id of [revokedRecently, expiredRecently, inForce]) {
      const row = await findPowerOfAttorney(db, id);
      expect(row!.helper_personnummer).toMatch(/^\d{12}$/);
      expect(row!.personal_data_erased_at).toBeNull();
    }

    const again = await activities.eraseEndedMandateAndAttorneyData({ asOf: asOf.toISOString(), limit: 1000 });
    expect(again.mandates).not.toContain(cancelledLongAgo.id);
    expect(again.powersOfAttorney).not.toContain(revokedLongAgo);

    // The period is a parameter: 5 days erases the recently ended ones too.
    const shorter = await activities.eraseEndedMandateAndAttorneyData({
      asOf: asOf.toISOString(),
      limit: 1000,
      retention: { applicationWithoutLoanDays: 90, endedMandateDays: 5, endedPowerOfAttorneyDays: 5 },
    });
    expect(shorter.mandates).toContain(cancelledRecently.id);
    expect(shorter.mandates).not.toContain(activeOld.id);
    expect(shorter.powersOfAttorney).toContain(revokedRecently);
    expect(shorter.powersOfAttorney).not.toContain(inForce);
  });
});
