/** Wires every activity to its dependencies; the worker registers the result. */
import type { Db } from '../db/database';
import { createDiagnosticsActivities } from './diagnostics';
import { createLoanActivities } from './loan';
import { createSimulationActivities } from './simulation';

export interface ActivityDeps {
  db: Db;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticsActivities(deps.db),
    ...createLoanActivities(deps.db),
    ...createSimulationActivities(deps.db),
  };
}
