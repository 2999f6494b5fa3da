/**
 * The personal-data retention sweep (R-SEC-2, domain/retention.ts): one workflow for the whole
 * engine, id `personal-data-retention`. Each night it erases the personal data of applications that
 * never became loans and closed more than the retention period ago, then (`patched(
 * 'retention-mandates-attorneys')`) that of ended direct-debit mandates and powers of attorney, in batches, then sleeps until
 * the next night and continues as new (a small history per night). Operators see it in the Temporal
 * UI; `runOnce` makes a single pass (tests, a manual run).
 */
import { continueAsNew, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention';
import type { RetentionParameters } from '../domain/retention';

export const PERSONAL_DATA_RETENTION_ID = 'personal-data-retention';

export interface RetentionSweepInput {
  retention?: RetentionParameters;
  /** Applications per activity call. Default 100. */
  batchSize?: number;
  /** One pass and return (no nightly loop). */
  runOnce?: boolean;
  /** Carried across continue-as-new: erased so far. */
  erasedTotal?: number;
}

/** Versioned: ended direct-debit mandates and powers of attorney are erased too (R-SEC-2). */
const MANDATES_AND_ATTORNEYS_PATCH = 'retention-mandates-attorneys';

const { eraseExpiredApplicationData, eraseEndedMandateAndAttorneyData } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** 02:00 UTC: the Stockholm night, all year. */
export function nextNightlyRunMs(nowMs: number): number {
  const day = new Date(nowMs);
  const at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 2, 0, 0);
  return at > nowMs ? at : at + 86_400_000;
}

export async function personalDataRetentionWorkflow(input: RetentionSweepInput = {}): Promise<{ erased: number }> {
  const batchSize = input.batchSize ?? 100;
  let erased = 0;
  for (;;) {
    const batch = await eraseExpiredApplicationData({
      asOf: new Date().toISOString(), // the workflow clock (R-TIME-1)
      limit: batchSize,
      ...(input.retention ? { retention: input.retention } : {}),
    });
    erased += batch.erased.length;
    if (batch.examined < batchSize) break;
  }
  if (patched(MANDATES_AND_ATTORNEYS_PATCH)) {
    for (;;) {
      const batch = await eraseEndedMandateAndAttorneyData({
        asOf: new Date().toISOString(),
        limit: batchSize,
        ...(input.retention ? { retention: input.retention } : {}),
      });
      erased += batch.mandates.length + batch.powersOfAttorney.length;
      if (batch.examined < batchSize) break;
    }
  }
  const total = (input.erasedTotal ?? 0) + erased;
  if (input.runOnce) return { erased: total };
  await sleep(nextNightlyRunMs(Date.now()) - Date.now());
  return continueAsNew<typeof personalDataRetentionWorkflow>({ ...input, erasedTotal: total });
}
