/**
 * The baseline of `npm run bench:applications`: a workflow that runs the same number of steps
 * (activities) as an application from creation to payout, each a no-op, so the benchmark can show
 * what the application's own work costs over Temporal's per-step floor on the same server. Since
 * the application's short PostgreSQL steps are local activities, the baseline runs as many local
 * no-op steps too (`localSteps`).
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BenchActivities } from '../activities/bench';

const { benchNoopStep } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

const local = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

export async function applicationBaselineWorkflow(steps: number, localSteps = 0): Promise<number> {
  for (let i = 0; i < steps; i++) await benchNoopStep(i);
  for (let i = 0; i < localSteps; i++) await local.benchNoopStep(steps + i);
  return steps + localSteps;
}
