export default async function teardown(): Promise<void> {
  await (globalThis as { __dropIntegrationDb?: () => Promise<void> }).__dropIntegrationDb?.();
}
