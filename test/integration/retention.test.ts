/**
 * R-SEC-2: personal data of applications that never became loans is erased after the retention
 * period (domain/retention.ts), on real PostgreSQL: personnummer, contacts, answers, payout account,
 * consolidation references, income verification, decision figures and the mailbox notices go; the
 * non-personal projection (status, dates, amounts, offer, decision outcome, history) stays. Loans'
 * applications, recent ones, open ones and PAYOUT_FAILED ones are untouched; a second run changes
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { createRetentionActivities } from '../../activities/retention';
import {
  findApplication,
  findSubmittedAnswers,
  listApplicants,
  listApplicationEvents,
  projectApplication,
} from '../../db/application-repository';
import type { Db } from '../../db/database';
import { listMailboxMessages, recordMailboxMessage } from '../../db/mailbox-repository';
import type { ApplicationStatus } from '../../domain/application';
import { type ApplicationSnapshot, initialSnapshot } from '../../domain/application-state';
import { applicationInput, goodAnswers, newPerson, type TestPerson } from '../support/application';
import { openTestDb } from '../support/db';

const DAY = 86_400_000;

describe('personal-data retention of applications without a loan (R-SEC-2)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => db?.destroy());

  /** A closed application as the workflow would have projected it, closed `closedDaysAgo` before `now`. */
  async function closedApplication(
    now: Date,
    status: ApplicationStatus,
    closedDaysAgo: number | null,
    extra: Partial<ApplicationSnapshot> = {},
  ) {
    const person: TestPerson = newPerson();
    const input = applicationInput({
      applicants: [person],
      consolidation: [{ creditor: 'Bank AB', amount: '20000.00', bankgiro: '5050-1055', ocr: '4609' }],
    });
    const customerId = input.creatorCustomerId!;
    const closedAt = closedDaysAgo === null ? null : new Date(now.getTime() - closedDaysAgo * DAY).toISOString();
    const created = new Date(now.getTime() - ((closedDaysAgo ?? 0) + 5) * DAY).toISOString();
    const base = initialSnapshot(input, created, created);
    const snapshot: ApplicationSnapshot = {
      ...base,
      version: 5,
      status,
      closedAt,
      submittedAt: created,
      decidedAt: created,
      contractNumber: null,
      payoutAccount: { clearingNumber: '6000', accountNumber: '123456789' },
      decision: {
        outcome: 'REJECTED',
        reasons: ['affordability'],
        affordability: { monthlyIncomeAfterTax: '30000.00' },
      } as unknown as ApplicationSnapshot['decision'],
      incomeVerification: {
        status: 'FAILED',
        deadline: created,
        applicants: [{ index: 0, triggers: [], verificationId: 'v-1', redirectUrl: 'https://x', status: 'failed' }],
      },
      applicants: base.applicants.map((a) => ({
        ...a,
        customerId,
        status: 'SUBMITTED',
        answers: goodAnswers(),
        answersSubmittedOn: created.slice(0, 10),
      })),
      ...extra,
    };
    await projectApplication(db, snapshot, {
      seq: 1,
      type: 'closed',
      status,
      actor: null,
      detail: {},
      occurredAt: created,
    });
    await recordMailboxMessage(db, {
      idempotencyKey: `${input.applicationId}:mailbox:rejected:0`,
      customerId,
      applicationId: input.applicationId,
      kind: 'application-rejected',
      subject: 'Besked',
      body: 'Tyvärr…',
      date: created.slice(0, 10),
    });
    return { input, person, customerId };
  }

  it('R-SEC-2: erases the personal data after the period and keeps the non-personal projection; idempotent', async () => {
    // A clock of its own far ahead, so rows of other tests in this database are never due here.
    const now = new Date(Date.now() + 3_650 * DAY);
    const due = await closedApplication(now, 'REJECTED', 91);
    const expired = await closedApplication(now, 'EXPIRED', 200);
    const recent = await closedApplication(now, 'REJECTED', 30);
    const paidOut = await closedApplication(now, 'PAID_OUT', 400, { loanId: randomUUID() });
    const payoutFailed = await closedApplication(now, 'PAYOUT_FAILED', 400);
    const open = await closedApplication(now, 'STARTED', null);

    const activities = createRetentionActivities(db);
    const run = await activities.eraseExpiredApplicationData({ asOf: now.toISOString(), limit: 1_000 });
    expect(run.erased).toEqual(expect.arrayContaining([due.input.applicationId, expired.input.applicationId]));
    for (const untouched of [recent, paidOut, payoutFailed, open]) {
      expect(run.erased).not.toContain(untouched.input.applicationId);
    }

    // Erased: applicants' identity and contacts, answers, account, references, verification, mailbox.
    const row = await findApplication(db, due.input.applicationId);
    expect(row).toMatchObject({
      status: 'REJECTED',
      amount: '100000.00',
      term_months: 60,
      payout_account: null,
      income_verification: null,
      decision: { outcome: 'REJECTED', reasons: ['affordability'] },
      consolidation_loans: [{ creditor: 'Bank AB', amount: '20000.00' }],
    });
    expect(row!.personal_data_erased_at).toBeInstanceOf(Date);
    expect(row!.closed_at).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(due.person.personnummer);
    expect(await listApplicants(db, due.input.applicationId)).toEqual([
      expect.objectContaining({ personnummer: '', email: '', phone: '', invite_code_hash: null, status: 'SUBMITTED' }),
    ]);
    expect(await findSubmittedAnswers(db, due.person.personnummer, '2000-01-01')).toEqual([]);
    expect(await listMailboxMessages(db, due.customerId)).toEqual([]);
    expect((await listApplicationEvents(db, due.input.applicationId)).map((e) => [e.type, e.actor])).toEqual([
      ['closed', null],
      ['personal-data-erased', 'retention'],
    ]);

    // Untouched: within the period, a loan's application, a payout to follow up, an open one.
    for (const kept of [recent, paidOut, payoutFailed, open]) {
      const [applicant] = await listApplicants(db, kept.input.applicationId);
      expect(applicant!.personnummer).toBe(kept.person.personnummer);
      expect((await findApplication(db, kept.input.applicationId))!.personal_data_erased_at).toBeNull();
      expect(await listMailboxMessages(db, kept.customerId)).toHaveLength(1);
    }

    // A second run erases nothing new.
    const again = await activities.eraseExpiredApplicationData({ asOf: now.toISOString(), limit: 1_000 });
    expect(again.erased).not.toContain(due.input.applicationId);
    expect(await listApplicationEvents(db, due.input.applicationId)).toHaveLength(2);
  });

  it('works through the backlog in batches', async () => {
    const now = new Date(Date.now() + 7_300 * DAY);
    const apps = await Promise.all([1, 2, 3].map(() => closedApplication(now, 'DELETED', 120)));
    const activities = createRetentionActivities(db);
    const first = await activities.eraseExpiredApplicationData({ asOf: now.toISOString(), limit: 2 });
    expect(first.examined).toBe(2);
    const rest = await activities.eraseExpiredApplicationData({ asOf: now.toISOString(), limit: 1_000 });
    const erased = [...first.erased, ...rest.erased];
    for (const a of apps) expect(erased).toContain(a.input.applicationId);
  });
});
