/**
 * The Temporal SDK's own logs (worker state, workflow and activity failures, the native core's
 * warnings) through the engine's logger, so a process prints one kind of line. Installed once, at
 * start, before any Temporal connection exists.
 */
import { DefaultLogger, type LogEntry, type LogLevel, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from './logger';
import { sdkMetricsAddress } from './metrics';

const SDK_LEVEL: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * `metricsAddress` (host:port, or `off`): the SDK runtime's Prometheus exporter for the worker's own
 * metrics (task slots, poll and schedule-to-start latencies, sticky cache, …), appended to this
 * process' `/metrics` (platform/metrics.ts).
 */
export function installTemporalLogging(logger: Logger, metricsAddress = 'off'): void {
  const temporal = logger.child({ component: 'temporal' });
  const forward = (entry: LogEntry) => {
    const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    temporal[method](entry.meta ?? {}, entry.message);
  };
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVEL[logger.level] ?? 'INFO', forward),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsAddress !== 'off' ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
  if (metricsAddress !== 'off') sdkMetricsAddress(metricsAddress);
}
