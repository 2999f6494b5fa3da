/**
 * The activities of the tools' workers (simulator, benchmarks, history recording, workflow tests):
 * the engine's, and the simulated borrower's and the benchmark baseline's.
 */
import { createBenchActivities } from './bench';
import { type ActivityDeps, createActivities } from './index';
import { createSimulationActivities } from './simulation';

export function createToolActivities(deps: ActivityDeps) {
  return {
    ...createActivities(deps),
    ...createSimulationActivities(deps.db, deps.adapters?.bureau), // R-PAY-1: as the payment workflow applies
    ...createBenchActivities(),
  };
}
