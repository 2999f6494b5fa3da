/**
 * The operators' back-office, under /operator: log in through the organisation's
 * OpenID Connect provider (production; web/operator/oidc.ts) or, in sandbox mode, a local login;
 * then the payments suspense list with assign, complaints to answer with their deadlines
 * (R-LOAN-9), the bureau withdrawals the bureau refused with what to do (R-PAY-1), a rate change for one or many loans with the refusals (R-LOAN-5/10), any
 * application, loan and collection case with its timeline and a link to its run in the Temporal
 * UI, the audit log with filters, and the shop users. Every request of a logged-in operator is
 * recorded in the operator audit as the API's are (R-SEC-1), with the page's route template.
 *
 * Longer than 400 lines: one page per routine task, sharing the operator guard and the audit.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Principal } from '../../api/auth';
import type { ApiDeps } from '../../api/deps';
import { ProblemError } from '../../api/problem';
import { load, toView } from '../../api/routes/applications';
import { toRefusedWithdrawalView } from '../../api/routes/bureau-reports';
import { answerComplaint } from '../../api/routes/complaints';
import { bulkRateChangeRequestSchema, changeRateForLoans } from '../../api/routes/loan-actions';
import { loanOverview, toInvoiceView } from '../../api/routes/loans';
import { assignSuspensePayment } from '../../api/routes/payments';
import { auditOutcome } from '../../api/routing';
import { findVendor, listAllApplications, listApplicationEvents, upsertVendor } from '../../db/application-repository';
import { listOperatorAudit, recordOperatorRequest } from '../../db/audit-repository';
import { listRefusedWithdrawals } from '../../db/bureau-report-repository';
import {
  findCollectionCaseByNumber,
  findCollectionCaseOfLoan,
  listCaseEvents,
} from '../../db/collection-case-repository';
import { findComplaint, listComplaints, listLoanComplaints } from '../../db/complaint-repository';
import { findLoan, listInvoices, listPayments, listSuspensePayments } from '../../db/loan-repository';
import { findVendorUserByEmail, insertVendorUser, listVendorUsers } from '../../db/vendor-user-repository';
import { applicationWorkflowId } from '../../domain/application-state';
import { collectionCaseWorkflowId } from '../../domain/collection-case';
import { complaintWorkflowId } from '../../domain/complaint-state';
import { MIN_PASSWORD_LENGTH } from '../../domain/vendor-login';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { form, page } from '../handler';
import { render } from '../render';
import { hashPassword } from '../vendor';
import { oidcLogin } from './oidc';

export const OPERATOR_PREFIX = '/operator';
const P = OPERATOR_PREFIX;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function operatorOf(req: Request): Principal | undefined {
  const sub = req.webSession?.data.operator;
  return sub ? { role: 'operator', sub } : undefined;
}

/**
 * A page for logged-in operators only, recorded in the operator audit once its response has
 * finished (R-SEC-1), like api/routing.ts records the API's: who, method, route template, ids.
 */
function operatorPage(deps: ApiDeps, route: string, fn: (req: Request, res: Response, op: Principal) => Promise<void>) {
  const handler = (req: Request, res: Response) => {
    const op = operatorOf(req);
    if (!op) {
      res.redirect(303, `${P}/logga-in`);
      return Promise.resolve();
    }
    const params = { ...(req.params as Record<string, string>) };
    res.once('finish', () => {
      recordOperatorRequest(deps.db, {
        operator: op.sub,
        method: req.method,
        route,
        params,
        status: res.statusCode,
        outcome: auditOutcome(res.statusCode),
      }).catch((err: unknown) => deps.logger.error({ err }, 'operator audit row not written'));
    });
    return fn(req, res, op);
  };
  return { get: page(handler), post: form(handler) } as { get: RequestHandler; post: RequestHandler };
}

async function opPage(req: Request, res: Response, view: string, ctx: Record<string, unknown>, status = 200) {
  await render(req, res, `operator/${view}`, { operator: req.webSession?.data.operator, ...ctx }, status);
}

async function flashTo(req: Request, res: Response, message: string, to: string) {
  req.webSession!.data.flash = message;
  await req.webSession!.save();
  res.redirect(303, to);
}

