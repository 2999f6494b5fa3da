/**
 * The operators' stack in docker-compose.yml, without a Docker engine: Prometheus
 * scrapes the api's and the worker's /metrics where they listen, Grafana is provisioned with that
 * Prometheus and the "Loan engine" dashboard, and every query of the dashboard names a metric the
 * engine exports (platform/metrics.ts) or the Temporal SDK's exporter does; together the panels
 * cover what the issue lists. The compose file's schema check is in compose.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../platform/config';
import { metricsRegistry } from '../../platform/metrics';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, unknown>;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};
/** The host path mounted at `target` (short syntax `./host:/target[:ro]`). */
const mountOf = (s: Service, target: string): string => {
  const v = (s.volumes ?? []).find((m) => m.split(':')[1] === target);
  if (!v) throw new Error(`nothing mounted at ${target}`);
  return v.split(':')[0]!;
};
const dependsOn = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

/** Metric names the engine's registry exports (histograms as their _bucket/_count/_sum series). */
function engineSeries(): Set<string> {
  const names = new Set<string>();
  for (const m of metricsRegistry.getMetricsAsArray()) {
    const name = (m as unknown as { name: string }).name;
    names.add(name);
    for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** What the Temporal SDK runtime's exporter names (checked against a running worker, SDK 1.x). */
const SDK_METRICS =
  /^temporal_(workflow_task_schedule_to_start_latency|activity_execution_latency|worker_task_slots_available)(_bucket|_count|_sum)?$/;

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(read('deploy/grafana/dashboards/loan-engine.json')) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
/** Metric names in a PromQL expression (label names never start with these prefixes). */
const metricNames = (expr: string): string[] =>
  [...expr.matchAll(/\b((?:loan_engine|temporal)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

describe('Prometheus and Grafana in docker-compose.yml', () => {
  it('scrapes the api on its PORT and the worker on WORKER_METRICS_PORT, both at /metrics', () => {
    const prometheus = service('prometheus');
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(dependsOn(prometheus)).toEqual(expect.arrayContaining(['api', 'worker']));
    const config = parse(read(mountOf(prometheus, '/etc/prometheus/prometheus.yml'))) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(
      config.scrape_configs.map((c) => [c.static_configs[0]!.targets[0], c.metrics_path ?? '/metrics']),
    );
    const env = service('api').environment!;
    const defaults = parseConfig({ ...env, JWT_SECRET: 'j'.repeat(43), PAYLOAD_ENCRYPTION_KEYS: undefined });
    expect(targets[`api:${defaults.PORT}`]).toBe('/metrics');
    expect(targets[`worker:${defaults.WORKER_METRICS_PORT}`]).toBe('/metrics');
    // The worker listens beyond loopback in its container, so Prometheus can reach it.
    expect(env.HOST).toBe('0.0.0.0');
  });

  it('provisions Grafana with that Prometheus and the dashboard folder', () => {
    const grafana = service('grafana');
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    const provisioning = mountOf(grafana, '/etc/grafana/provisioning');
    const datasources = parse(read(path.join(provisioning, 'datasources/prometheus.yml'))) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
    );
    const providers = parse(read(path.join(provisioning, 'dashboards/loan-engine.yml'))) as {
      providers: { options: { path: string } }[];
    };
    const dashboardsDir = providers.providers[0]!.options.path;
    expect(path.join(mountOf(grafana, dashboardsDir), 'loan-engine.json')).toBe(
      path.normalize('deploy/grafana/dashboards/loan-engine.json'),
    );
    expect(dashboard.uid).toBe('loan-engine');
  });

  it('every dashboard query names metrics the engine or the Temporal SDK exports, from the provisioned source', () => {
    const engine = engineSeries();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const { panel, expr } of queries) {
      const names = metricNames(expr);
      expect({ panel, expr, names: names.length > 0 }).toEqual({ panel, expr, names: true });
      for (const name of names)
        expect({ panel, name, exported: engine.has(name) || SDK_METRICS.test(name) }).toEqual({
          panel,
          name,
          exported: true,
        });
    }
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) expect(p.datasource?.uid).toBe('prometheus');
  });

  it('covers what operators watch: HTTP, the business counters and gauges, the SDK and the processes', () => {
    const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
    for (const name of [
      'loan_engine_http_request_duration_seconds_count',
      'loan_engine_http_request_duration_seconds_bucket',
      'loan_engine_applications_closed_total',
      'loan_engine_payouts_total',
      'loan_engine_payout_amount_sek_total',
      'loan_engine_invoices_issued_total',
      'loan_engine_payments_applied_total',
      'loan_engine_payments',
      'loan_engine_fees_charged_total',
      'loan_engine_termination_notices_total',
      'loan_engine_loans',
      'loan_engine_collection_cases',
      'temporal_workflow_task_schedule_to_start_latency_bucket',
      'loan_engine_process_resident_memory_bytes',
    ])
      expect({ name, used: used.has(name) }).toEqual({ name, used: true });
  });
});
