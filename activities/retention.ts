/**
 * Personal-data retention (R-SEC-2): one batch of erasures per call. The instant comes in from
 * the workflow clock (never the wall clock), so time-skipping tests and production agree.
 * Idempotent: an erased application is never due again. Returns ids only (no personal data).
 */
import type { Db } from '../db/database';
import { eraseApplicationPersonalData, findApplicationsDueForErasure } from '../db/retention-repository';
import { DEFAULT_RETENTION, erasureCutoff, type RetentionParameters } from '../domain/retention';

export function createRetentionActivities(db: Db) {
  return {
    async eraseExpiredApplicationData(input: {
      /** ISO instant from the workflow clock. */
      asOf: string;
      limit: number;
      retention?: RetentionParameters;
    }): Promise<{ erased: string[]; examined: number }> {
      const cutoff = erasureCutoff(new Date(input.asOf), input.retention ?? DEFAULT_RETENTION);
      const due = await findApplicationsDueForErasure(db, cutoff, input.limit);
      const erased: string[] = [];
      for (const id of due) if (await eraseApplicationPersonalData(db, id, cutoff)) erased.push(id);
      return { erased, examined: due.length };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
