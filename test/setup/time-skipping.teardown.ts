export default async function teardown(): Promise<void> {
  await (globalThis as { __dropWorkflowsDb?: () => Promise<void> }).__dropWorkflowsDb?.();
}
