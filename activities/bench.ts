/** The activities of `npm run bench:applications`' baseline (workflows/application-bench.ts). */
export function createBenchActivities() {
  return {
    /** One step of the baseline: does nothing. */
    async benchNoopStep(step: number): Promise<number> {
      return step;
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
