import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function teardown(): Promise<void> {
  const g = globalThis as { __apiDevServer?: TestWorkflowEnvironment; __dropApiDb?: () => Promise<void> };
  await g.__apiDevServer?.teardown();
  await g.__dropApiDb?.();
}
