import type { Db } from '../db/database';
import { recordDiagnosticRun } from '../db/diagnostics-repository';

export function createDiagnosticsActivities(db: Db) {
  return {
    /** Idempotent: a retry with the same key returns the first recording. */
    async recordDiagnosticRun(input: { idempotencyKey: string; workflowId: string; requestedBy: string }) {
      const row = await recordDiagnosticRun(db, input);
      return { recordedAt: row.recorded_at.toISOString() };
    },
  };
}

export type DiagnosticsActivities = ReturnType<typeof createDiagnosticsActivities>;
