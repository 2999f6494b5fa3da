/**
 * Receipts of a payment made elsewhere (R-COLL-2): the debtor uploads the scan (a file of its own
 * upload, up to 5 MB) and sends the receipt to the case's workflow to be checked; an operator reads
 * the file and accepts the receipt (the payment is registered) or rejects it with a reason.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { CaseListRow } from '../../../db/collection-case-repository';
import {
  findReceipt,
  findReceiptFileOfCase,
  listReceipts,
  readReceiptFile,
  type ReceiptRow,
} from '../../../db/collection-self-service-repository';
import { COLLECTION_SELF_SERVICE_PARAMETERS, RECEIPT_FILE_TYPES } from '../../../domain/collection-self-service';
import { decideReceiptUpdate, submitReceiptUpdate } from '../../../workflows/collection-case-self-service-messages';
import type { Principal } from '../../auth';
import { actOnCollectionCase, caseParams, COLLECTION_TAG, money, visibleCollectionCase } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import { storeCollectionReceiptFile } from '../../collection-receipt-files';
import { notFound, orProblem, ProblemError } from '../../problem';
import type { ApiRoutes } from '../../routing';
import { isoDate, positiveAmountString } from '../../schemas';
import { z } from '../../zod';

const uuid = z.string().uuid();

const receiptSchema = z
  .object({
    id: z.string(),
    bankReference: z.string(),
    paidOn: isoDate,
    amount: money,
    status: z.enum(['CHECKING', 'ACCEPTED', 'REJECTED']),
    submittedOn: isoDate,
    hasFile: z.boolean(),
    decidedOn: isoDate.nullable(),
    reason: z.string().nullable().describe('why a receipt was rejected'),
    paymentId: z.string().nullable().describe('the payment an accepted receipt registered'),
  })
  .openapi('CollectionReceipt');

const toReceipt = (r: ReceiptRow) => ({
  id: r.id,
  bankReference: r.bank_reference,
  paidOn: r.paid_on,
  amount: r.amount,
  status: r.status,
  submittedOn: r.submitted_on,
  hasFile: r.file_id !== null,
  decidedOn: r.decided_on,
  reason: r.reason,
  paymentId: r.payment_id,
});

export type CollectionReceiptView = ReturnType<typeof toReceipt>;

/** The receipts sent on a case, oldest first (the API's and Mina sidor's list). */
export async function collectionReceipts(deps: ApiDeps, row: CaseListRow): Promise<CollectionReceiptView[]> {
  return (await listReceipts(deps.db, row.id)).map(toReceipt);
}

/** R-COLL-2: a receipt of a payment made elsewhere, sent to the case's workflow to be checked. */
export async function submitCollectionReceipt(
  deps: ApiDeps,
  principal: Principal,
  row: CaseListRow,
  body: { bankReference: string; paidOn: string; amount: string; fileId?: string | undefined },
): Promise<CollectionReceiptView> {
  if (body.fileId && !(await findReceiptFileOfCase(deps.db, row.id, body.fileId))) {
    throw new ProblemError(400, 'Bad Request', 'no such file on this case', [
      { field: 'body.fileId', message: 'upload the file to this case first' },
    ]);
  }
  const receiptId = randomUUID();
  await actOnCollectionCase(deps, row, (h) =>
    h.executeUpdate(submitReceiptUpdate, {
      args: [
        {
          actor: principal.sub,
          receiptId,
          bankReference: body.bankReference,
          paidOn: body.paidOn,
          amount: body.amount,
          ...(body.fileId ? { fileId: body.fileId } : {}),
        },
      ],
    }),
  );
  return toReceipt((await findReceipt(deps.db, receiptId))!);
}

