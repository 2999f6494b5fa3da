/**
 * R-SEC-2: the nightly retention sweep on the time-skipping server: its first pass erases the
 * personal data of an application without a loan that closed more than 90 days ago; then it sleeps
 * until the next night (continuing as new), where an application that has meanwhile passed the
 * period is erased too; an ended direct-debit mandate past the period is erased on the same pass.
 * Time comes from the workflow clock, so skipping days moves the cutoff.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { findApplication, listApplicants, projectApplication } from '../../db/application-repository';
import type { Db } from '../../db/database';
import { initialSnapshot } from '../../domain/application-state';
import { findMandate, insertMandate } from '../../db/direct-debit-repository';
import { personalDataRetentionWorkflow } from '../../workflows/retention';
import { insertTestLoan } from '../support/loans';
import { applicationInput, newPerson, waitFor } from '../support/application';
import { createTestWorker, useTimeSkippingServer } from '../support/temporal';

const DAY = 86_400_000;

describe('personal-data retention sweep (R-SEC-2)', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  useTimeSkippingServer((started, opened) => {
    env = started;
    db = opened;
  });

  async function rejectedApplication(closedAtMs: number) {
    const input = applicationInput({ applicants: [newPerson()] });
    const at = new Date(closedAtMs).toISOString();
    const base = initialSnapshot(input, at, at);
    await projectApplication(db, { ...base, version: 3, status: 'REJECTED', closedAt: at, decidedAt: at });
    return input.applicationId;
  }

  const erased = async (id: string) => (await findApplication(db, id))!.personal_data_erased_at !== null;

  it('R-SEC-2: erases what is due at once, and what falls due on a later night', async () => {
    const taskQueue = `retention-${randomUUID()}`;
    const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, db });
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const dueNow = await rejectedApplication(now - 91 * DAY);
      const dueInTwoDays = await rejectedApplication(now - 89 * DAY);
      // R-SEC-2: a direct-debit mandate cancelled 91 days ago loses its payer's data on the same pass.
      const customerId = `customer-${randomUUID()}`;
      const { loanId } = await insertTestLoan(db, { customer_id: customerId });
      const mandateId = randomUUID();
      await insertMandate(db, {
        id: mandateId,
        customerId,
        loanId,
        caseId: null,
        clearingNumber: '8327',
        accountNumber: '9912345678',
        payerPersonnummer: newPerson().personnummer,
      });
      await db
        .updateTable('direct_debit_mandates')
        .set({ status: 'CANCELLED', cancelled_by: 'customer', cancelled_at: new Date(now - 91 * DAY) })
        .where('id', '=', mandateId)
        .execute();

      const once = await env.client.workflow.execute(personalDataRetentionWorkflow, {
        taskQueue,
        workflowId: `retention-once-${randomUUID()}`,
        args: [{ runOnce: true }],
      });
      expect(once.erased).toBeGreaterThanOrEqual(1);
      expect(await erased(dueNow)).toBe(true);
      expect(await erased(dueInTwoDays)).toBe(false);
      expect((await listApplicants(db, dueNow))[0]).toMatchObject({ personnummer: '', email: '', phone: '' });
      expect(await findMandate(db, mandateId)).toMatchObject({
        status: 'CANCELLED',
        payer_personnummer: '',
        account_number: '',
      });

      // The nightly sweep: started now, it sleeps to the next 02:00 UTC and continues as new.
      const nightly = await env.client.workflow.start(personalDataRetentionWorkflow, {
        taskQueue,
        workflowId: `retention-nightly-${randomUUID()}`,
        args: [{}],
      });
      await env.sleep(3 * DAY);
      await waitFor(
        () => erased(dueInTwoDays),
        (done) => done,
        'the later night to erase the second application',
      );
      const description = await nightly.describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.runId).not.toBe(nightly.firstExecutionRunId); // continued as new
      await nightly.terminate('test over');
    });
  });
});
