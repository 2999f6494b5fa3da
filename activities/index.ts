/**
 * Wires every production activity to its dependencies; the worker registers the result. The
 * tools' activities are wired in ./tools.ts.
 */
import type { Adapters } from '../adapters';
import type { EnforcementClient } from '../adapters/enforcement';
import type { Db } from '../db/database';
import { type ApplicationActivityOptions, createApplicationActivities, unavailableAdapters } from './application';
import { createBureauReportingActivities } from './bureau-reporting';
import { failPermanentDatabaseErrors } from './database-failures';
import { createCollectionActivities } from './collection';
import { type ComplaintActivityOptions, createComplaintActivities } from './complaints';
import { createDiagnosticsActivities } from './diagnostics';
import { createDirectDebitActivities } from './direct-debit';
import { createLoanActivities } from './loan';
import { createNoticeActivities, notifyNewMail } from './notices';
import { createRefundActivities } from './refunds';
import { createRetentionActivities } from './retention';

export interface ActivityDeps {
  db: Db;
  /** External systems (sandbox doubles or real clients). Without them the application activities fail. */
  adapters?: Adapters;
  application?: ApplicationActivityOptions;
  /** R-LOAN-9: where complaint escalations go. */
  complaints?: ComplaintActivityOptions;
  /** R-COLL-3: the enforcement authority; without it a case that reaches enforcement retries. */
  enforcement?: EnforcementClient;
}

export function createActivities(deps: ActivityDeps) {
  return failPermanentDatabaseErrors({
    ...createDiagnosticsActivities(deps.db),
    // R-LOAN-11: loan notices are announced by SMS/email when adapters are present; without them
    // (some tests) the mailbox message is recorded and stays un-notified.
    // R-PAY-1: with adapters, bureau reports a value-dated payment prevented are withdrawn.
    ...createLoanActivities(
      deps.db,
      deps.adapters ? newMailNotifier(deps.db, deps.adapters) : undefined,
      deps.adapters?.bureau,
    ),
    ...createCollectionActivities(
      deps.db,
      deps.adapters ? newMailNotifier(deps.db, deps.adapters) : undefined,
      deps.enforcement,
    ),
    ...createApplicationActivities(deps.db, deps.adapters ?? unavailableAdapters(), deps.application),
    ...createNoticeActivities(deps.db, deps.adapters ?? unavailableAdapters()),
    ...createRetentionActivities(deps.db),
    ...createBureauReportingActivities(deps.db, deps.adapters ?? unavailableAdapters()),
    ...createComplaintActivities(deps.db, deps.adapters ?? unavailableAdapters(), deps.complaints),
    ...createDirectDebitActivities(deps.db, deps.adapters ?? unavailableAdapters()), // R-PAY-3
    // R-PAY-4: refunds paid through the bank payout adapter.
    ...createRefundActivities(
      deps.db,
      deps.adapters ?? unavailableAdapters(),
      deps.adapters ? newMailNotifier(deps.db, deps.adapters) : undefined,
    ),
  });
}

/**
 * A "new mail" notice that fails (SMS gateway and email both down) must not undo the invoice or
 * the reminder that caused it: the message stays in the mailbox with notified_at empty, where
 * `notifyNewMail` can announce it later.
 */
function newMailNotifier(db: Db, adapters: Adapters) {
  return async (messageId: string): Promise<void> => {
    await notifyNewMail(db, adapters, messageId).catch(() => undefined);
  };
}
