/**
 * A worker's `/metrics` listener (WORKER_METRICS_PORT): the process registry and the Temporal SDK's
 * own metrics (platform/metrics.ts `renderMetrics`). Nothing else is served.
 */
import http from 'node:http';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics';

export async function startMetricsServer(port: number, host: string): Promise<{ port: number; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    renderMetrics().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
