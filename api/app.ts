/**
 * The Express application: routing, auth, validation, OpenAPI and problem+json errors. No business
 * rules live here: handlers call domain/ functions, start or signal workflows, and read db/.
 */
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { recordOperatorRequest } from '../db/audit-repository';
import type { ApiDeps } from './deps';
import { notFoundHandler, problemErrorHandler } from './problem';
import { httpMetrics, mountMetrics } from './metrics';
import { auditRoutes } from './routes/audit';
import { codecRoutes } from './routes/codec';
import { complaintRoutes } from './routes/complaints';
import { contactRoutes } from './routes/contact';
import { collectionRoutes } from './routes/collection';
import { helperActAudit } from './collection-access';
import { diagnosticsRoutes } from './routes/diagnostics';
import { directDebitRoutes } from './routes/direct-debit';
import { healthRoutes } from './routes/health';
import { loanActionRoutes } from './routes/loan-actions';
import { loanRoutes } from './routes/loans';
import { mailboxRoutes } from './routes/mailbox';
import { paymentFileRoutes, PAYMENT_FILE_MAX_BYTES, PAYMENT_FILE_MEDIA_TYPES } from './routes/payment-files';
import { paymentRoutes } from './routes/payments';
import { quoteRoutes } from './routes/quotes';
import { refundRoutes } from './routes/refunds';
import { bureauReportRoutes } from './routes/bureau-reports';
import { applicationRoutes } from './routes/applications';
import { sandboxRoutes } from './routes/sandbox';
import { sandboxLoanRoutes } from './routes/sandbox-loans';
import { ApiRoutes } from './routing';
import { mountWeb } from '../web';
import { noStore, rateLimits, securityHeaders, trustProxySetting } from './security';

export const API_INFO = {
  title: 'Loan lifecycle engine API',
  version: '0.1.0',
  description:
    'Consumer credit from application to the last öre: quotes, applications, loans. Amounts are decimal strings in SEK ' +
    'with two decimals; dates are Europe/Stockholm calendar dates (YYYY-MM-DD). Errors are RFC 9457 problem details.',
};

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.config.TRUST_PROXY));
  app.use(httpMetrics()); // durations by route template and status (GET /metrics, api/metrics.ts)

  // R-SEC-1: every operator request is recorded (api/routing.ts); a failed write is logged only.
  const routes = new ApiRoutes(
    {
      secret: deps.jwtSecret,
      issuer: deps.config.JWT_ISSUER,
      audience: deps.config.JWT_AUDIENCE,
      maxLifetimeSeconds: deps.config.JWT_MAX_LIFETIME_SECONDS,
    },
    { record: (entry) => recordOperatorRequest(deps.db, entry), logger: deps.logger },
  );
  app.use(routes.auditUnroutedOperatorRequests());
  app.use(securityHeaders(deps.config));
  app.use(['/v1', '/codec'], noStore);
  const limits = rateLimits(deps.config);
  app.use(limits.badTokens);
  app.post(['/v1/applications/:id/identification', '/v1/applications/:id/acceptance'], limits.identification);
  app.post(['/v1/quotes', '/v1/loans/:loanId/early-repayment/quotes'], limits.quotes);
  // R-PAY-2: a bank file is taken as bytes (ISO-8859-1), not JSON.
  app.post('/v1/payment-files', express.raw({ type: PAYMENT_FILE_MEDIA_TYPES, limit: PAYMENT_FILE_MAX_BYTES }));
  app.use(express.json({ limit: '1mb' }));
  app.use(helperActAudit(deps.db, deps.logger)); // R-COLL-8: a helper's acts on a case are recorded as theirs
  healthRoutes(routes, deps);
  codecRoutes(routes, deps);
  diagnosticsRoutes(routes, deps);
  auditRoutes(routes, deps);
  quoteRoutes(routes);
  applicationRoutes(routes, deps);
  mailboxRoutes(routes, deps);
  // The doubles' steering exists only in sandbox mode, and is never mounted in production.
  if (deps.config.ENGINE_MODE === 'sandbox' && deps.sandbox) {
    sandboxRoutes(routes, deps.sandbox, deps);
    sandboxLoanRoutes(routes, deps); // a loan that goes to collection within seconds (docs/collection.md)
  }
  loanRoutes(routes, deps);
  loanActionRoutes(routes, deps);
  paymentRoutes(routes, deps);
  paymentFileRoutes(routes, deps);
  refundRoutes(routes, deps);
  bureauReportRoutes(routes, deps); // R-PAY-1: refused bureau withdrawals, for operators
  complaintRoutes(routes, deps);
  collectionRoutes(routes, deps);
  contactRoutes(routes, deps);
  directDebitRoutes(routes, deps); // R-PAY-3

  const openApi = routes.openApiDocument(API_INFO);
  app.get('/openapi.json', (_req, res) => res.json(openApi));
  mountMetrics(app, deps.db);
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));
  app.use(routes.router);
  mountWeb(app, deps); // the customer pages (web/): HTML, cookie sessions, CSRF
  app.use(notFoundHandler);
  app.use(problemErrorHandler(deps.logger));
  return app;
}
