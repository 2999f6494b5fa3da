/**
 * The enforcement authority client a worker gives the collection activities (R-COLL-3): in sandbox
 * mode a recording double in this process (adapters/enforcement/sandbox.ts) behind the real HTTP
 * client; in production the HTTP client at ENFORCEMENT_BASE_URL (with ENFORCEMENT_API_KEY).
 * Without one, a case that reaches enforcement retries its application until one is configured.
 * The two variables are read here until platform/config.ts takes them beside the other adapters'.
 */
import { type EnforcementClient, EnforcementHttpClient, EnforcementSandbox } from '../adapters/enforcement';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';

export async function createEnforcementClient(
  config: Pick<Config, 'ENGINE_MODE' | 'ADAPTER_TIMEOUT_MS'>,
  logger?: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ client?: EnforcementClient; stop(): Promise<void> }> {
  if (config.ENGINE_MODE === 'sandbox') {
    const sandbox = await EnforcementSandbox.start();
    return {
      client: new EnforcementHttpClient({ baseUrl: sandbox.url, timeoutMs: config.ADAPTER_TIMEOUT_MS, logger }),
      stop: () => sandbox.close(),
    };
  }
  const baseUrl = env.ENFORCEMENT_BASE_URL;
  if (!baseUrl) {
    logger?.warn('ENFORCEMENT_BASE_URL is not set: collection cases cannot reach the enforcement authority');
    return { stop: async () => undefined };
  }
  return {
    client: new EnforcementHttpClient({
      baseUrl,
      apiKey: env.ENFORCEMENT_API_KEY,
      timeoutMs: config.ADAPTER_TIMEOUT_MS,
      logger,
    }),
    stop: async () => undefined,
  };
}
