/**
 * The original invoices of the loan behind a case (R-COLL-2): the debtor or an operator reads them,
 * and the debtor orders a copy of one by post (the case workflow's update).
 */
import { findInvoice, listInvoices } from '../../../db/loan-repository';
import { orderInvoiceCopyUpdate } from '../../../workflows/collection-case-messages';
import {
  caseActionResult,
  caseParams,
  caseSchema,
  COLLECTION_TAG,
  money,
  visibleCollectionCase,
} from '../../collection-case';
import type { ApiDeps } from '../../deps';
import { notFound } from '../../problem';
import type { ApiRoutes } from '../../routing';
import { isoDate } from '../../schemas';
import { z } from '../../zod';

export function invoiceRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/invoices',
    operationId: 'listCollectionCaseInvoices',
    summary: 'The original invoices of the loan behind the case (R-COLL-2)',
    tags: [COLLECTION_TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: {
      200: {
        description: 'the invoices, oldest first',
        schema: z.object({
          items: z.array(
            z.object({
              number: z.number().int(),
              issueDate: isoDate,
              dueDate: isoDate,
              total: money,
              lines: z.array(z.object({ kind: z.string(), amount: money })),
            }),
          ),
        }),
      },
    },
    handler: async ({ params, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      const invoices = await listInvoices(deps.db, row.loan_id);
      return {
        status: 200,
        body: {
          items: invoices.map((i) => ({
            number: i.number,
            issueDate: i.issue_date,
            dueDate: i.due_date,
            total: i.total,
            lines: i.lines,
          })),
        },
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/invoices/:invoiceNumber/copy',
    operationId: 'orderCollectionInvoiceCopy',
    summary: 'Order a copy of an original invoice by post (R-COLL-2)',
    tags: [COLLECTION_TAG],
    auth: ['customer'],
    params: caseParams.extend({ invoiceNumber: z.coerce.number().int().min(1).max(999) }),
    responses: { 200: { description: 'ordered', schema: caseSchema }, 404: { description: 'no such invoice' } },
    handler: async ({ params, principal }) => {
      const row = await visibleCollectionCase(deps, principal, params.caseNumber);
      if (!(await findInvoice(deps.db, row.loan_id, params.invoiceNumber))) {
        throw notFound(`no invoice ${params.invoiceNumber} on case ${params.caseNumber}`);
      }
      return caseActionResult(deps, row, (h) =>
        h.executeUpdate(orderInvoiceCopyUpdate, {
          args: [{ actor: principal!.sub, invoiceNumber: params.invoiceNumber }],
        }),
      );
    },
  });
}
