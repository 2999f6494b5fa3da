/**
 * `/v1/sandbox/...` (sandbox mode only; never mounted in production): steer the adapter doubles as
 * the outside world would: register a person at the credit bureau, complete or fail a BankID order,
 * complete or fail an open-banking income verification (and tell the application, as the provider's
 * callback would), read the sent mail, SMS, letters and payouts, and make the autogiro service
 * refuse draws. Public, like the doubles themselves.
 */
import { type SandboxSteering, SandboxSteeringError } from '../../adapters';
import { FAILED_HINT_CODES } from '../../adapters/bankid';
import { findApplication } from '../../db/application-repository';
import { incomeVerificationSignal } from '../../workflows/application-messages';
import type { ApiDeps } from '../deps';
import { badRequest, conflict, notFound } from '../problem';
import type { ApiRoutes } from '../routing';
import { amountString, personnummerString } from '../schemas';
import { z } from '../zod';

const TAG = 'sandbox';

async function steer<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SandboxSteeringError) {
      if (err.kind === 'not_found') throw notFound(err.message);
      if (err.kind === 'conflict') throw conflict(err.message);
      throw badRequest(err.message);
    }
    throw err;
  }
}

const anyList = z.object({ items: z.array(z.record(z.string(), z.unknown())) });
const anyObject = z.record(z.string(), z.unknown());

