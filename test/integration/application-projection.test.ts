/**
 * The application's projection (db/application-repository.ts) on real PostgreSQL: the workflow
 * writes a whole snapshot under its state version at every step, in one statement. A newer
 * version replaces the row, its applicants and their answers; an older or repeated one changes
 * none of them; the event is inserted once by its seq; the status stored before is reported.
 */
import {
  findApplication,
  findSubmittedAnswers,
  listApplicants,
  listApplicationEvents,
  projectApplication,
  projectApplicationOverPrevious,
} from '../../db/application-repository';
import type { Db } from '../../db/database';
import { type ApplicationSnapshot, initialSnapshot } from '../../domain/application-state';
import { applicationInput, goodAnswers, newPerson } from '../support/application';
import { openTestDb } from '../support/db';

describe('the application projection (R-APP-4, R-APP-6)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => db?.destroy());

  function snapshots() {
    const person = newPerson();
    const input = applicationInput({ applicants: [person] });
    const created = '2026-11-02T09:00:00.000Z';
    const first: ApplicationSnapshot = { ...initialSnapshot(input, created, '2026-11-09T09:00:00.000Z'), version: 1 };
    const submitted: ApplicationSnapshot = {
      ...first,
      version: 3,
      status: 'SUBMITTED',
      step: 'credit check at the bureau',
      contractNumber: null,
      payoutAccount: { clearingNumber: '6000', accountNumber: '123456789' },
      submittedAt: '2026-11-02T09:05:00.000Z',
      updatedAt: '2026-11-02T09:05:00.000Z',
      applicants: first.applicants.map((a) => ({
        ...a,
        status: 'SUBMITTED',
        identifiedAt: '2026-11-02T09:01:00.000Z',
        name: 'Tolvan Tolvansson',
        submittedAt: '2026-11-02T09:05:00.000Z',
        answers: goodAnswers(),
        answersSubmittedOn: '2026-11-02',
      })),
    };
    return { person, first, submitted };
  }

  const event = (seq: number, type: string, status: ApplicationSnapshot['status']) => ({
    seq,
    type,
    status,
    actor: null,
    detail: { seq },
    occurredAt: '2026-11-02T09:05:00.000Z',
  });

  it('writes a newer snapshot with its applicants, answers and event', async () => {
    const { person, first, submitted } = snapshots();
    expect(await projectApplicationOverPrevious(db, first, event(1, 'created', 'NOT_STARTED'))).toEqual({
      applied: true,
      previousStatus: null,
    });
    expect(await projectApplicationOverPrevious(db, submitted, event(2, 'answers-submitted', 'SUBMITTED'))).toEqual({
      applied: true,
      previousStatus: 'NOT_STARTED',
    });

    const row = (await findApplication(db, first.id))!;
    expect(row).toMatchObject({ status: 'SUBMITTED', state_version: 3, amount: first.amount });
    expect(row.payout_account).toEqual({ clearingNumber: '6000', accountNumber: '123456789' });
    const [applicant] = await listApplicants(db, first.id);
    expect(applicant).toMatchObject({
      status: 'SUBMITTED',
      name: 'Tolvan Tolvansson',
      personnummer: person.personnummer,
    });
    expect(new Date(applicant!.identified_at!).toISOString()).toBe('2026-11-02T09:01:00.000Z');
    const answers = await findSubmittedAnswers(db, person.personnummer, '2026-11-01');
    expect(answers.map((a) => a.reference)).toEqual([first.reference]);
    expect((await listApplicationEvents(db, first.id)).map((e) => [e.seq, e.type])).toEqual([
      [1, 'created'],
      [2, 'answers-submitted'],
    ]);
  });

  it('keeps the newer state when an older or repeated snapshot arrives, and the event once', async () => {
    const { first, submitted } = snapshots();
    await projectApplication(db, first, event(1, 'created', 'NOT_STARTED'));
    await projectApplication(db, submitted, event(2, 'answers-submitted', 'SUBMITTED'));

    // A late write of version 1 (a retried activity) and a repeat of version 3.
    expect(await projectApplication(db, { ...first, step: 'late' }, event(1, 'created', 'NOT_STARTED'))).toBe(false);
    expect(await projectApplicationOverPrevious(db, submitted, event(2, 'answers-submitted', 'SUBMITTED'))).toEqual({
      applied: false,
      previousStatus: 'SUBMITTED',
    });
    expect(await findApplication(db, first.id)).toMatchObject({ status: 'SUBMITTED', step: submitted.step });
    expect(await listApplicants(db, first.id)).toMatchObject([{ status: 'SUBMITTED', name: 'Tolvan Tolvansson' }]);
    expect(await listApplicationEvents(db, first.id)).toHaveLength(2);
  });

  it('keeps the name BankID gave when a later snapshot carries none', async () => {
    const { submitted } = snapshots();
    await projectApplication(db, submitted);
    const later: ApplicationSnapshot = {
      ...submitted,
      version: 4,
      applicants: submitted.applicants.map(({ name: _name, ...a }) => a),
    };
    expect(await projectApplication(db, later)).toBe(true);
    expect(await listApplicants(db, submitted.id)).toMatchObject([{ name: 'Tolvan Tolvansson' }]);
    expect(await listApplicationEvents(db, submitted.id)).toHaveLength(0);
  });
});
