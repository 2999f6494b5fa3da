/**
 * Starts the nightly personal-data retention sweep (workflows/retention.ts) unless it runs already:
 * called by every worker process at start, so exactly one runs (R-SEC-2).
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { PERSONAL_DATA_RETENTION_ID, personalDataRetentionWorkflow } from '../workflows/retention';

export async function ensureRetentionSweep(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.workflow.start(personalDataRetentionWorkflow, {
      taskQueue,
      workflowId: PERSONAL_DATA_RETENTION_ID,
      args: [{}],
      staticSummary: 'Personal-data retention: erases applicants’ data of applications without a loan (R-SEC-2)',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
