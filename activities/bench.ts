/**
 * The activities of the benchmarks' baselines (workflows/application-bench.ts,
 * workflows/month-end-bench.ts).
 */

/** No-op steps run in this process so far (the month-end baseline counts its steps). */
export const benchStepsRun = { total: 0, byStep: new Map<number, number>() };

export function createBenchActivities() {
  return {
    /** One step of a baseline: does nothing but count itself. */
    async benchNoopStep(step: number): Promise<number> {
      benchStepsRun.total++;
      benchStepsRun.byStep.set(step, (benchStepsRun.byStep.get(step) ?? 0) + 1);
      return step;
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