export function sandboxRoutes(routes: ApiRoutes, sandbox: SandboxSteering, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/sandbox/bureau/persons',
    operationId: 'sandboxRegisterBureauPerson',
    summary: 'Register (or replace) a person at the sandbox credit bureau',
    description:
      'Unregistered people get a default profile that passes R-APP-1 (taxed income 400 000). Fields not given keep ' +
      'the defaults.',
    tags: [TAG],
    auth: 'public',
    body: z
      .strictObject({
        personnummer: personnummerString,
        registeredInSweden: z.boolean().optional(),
        taxedAnnualIncome: amountString.optional(),
        paymentRemarks: z.number().int().min(0).optional(),
        enforcementDebt: amountString.optional(),
      })
      .openapi('SandboxBureauPerson'),
    responses: { 201: { description: 'the profile', schema: anyObject } },
    handler: async ({ body }) => {
      const { personnummer: pnr, ...profile } = body;
      const defined = Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined));
      return { status: 201, body: await steer(() => sandbox.bureau.registerPerson(pnr, defined)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/bureau/late-payment-reports',
    operationId: 'sandboxListLatePaymentReports',
    summary: 'Late payments reported to the sandbox credit bureau (R-LOAN-11), oldest first',
    description: 'A repeated report under the same idempotency key is not a new one.',
    tags: [TAG],
    auth: 'public',
    query: z.strictObject({
      creditReference: z.string().optional().describe('only reports on this credit (contract number)'),
    }),
    responses: { 200: { description: 'the reports', schema: anyList } },
    handler: async ({ query }) => {
      const all = await steer(() => sandbox.bureau.listLatePaymentReports());
      const items = query.creditReference ? all.filter((r) => r.creditReference === query.creditReference) : all;
      return { status: 200, body: { items } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/bankid/orders',
    operationId: 'sandboxListBankIdOrders',
    summary: 'BankID orders at the sandbox (newest last)',
    tags: [TAG],
    auth: 'public',
    responses: { 200: { description: 'the orders', schema: anyList } },
    handler: async () => ({ status: 200, body: { items: await steer(() => sandbox.bankId.listOrders()) } }),
  });

  const orderParams = z.object({ orderRef: z.string().min(1).max(100) });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/bankid/orders/:orderRef/complete',
    operationId: 'sandboxCompleteBankIdOrder',
    summary: 'The person identifies or signs in the BankID app',
    description: 'Without `personnummer` the person the order requires completes it; another person is refused (409).',
    tags: [TAG],
    auth: 'public',
    params: orderParams,
    body: z.strictObject({ personnummer: personnummerString.optional() }).openapi('SandboxBankIdCompletion'),
    responses: { 200: { description: 'the order', schema: anyObject } },
    handler: async ({ params, body }) => ({
      status: 200,
      body: await steer(() => sandbox.bankId.completeOrder(params.orderRef, body.personnummer)),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/bankid/orders/:orderRef/fail',
    operationId: 'sandboxFailBankIdOrder',
    summary: 'The BankID order fails (userCancel, expiredTransaction, …)',
    tags: [TAG],
    auth: 'public',
    params: orderParams,
    body: z.strictObject({ hintCode: z.enum(FAILED_HINT_CODES).default('userCancel') }).openapi('SandboxBankIdFailure'),
    responses: { 200: { description: 'the order', schema: anyObject } },
    handler: async ({ params, body }) => ({
      status: 200,
      body: await steer(() => sandbox.bankId.failOrder(params.orderRef, body.hintCode)),
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/income-verifications',
    operationId: 'sandboxListIncomeVerifications',
    summary: 'Open-banking income verifications at the sandbox',
    tags: [TAG],
    auth: 'public',
    responses: { 200: { description: 'the verifications', schema: anyList } },
    handler: async () => ({ status: 200, body: { items: await steer(() => sandbox.openBanking.listVerifications()) } }),
  });

  /** The provider's callback: the application learns of the change at once (R-APP-7). */
  const notifyApplication = async (applicationId: string, verificationId: string) => {
    const row = await findApplication(deps.db, applicationId);
    if (!row) return;
    try {
      await deps.temporal.workflow.getHandle(row.workflow_id).signal(incomeVerificationSignal, { verificationId });
    } catch {
      // A closed application no longer waits; the verification result stays at the provider.
    }
  };
  const verificationParams = z.object({ verificationId: z.string().min(1).max(100) });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/income-verifications/:verificationId/complete',
    operationId: 'sandboxCompleteIncomeVerification',
    summary: 'The applicant consents and the provider finds this net monthly income',
    tags: [TAG],
    auth: 'public',
    params: verificationParams,
    body: z.strictObject({ monthlyIncome: amountString.openapi({ example: '32000.00' }) }).openapi('SandboxIncome'),
    responses: { 200: { description: 'the verification', schema: anyObject } },
    handler: async ({ params, body }) => {
      const v = await steer(() => sandbox.openBanking.completeVerification(params.verificationId, body.monthlyIncome));
      await notifyApplication(v.applicationId, v.verificationId);
      return { status: 200, body: v };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/income-verifications/:verificationId/fail',
    operationId: 'sandboxFailIncomeVerification',
    summary: 'The applicant declines consent, or no income is found',
    tags: [TAG],
    auth: 'public',
    params: verificationParams,
    body: z.strictObject({ reason: z.string().min(1).max(100).optional() }).openapi('SandboxIncomeFailure'),
    responses: { 200: { description: 'the verification', schema: anyObject } },
    handler: async ({ params, body }) => {
      const v = await steer(() => sandbox.openBanking.failVerification(params.verificationId, body.reason));
      await notifyApplication(v.applicationId, v.verificationId);
      return { status: 200, body: v };
    },
  });

  const toQuery = z.strictObject({ to: z.string().optional().describe('only messages to this recipient') });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/emails',
    operationId: 'sandboxListEmails',
    summary: 'Mail the sandbox SMTP server received',
    tags: [TAG],
    auth: 'public',
    query: toQuery,
    responses: { 200: { description: 'the messages, oldest first', schema: anyList } },
    handler: async ({ query }) => ({
      status: 200,
      body: { items: await steer(() => sandbox.email.listMessages(query.to ? { to: query.to } : {})) },
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/sms',
    operationId: 'sandboxListSms',
    summary: 'SMS the sandbox gateway received',
    tags: [TAG],
    auth: 'public',
    query: toQuery,
    responses: { 200: { description: 'the messages, oldest first', schema: anyList } },
    handler: async ({ query }) => ({
      status: 200,
      body: { items: await steer(() => sandbox.sms.listMessages(query.to ? { to: query.to } : {})) },
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/letters',
    operationId: 'sandboxListLetters',
    summary: 'Letters the sandbox print-and-post service received (R-LOAN-3, R-LOAN-11)',
    tags: [TAG],
    auth: 'public',
    query: z.strictObject({
      customerId: z.string().optional().describe('only letters addressed by this customer id'),
    }),
    responses: { 200: { description: 'the letters, oldest first', schema: anyList } },
    handler: async ({ query }) => ({
      status: 200,
      body: {
        items: await steer(() => sandbox.post.listLetters(query.customerId ? { customerId: query.customerId } : {})),
      },
    }),
  });

  // R-PAY-3: the direct-debit (autogiro) double: what it drew, and refusals on demand.
  routes.add({
    method: 'get',
    path: '/v1/sandbox/direct-debit/draws',
    operationId: 'sandboxListDirectDebitDraws',
    summary: 'Draws the sandbox direct-debit service took (a retried request is not a new draw)',
    tags: [TAG],
    auth: 'public',
    query: z.strictObject({ mandate: z.string().optional().describe('only draws on this mandate (id or reference)') }),
    responses: {
      200: { description: 'the draws, oldest first', schema: anyList },
      404: { description: 'no such mandate' },
    },
    handler: async ({ query }) => ({
      status: 200,
      body: {
        items: await steer(() => sandbox.directDebit.listDraws(query.mandate ? { mandate: query.mandate } : {})),
      },
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/direct-debit/mandates/:mandate/refuse',
    operationId: 'sandboxRefuseDirectDebitDraws',
    summary: 'The payer’s bank refuses draws: for insufficient funds, or the payer cancelled the mandate',
    description:
      '`insufficient_funds`: the next `count` draws (all, until cleared, without a count) are refused. ' +
      '`mandate_cancelled`: the mandate is cancelled at the bank and every later draw is refused. `mandate` is the ' +
      'engine’s mandate id (the reference it registered) or the service’s.',
    tags: [TAG],
    auth: 'public',
    params: z.object({ mandate: z.string().min(1).max(100) }),
    body: z
      .strictObject({
        reason: z.enum(['insufficient_funds', 'mandate_cancelled']),
        count: z.number().int().min(1).max(1000).optional(),
      })
      .openapi('SandboxDirectDebitRefusal'),
    responses: { 200: { description: 'the mandate at the service', schema: anyObject } },
    handler: async ({ params, body }) => ({
      status: 200,
      body: await steer(() => sandbox.directDebit.refuseDraws(params.mandate, body.reason, body.count)),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/direct-debit/mandates/:mandate/clear',
    operationId: 'sandboxClearDirectDebitRefusals',
    summary: 'The payer’s account has money again: draws on the mandate are paid',
    tags: [TAG],
    auth: 'public',
    params: z.object({ mandate: z.string().min(1).max(100) }),
    responses: { 200: { description: 'the mandate at the service', schema: anyObject } },
    handler: async ({ params }) => ({
      status: 200,
      body: await steer(() => sandbox.directDebit.clearRefusals(params.mandate)),
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/sandbox/payouts',
    operationId: 'sandboxListPayouts',
    summary: 'Payouts the sandbox bank accepted (a retried request is not a new payout)',
    tags: [TAG],
    auth: 'public',
    responses: { 200: { description: 'the payouts, oldest first', schema: anyList } },
    handler: async () => ({ status: 200, body: { items: await steer(() => sandbox.bankPayout.listPayouts()) } }),
  });

  routes.add({
    method: 'post',
    path: '/v1/sandbox/payouts/:payoutId/execute',
    operationId: 'sandboxExecutePayout',
    summary: 'The bank executes a payout now (as if its execution date had come)',
    tags: [TAG],
    auth: 'public',
    params: z.object({ payoutId: z.string().min(1).max(100) }),
    responses: { 200: { description: 'the payout', schema: anyObject } },
    handler: async ({ params }) => ({
      status: 200,
      body: await steer(() => sandbox.bankPayout.executePayout(params.payoutId)),
    }),
  });
}
