/**
 * Personal-data retention (R-SEC-2): one batch of erasures per call. The instant comes in from
 * the workflow clock (never the wall clock), so time-skipping tests and production agree.
 * Idempotent: an erased application is never due again. Returns ids only (no personal data).
 */
import type { Db } from '../db/database';
import {
  eraseApplicationPersonalData,
  eraseMandatePersonalData,
  erasePowerOfAttorneyPersonalData,
  findApplicationsDueForErasure,
  findMandatesDueForErasure,
  findPowersOfAttorneyDueForErasure,
} from '../db/retention-repository';
import {
  DEFAULT_RETENTION,
  erasureCutoff,
  mandateErasureCutoff,
  powerOfAttorneyErasureCutoff,
  type RetentionParameters,
} from '../domain/retention';

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

    /**
     * One batch of ended direct-debit mandates (the payer's personnummer and account) and ended
     * collection powers of attorney (the helper's personnummer); `examined` is the larger batch.
     */
    async eraseEndedMandateAndAttorneyData(input: {
      asOf: string;
      limit: number;
      retention?: RetentionParameters;
    }): Promise<{ mandates: string[]; powersOfAttorney: string[]; examined: number }> {
      const asOf = new Date(input.asOf);
      const retention = input.retention ?? DEFAULT_RETENTION;
      const mandateCutoff = mandateErasureCutoff(asOf, retention);
      const poaCutoff = powerOfAttorneyErasureCutoff(asOf, retention);
      const dueMandates = await findMandatesDueForErasure(db, mandateCutoff, input.limit);
      const duePoas = await findPowersOfAttorneyDueForErasure(db, poaCutoff, input.limit);
      const mandates: string[] = [];
      for (const id of dueMandates) if (await eraseMandatePersonalData(db, id, mandateCutoff)) mandates.push(id);
      const powersOfAttorney: string[] = [];
      for (const id of duePoas)
        if (await erasePowerOfAttorneyPersonalData(db, id, poaCutoff)) powersOfAttorney.push(id);
      return { mandates, powersOfAttorney, examined: Math.max(dueMandates.length, duePoas.length) };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
