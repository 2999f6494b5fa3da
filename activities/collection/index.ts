/**
 * The collection case's side effects (R-COLL-1…9): opening at the handover, the timeline's and
 * the agreements' steps, the application to the enforcement authority. Each is one transaction
 * under the case's row lock, idempotent per key, and returns the case as the ledger says.
 */
import type { EnforcementClient } from '../../adapters/enforcement';
import type { Db } from '../../db/database';
import { loanActivityContext, type NewMailNotifier } from '../loan/context';
import { createCollectionEnforcementActivities } from './enforcement';
import { createCollectionOpeningActivities } from './opening';
import { createCollectionRefundActivities } from './refunds';
import { createCollectionSelfServiceActivities } from './self-service';
import { createCollectionStepActivities } from './steps';

export function createCollectionActivities(db: Db, notifyNewMail?: NewMailNotifier, enforcement?: EnforcementClient) {
  const context = loanActivityContext(db, notifyNewMail);
  return {
    ...createCollectionOpeningActivities(context),
    ...createCollectionStepActivities(context),
    ...createCollectionEnforcementActivities(context, enforcement),
    ...createCollectionSelfServiceActivities(context),
    ...createCollectionRefundActivities(context), // R-PAY-4
  };
}

export type CollectionActivities = ReturnType<typeof createCollectionActivities>;