export function receiptRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  // R-COLL-2: this route alone takes a body of up to 5 MB, as bytes (the JSON parser skips it).
  routes.router.post(
    '/v1/collection-cases/:caseNumber/receipt-files',
    express.raw({ type: () => true, limit: COLLECTION_SELF_SERVICE_PARAMETERS.receiptFileMaxBytes }),
  );
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/receipt-files',
    operationId: 'uploadCollectionReceiptFile',
    summary: 'Upload the scan of a receipt (PDF, JPEG or PNG, at most 5 MB) before sending the receipt',
    description:
      'The body is the file itself, with its content type. Its content must be what the type says (checked by its ' +
      'first bytes). Answers the file id to name in `POST …/receipts`.',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    rawBody: { mediaTypes: RECEIPT_FILE_TYPES, description: 'the file' },
    responses: {
      201: {
        description: 'stored',
        schema: z
          .object({ fileId: z.string(), contentType: z.string(), size: z.number().int() })
          .openapi('CollectionReceiptFile'),
      },
    },
    handler: async ({ params, principal, req }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const stored = orProblem(
        await storeCollectionReceiptFile(deps, principal!, row, { declaredType: req.get('content-type') ?? '', bytes }),
        { bodyPrefix: '' },
      );
      return { status: 201, body: stored };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/receipts',
    operationId: 'submitCollectionReceipt',
    summary: 'Send a receipt of a payment made elsewhere: an operator checks it; meanwhile no enforcement',
    description:
      'Accepted, the payment is registered to the case at its date; rejected, the customer is told why and the ' +
      'timeline resumes. While any receipt is being checked the case is not sent to the enforcement authority.',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams,
    body: z
      .strictObject({
        bankReference: z.string().trim().min(1).max(100),
        paidOn: isoDate,
        amount: positiveAmountString,
        fileId: uuid.optional(),
      })
      .openapi('CollectionReceiptRequest'),
    responses: {
      201: { description: 'received: being checked', schema: receiptSchema },
      409: { description: 'the case has ended' },
    },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return { status: 201, body: await submitCollectionReceipt(deps, principal!, row, body) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/receipts',
    operationId: 'listCollectionReceipts',
    summary: 'The receipts sent on a case and how each was decided',
    tags: [COLLECTION_TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'oldest first', schema: z.object({ items: z.array(receiptSchema) }) } },
    handler: async ({ params, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      return { status: 200, body: { items: await collectionReceipts(deps, row) } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/receipts/:receiptId/decision',
    operationId: 'decideCollectionReceipt',
    summary: 'Accept a receipt (the payment is registered through the payment path) or reject it with a reason',
    tags: [COLLECTION_TAG],
    auth: ['operator'],
    params: caseParams.extend({ receiptId: uuid }),
    body: z
      .strictObject({
        outcome: z.enum(['accepted', 'rejected']),
        reason: z.string().trim().min(1).max(4000).optional().describe('required when rejected; the customer reads it'),
      })
      .openapi('CollectionReceiptDecision'),
    responses: {
      200: { description: 'decided', schema: receiptSchema },
      409: { description: 'the receipt is not being checked, or the case has ended' },
    },
    handler: async ({ params, body, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      const receipt = await findReceipt(deps.db, params.receiptId);
      if (!receipt || receipt.case_id !== row.id) throw notFound(`no receipt ${params.receiptId} on this case`);
      await actOnCollectionCase(
        deps,
        row,
        (h) =>
          h.executeUpdate(decideReceiptUpdate, {
            args: [
              {
                actor: principal!.sub,
                receiptId: receipt.id,
                outcome: body.outcome,
                ...(body.reason ? { reason: body.reason } : {}),
              },
            ],
          }),
        { params: ['receiptId'], body: ['outcome', 'reason'] },
      );
      return { status: 200, body: toReceipt((await findReceipt(deps.db, receipt.id))!) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/collection-receipt-files/:fileId',
    operationId: 'readCollectionReceiptFile',
    summary: 'The file sent with a receipt, as it was uploaded',
    tags: [COLLECTION_TAG],
    auth: ['operator'],
    params: z.object({ fileId: uuid }),
    responses: {
      200: {
        description: 'the file',
        mediaType: RECEIPT_FILE_TYPES,
      },
    },
    handler: async ({ params, res }) => {
      const file = await readReceiptFile(deps.db, params.fileId);
      if (!file) throw notFound(`no file ${params.fileId}`);
      res.status(200).type(file.content_type).setHeader('content-disposition', 'attachment');
      res.end(file.content);
      return { status: 200 };
    },
  });
}
