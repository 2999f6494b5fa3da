/**
 * The API's part of the operators' metrics (platform/metrics.ts): every request's duration by route
 * template and status, and `GET /metrics` in Prometheus' text format. `/metrics` is not in the
 * OpenAPI document (it is not JSON); like `/healthz` it carries no personal data (counts only) and
 * is meant for the operators' network: keep it off the public load balancer.
 */
import type { Express, RequestHandler } from 'express';
import { bookCounts } from '../db/metrics-repository';
import type { Db } from '../db/database';
import { httpRequestDuration, METRICS_CONTENT_TYPE, observeBook, renderMetrics, routeLabel } from '../platform/metrics';

/** Times each request; the route is the matched template (`/v1/loans/{loanId}`), never the raw path. */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const end = httpRequestDuration.startTimer();
    res.once('finish', () => {
      const template = req.route ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      end({ method: req.method, route: routeLabel(template), status: String(res.statusCode) });
    });
    next();
  };
}

export function mountMetrics(app: Express, db: Db): void {
  observeBook(() => bookCounts(db));
  app.get('/metrics', (_req, res, next) => {
    renderMetrics().then((text) => res.type(METRICS_CONTENT_TYPE).send(text), next);
  });
}
