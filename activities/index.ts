/** Wires every activity to its dependencies; the worker registers the result. */
import type { Adapters } from '../adapters';
import type { Db } from '../db/database';
import { type ApplicationActivityOptions, createApplicationActivities, unavailableAdapters } from './application';
import { createBureauReportingActivities } from './bureau-reporting';
import { createDiagnosticsActivities } from './diagnostics';
import { createLoanActivities } from './loan';
import { createSimulationActivities } from './simulation';

export interface ActivityDeps {
  db: Db;
  /** External systems (sandbox doubles or real clients). Without them the application activities fail. */
  adapters?: Adapters;
  application?: ApplicationActivityOptions;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticsActivities(deps.db),
    ...createLoanActivities(deps.db),
    ...createSimulationActivities(deps.db),
    ...createApplicationActivities(deps.db, deps.adapters ?? unavailableAdapters(), deps.application),
    ...createBureauReportingActivities(deps.db, deps.adapters ?? unavailableAdapters()),
  };
}