/** A problem as one line for a notice: its detail and the fields it names. */
const problemText = (err: ProblemError) =>
  [err.detail ?? err.message, ...(err.errors ?? []).map((e) => `${e.field}: ${e.message}`)].join(' · ');

export function temporalUiBase(deps: ApiDeps): string {
  return (deps.config.TEMPORAL_UI_URL ?? `http://localhost:${deps.config.TEMPORAL_UI_PORT}`).replace(/\/+$/, '');
}

export function operatorRoutes(router: Router, deps: ApiDeps, options: { sandbox: boolean }): void {
  const runLink = (workflowId: string) =>
    `${temporalUiBase(deps)}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

  // --- login ----------------------------------------------------------------------------------
  const oidc = oidcLogin(deps);

  router.get(
    `${P}/logga-in`,
    page(async (req, res) =>
      opPage(req, res, 'login.njk', { title: 'Operator login', sandbox: options.sandbox, oidc: oidc.configured }),
    ),
  );

  router.post(
    `${P}/logga-in`,
    form(async (req, res) => {
      if (options.sandbox) {
        // Sandbox mode only: a local login by name (never mounted in production).
        const name = str(req.body.name).slice(0, 100);
        if (!/^[\p{L}\p{N} ._@-]{1,100}$/u.test(name))
          return opPage(
            req,
            res,
            'login.njk',
            { title: 'Operator login', sandbox: true, error: 'Give your name.' },
            400,
          );
        req.webSession!.data.operator = `sandbox:${name}`;
        req.webSession!.data.loggedInAt = new Date().toISOString();
        await req.webSession!.rotate();
        return res.redirect(303, P);
      }
      await oidc.start(req, res);
    }),
  );

  router.get(
    `${P}/oidc/callback`,
    page(async (req, res) => {
      const sub = await oidc.callback(req);
      if (!sub)
        return opPage(req, res, 'login.njk', { title: 'Operator login', error: 'The login did not complete.' }, 401);
      req.webSession!.data.operator = sub;
      req.webSession!.data.loggedInAt = new Date().toISOString();
      await req.webSession!.rotate();
      res.redirect(303, P);
    }),
  );

  router.post(
    `${P}/logga-ut`,
    form(async (req, res) => {
      await req.webSession!.destroy();
      res.redirect(303, `${P}/logga-in`);
    }),
  );

  // --- start: search and queues ---------------------------------------------------------------
  const home = operatorPage(deps, P, async (req, res) => {
    const q = str(req.query.q);
    if (q) {
      if (/^[0-9a-f-]{36}$/i.test(q)) {
        if (await findLoan(deps.db, q)) return res.redirect(303, `${P}/loans/${q}`);
        return res.redirect(303, `${P}/applications/${q}`);
      }
      return res.redirect(303, `${P}/collection-cases/${encodeURIComponent(q)}`);
    }
    const [suspense, complaints, applications, refused] = await Promise.all([
      listSuspensePayments(deps.db),
      listComplaints(deps.db, {}, { limit: 100, offset: 0 }),
      listAllApplications(deps.db, {}, { limit: 20, offset: 0 }),
      listRefusedWithdrawals(deps.db),
    ]);
    await opPage(req, res, 'home.njk', {
      title: 'Back-office',
      suspenseCount: suspense.length,
      openComplaints: complaints.filter((c) => c.status !== 'ANSWERED').length,
      refusedWithdrawals: refused.length,
      applications,
    });
  });
  router.get(P, home.get);

  // --- payments suspense ------------------------------------------------------------------------
  router.get(
    `${P}/payments`,
    operatorPage(deps, `${P}/payments`, async (req, res) => {
      const payments = await listSuspensePayments(deps.db);
      await opPage(req, res, 'payments.njk', { title: 'Payments in suspense', payments });
    }).get,
  );
  router.post(
    `${P}/payments/:paymentId/assign`,
    operatorPage(deps, `${P}/payments/{paymentId}/assign`, async (req, res) => {
      const loanId = str(req.body.loanId);
      try {
        if (!loanId)
          throw new ProblemError(400, 'Bad Request', 'give the loan id', [
            { field: 'body.loanId', message: 'required' },
          ]);
        await assignSuspensePayment(deps, req.params.paymentId!, loanId);
      } catch (err) {
        if (err instanceof ProblemError && err.status < 500) {
          res.status(err.status);
          const payments = await listSuspensePayments(deps.db);
          return opPage(
            req,
            res,
            'payments.njk',
            { title: 'Payments in suspense', payments, error: problemText(err) },
            err.status,
          );
        }
        throw err;
      }
      await flashTo(req, res, `Payment assigned to loan ${loanId}.`, `${P}/payments`);
    }).post,
  );

  // --- bureau withdrawals the bureau refused (R-PAY-1) ------------------------------------------
  router.get(
    `${P}/bureau-withdrawals`,
    operatorPage(deps, `${P}/bureau-withdrawals`, async (req, res) => {
      const withdrawals = (await listRefusedWithdrawals(deps.db)).map(toRefusedWithdrawalView);
      await opPage(req, res, 'bureau-withdrawals.njk', { title: 'Refused bureau withdrawals', withdrawals });
    }).get,
  );

  // --- complaints -------------------------------------------------------------------------------
  router.get(
    `${P}/complaints`,
    operatorPage(deps, `${P}/complaints`, async (req, res) => {
      const complaints = await listComplaints(deps.db, {}, { limit: 100, offset: 0 });
      await opPage(req, res, 'complaints.njk', { title: 'Complaints', complaints });
    }).get,
  );
  router.get(
    `${P}/complaints/:id`,
    operatorPage(deps, `${P}/complaints/{id}`, async (req, res) => {
      const complaint = /^[0-9a-f-]{36}$/i.test(req.params.id!)
        ? await findComplaint(deps.db, req.params.id!)
        : undefined;
      if (!complaint) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      await opPage(req, res, 'complaint.njk', {
        title: `Complaint: ${complaint.subject}`,
        complaint,
        run: runLink(complaintWorkflowId(complaint.id)),
      });
    }).get,
  );
  router.post(
    `${P}/complaints/:id/answer`,
    operatorPage(deps, `${P}/complaints/{id}/answer`, async (req, res, op) => {
      const id = req.params.id!;
      const answer = str(req.body.answer);
      try {
        if (!answer)
          throw new ProblemError(400, 'Bad Request', 'write an answer', [{ field: 'answer', message: 'required' }]);
        await answerComplaint(deps, op, id, answer);
      } catch (err) {
        if (err instanceof ProblemError && err.status < 500) {
          if (err.status === 404) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
          const complaint = await findComplaint(deps.db, id);
          return opPage(
            req,
            res,
            'complaint.njk',
            { title: 'Complaint', complaint, run: runLink(complaintWorkflowId(id)), error: problemText(err), answer },
            err.status,
          );
        }
        throw err;
      }
      await flashTo(req, res, 'The answer is sent to the customer’s mailbox.', `${P}/complaints`);
    }).post,
  );

  // --- rate changes -----------------------------------------------------------------------------
  router.get(
    `${P}/rate-changes`,
    operatorPage(deps, `${P}/rate-changes`, async (req, res) => {
      // The form carries its change id, so a repeated submission (a reload, a double click) is the
      // same change to the workflows rather than a second announcement (R-LOAN-10).
      await opPage(req, res, 'rate-changes.njk', {
        title: 'Rate change',
        values: { loanIds: str(req.query.loan), changeId: randomUUID() },
      });
    }).get,
  );
  router.post(
    `${P}/rate-changes`,
    operatorPage(deps, `${P}/rate-changes`, async (req, res, op) => {
      const values = {
        loanIds: str(req.body.loanIds),
        newNominalRatePercent: str(req.body.newNominalRatePercent).replace(',', '.'),
        effectiveFrom: str(req.body.effectiveFrom),
        changeId: str(req.body.changeId) || randomUUID(),
      };
      const parsed = bulkRateChangeRequestSchema.safeParse({
        changeId: values.changeId,
        newNominalRatePercent: values.newNominalRatePercent,
        effectiveFrom: values.effectiveFrom,
        loanIds: values.loanIds.split(/[\s,;]+/).filter(Boolean),
      });
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({
          field: String(i.path[0] ?? 'loanIds'),
          message: `${String(i.path[0])}: ${i.message}`,
        }));
        return opPage(req, res, 'rate-changes.njk', { title: 'Rate change', values, errors }, 400);
      }
      const result = await changeRateForLoans(deps, op, parsed.data);
      // The next change the form sends is another one: a fresh id.
      await opPage(req, res, 'rate-changes.njk', {
        title: 'Rate change',
        values: { ...values, changeId: randomUUID() },
        result,
      });
    }).post,
  );

  // --- applications, loans, collection cases ----------------------------------------------------
  router.get(
    `${P}/applications/:id`,
    operatorPage(deps, `${P}/applications/{id}`, async (req, res, op) => {
      let loaded;
      try {
        if (!/^[0-9a-f-]{36}$/i.test(req.params.id!)) throw new ProblemError(404, 'Not Found');
        loaded = await load(deps, req.params.id!, op);
      } catch (err) {
        if (err instanceof ProblemError && err.status === 404)
          return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
        throw err;
      }
      const [app, events, vendor] = await Promise.all([
        toView(deps, loaded, op),
        listApplicationEvents(deps.db, loaded.row.id),
        loaded.row.vendor_id ? findVendor(deps.db, loaded.row.vendor_id) : undefined,
      ]);
      await opPage(req, res, 'application.njk', {
        title: `Application ${app.reference}`,
        app,
        vendor,
        events: events.map((e) => ({
          ...e,
          occurredAt: new Date(e.occurred_at).toISOString(),
          detail: JSON.stringify(e.detail),
        })),
        run: runLink(applicationWorkflowId(app.reference)),
      });
    }).get,
  );

  router.get(
    `${P}/loans/:loanId`,
    operatorPage(deps, `${P}/loans/{loanId}`, async (req, res) => {
      const loan = /^[0-9a-f-]{36}$/i.test(req.params.loanId!)
        ? await findLoan(deps.db, req.params.loanId!)
        : undefined;
      if (!loan) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      const [overview, invoices, payments, complaints, collectionCase, refused] = await Promise.all([
        loanOverview(deps, loan),
        listInvoices(deps.db, loan.id),
        listPayments(deps.db, loan.id),
        listLoanComplaints(deps.db, loan.id),
        findCollectionCaseOfLoan(deps.db, loan.id),
        listRefusedWithdrawals(deps.db, { loanId: loan.id }),
      ]);
      // The loan's timeline: invoices, payments and complaints by date.
      const timeline = [
        ...invoices.map((i) => ({
          date: i.issue_date ?? i.due_date,
          what: `Invoice ${i.number} due ${i.due_date}: ${toInvoiceView(i).total} (${i.status})`,
        })),
        ...payments.map((p) => ({ date: p.payment_date, what: `Payment ${p.amount} (${p.status})` })),
        ...complaints.map((c) => ({
          date: c.received_on,
          what: `Complaint “${c.subject}” (${c.status}, answer due ${c.answer_due_on})`,
        })),
      ].sort((a, b) => String(a.date).localeCompare(String(b.date)));
      await opPage(req, res, 'loan.njk', {
        title: `Loan ${loan.contract_number}`,
        loan: overview,
        timeline,
        collectionCase,
        withdrawals: refused.map(toRefusedWithdrawalView),
        run: runLink(loanWorkflowId(loan.id)),
      });
    }).get,
  );

  router.get(
    `${P}/collection-cases/:caseNumber`,
    operatorPage(deps, `${P}/collection-cases/{caseNumber}`, async (req, res) => {
      const found = await findCollectionCaseByNumber(deps.db, req.params.caseNumber!);
      if (!found) return render(req, res, 'message.njk', { kind: 'notFound' }, 404);
      const events = await listCaseEvents(deps.db, found.id);
      await opPage(req, res, 'collection-case.njk', {
        title: `Collection case ${found.case_number}`,
        found,
        events: events.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })),
        run: runLink(collectionCaseWorkflowId(found.case_number!)),
      });
    }).get,
  );

  // --- audit log ----------------------------------------------------------------------------
  router.get(
    `${P}/audit`,
    operatorPage(deps, `${P}/audit`, async (req, res) => {
      const filter = {
        operator: str(req.query.operator) || undefined,
        route: str(req.query.route) || undefined,
        from: /^\d{4}-\d{2}-\d{2}$/.test(str(req.query.from)) ? str(req.query.from) : undefined,
        to: /^\d{4}-\d{2}-\d{2}$/.test(str(req.query.to)) ? str(req.query.to) : undefined,
      };
      // A date that is not YYYY-MM-DD is named rather than silently ignored.
      const errors = (['from', 'to'] as const)
        .filter((f) => str(req.query[f]) && !filter[f])
        .map((f) => ({ field: `f-${f}`, message: `${f === 'from' ? 'From' : 'To'}: a date as YYYY-MM-DD` }));
      if (errors.length)
        return opPage(
          req,
          res,
          'audit.njk',
          {
            title: 'Audit log',
            filter: { ...filter, from: str(req.query.from), to: str(req.query.to) },
            rows: [],
            errors,
          },
          400,
        );
      const cursor = /^[1-9]\d{0,17}$/.test(str(req.query.cursor)) ? str(req.query.cursor) : undefined;
      const { rows, next } = await listOperatorAudit(deps.db, filter, { limit: 50, before: cursor });
      const nextQuery = next
        ? new URLSearchParams({
            ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)),
            cursor: next,
          } as Record<string, string>).toString()
        : null;
      await opPage(req, res, 'audit.njk', {
        title: 'Audit log',
        filter,
        rows: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString(), params: JSON.stringify(r.params) })),
        nextQuery,
      });
    }).get,
  );

  // --- shop users ---------------------------------------------------------------------------
  router.get(
    `${P}/vendor-users`,
    operatorPage(deps, `${P}/vendor-users`, async (req, res) => {
      await opPage(req, res, 'vendor-users.njk', {
        title: 'Shop users',
        users: await listVendorUsers(deps.db),
        values: {},
      });
    }).get,
  );
  router.post(
    `${P}/vendor-users`,
    operatorPage(deps, `${P}/vendor-users`, async (req, res, op) => {
      const values = {
        vendorId: str(req.body.vendorId),
        vendorName: str(req.body.vendorName),
        email: str(req.body.email).toLowerCase(),
        password: typeof req.body.password === 'string' ? req.body.password : '',
      };
      const errors: { field: string; message: string }[] = [];
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(values.vendorId))
        errors.push({ field: 'vendorId', message: 'Vendor id: 2–63 lower-case letters, digits or hyphens' });
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
        errors.push({ field: 'email', message: 'E-mail: not an address' });
      else if (await findVendorUserByEmail(deps.db, values.email))
        errors.push({ field: 'email', message: 'E-mail: a user has it already' });
      if (values.password.length < MIN_PASSWORD_LENGTH)
        errors.push({ field: 'password', message: `Password: at least ${MIN_PASSWORD_LENGTH} characters` });
      const vendor = errors.length ? undefined : await findVendor(deps.db, values.vendorId);
      if (!errors.length && !vendor && !values.vendorName)
        errors.push({ field: 'vendorName', message: 'Shop name: required for a new vendor' });
      if (errors.length) {
        const users = await listVendorUsers(deps.db);
        return opPage(
          req,
          res,
          'vendor-users.njk',
          { title: 'Shop users', users, values: { ...values, password: '' }, errors },
          400,
        );
      }
      if (!vendor) await upsertVendor(deps.db, { id: values.vendorId, name: values.vendorName, email: values.email });
      await insertVendorUser(deps.db, {
        id: randomUUID(),
        vendorId: values.vendorId,
        email: values.email,
        passwordHash: await hashPassword(values.password),
        createdBy: op.sub,
      });
      await flashTo(req, res, `User ${values.email} created for ${values.vendorId}.`, `${P}/vendor-users`);
    }).post,
  );
}
