/**
 * R-PAY-2: Bankgirot BgMax files uploaded by an operator (audited like every operator request):
 * imported at most once, completely or not at all (api/payment-files.ts), with a report that stays
 * readable. The body is the file as Bankgirot delivers it: ISO-8859-1 text, at most
 * {@link PAYMENT_FILE_MAX_BYTES}.
 */
import { findPaymentFile } from '../../db/payment-file-repository';
import type { ApiDeps } from '../deps';
import { importBgMaxFile, type PaymentFileReport } from '../payment-files';
import { badRequest, conflict, notFound, workflowUnavailable } from '../problem';
import type { ApiRoutes } from '../routing';
import { stockholmToday } from '../schemas';
import { z } from '../zod';

/** A BgMax record is 82 bytes with its line end: 10 MB is some 120 000 records, far beyond a day's file. */
export const PAYMENT_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const PAYMENT_FILE_MEDIA_TYPES = ['text/plain', 'application/octet-stream'];

const amount = z.string();
const reportSchema = z
  .object({
    fileId: z.string(),
    format: z.literal('bgmax'),
    identity: z.string().describe('the start record’s timestamp and the payee bankgiros: imported at most once'),
    contentHash: z.string().describe('sha256 of the file’s bytes'),
    test: z.boolean().describe('Bankgirot’s test mark (T)'),
    importedOn: z.string(),
    deposits: z.array(z.object({ serial: z.string(), paymentDate: z.string(), amount, payments: z.number().int() })),
    records: z.number().int().describe('payment and deduction records in the file'),
    count: z.number().int().describe('payments registered'),
    total: amount,
    matched: z.object({ count: z.number().int(), total: amount }),
    suspense: z.object({ count: z.number().int(), total: amount }),
    refused: z.array(z.object({ line: z.number().int(), amount, reason: z.string() })),
    payments: z.array(
      z.object({
        line: z.number().int(),
        paymentId: z.string(),
        bankReference: z.string(),
        ocrReference: z.string(),
        amount,
        paymentDate: z.string(),
        status: z.enum(['RECEIVED', 'APPLIED', 'SUSPENSE']).describe('now (at import: RECEIVED or SUSPENSE)'),
        loanId: z.string().nullable(),
      }),
    ),
  })
  .openapi('PaymentFileReport');

export function paymentFileRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/payment-files',
    operationId: 'importPaymentFile',
    summary: 'Import a Bankgirot BgMax file of incoming payments',
    description:
      'The file as Bankgirot delivers it (ISO-8859-1, 80-character records). A malformed file is refused whole ' +
      '(400 naming the line and the reason) and nothing of it is stored. Each payment is registered as by ' +
      'POST /v1/payments (matched by OCR reference, else to the suspense list). The same file again answers 200 with ' +
      'the first import’s report; another file claiming the same identity is a 409.',
    tags: ['payments'],
    auth: ['operator'],
    rawBody: { mediaTypes: ['text/plain', 'application/octet-stream'], description: 'the BgMax file (Latin-1)' },
    responses: {
      201: { description: 'imported: the report', schema: reportSchema },
      200: { description: 'imported before: the first import’s report', schema: reportSchema },
      409: { description: 'another file with the same identity was imported' },
      503: {
        description: 'the workflow service is unavailable: the file is imported, repeat the request to apply it',
      },
    },
    handler: async ({ req, principal }) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw badRequest('the body is the BgMax file', [
          { field: 'body', message: `send the file as ${PAYMENT_FILE_MEDIA_TYPES.join(' or ')}` },
        ]);
      const outcome = await importBgMaxFile(
        { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE },
        req.body,
        { operator: principal!.sub, today: stockholmToday() },
      );
      if (outcome.kind === 'malformed')
        throw badRequest(`the file is refused whole: line ${outcome.line}: ${outcome.reason}`, [
          { field: 'body', message: `line ${outcome.line}: ${outcome.reason}` },
        ]);
      if (outcome.kind === 'conflict') throw conflict(outcome.detail);
      if (outcome.startFailures > 0)
        throw workflowUnavailable(
          `the workflow service is unavailable: file ${outcome.report.fileId} is imported, and the same request ` +
            `starts its ${outcome.startFailures} payment(s) not yet started`,
        );
      return { status: outcome.kind === 'imported' ? 201 : 200, body: await withCurrentStatus(outcome.report) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/payment-files/:fileId',
    operationId: 'getPaymentFile',
    summary: 'The report of an imported payment file',
    tags: ['payments'],
    auth: ['operator'],
    params: z.object({ fileId: z.string().uuid('not a payment file id') }),
    responses: { 200: { description: 'the report, with each payment’s status now', schema: reportSchema } },
    handler: async ({ params }) => {
      const file = await findPaymentFile(deps.db, params.fileId);
      if (!file) throw notFound(`no payment file ${params.fileId}`);
      return { status: 200, body: await withCurrentStatus(file.report as PaymentFileReport) };
    },
  });

  /** The stored report with each payment's status and loan as they are now (applied, assigned). */
  async function withCurrentStatus(report: PaymentFileReport): Promise<PaymentFileReport> {
    const ids = report.payments.map((p) => p.paymentId);
    if (ids.length === 0) return report;
    const rows = await deps.db
      .selectFrom('payments')
      .select(['id', 'status', 'loan_id'])
      .where('id', 'in', ids)
      .execute();
    const now = new Map(rows.map((r) => [r.id, r]));
    return {
      ...report,
      payments: report.payments.map((p) => ({
        ...p,
        status: now.get(p.paymentId)?.status ?? p.status,
        loanId: now.get(p.paymentId)?.loan_id ?? p.loanId,
      })),
    };
  }
}
