/**
 * Complaints (R-LOAN-9, R-SEC-1): a customer files a complaint on their own loan and reads their
 * complaints; operators list the queue (earliest due first) and answer in writing. Reads come from
 * the `complaints` table the workflow keeps current; the answer is the workflow's
 * `answerComplaint` update, whose validator refuses an empty or a second answer (400 / 409 naming
 * the field). Someone else's loan is a 404.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  type ComplaintRow,
  deleteUnstartedComplaint,
  findComplaint,
  insertComplaint,
  listComplaints,
  listLoanComplaints,
} from '../../db/complaint-repository';
import { COMPLAINT_LIMITS, COMPLAINT_STATUSES, complaintDeadlines } from '../../domain/complaint';
import { stockholmDate } from '../../domain/dates';
import { complaintWorkflow } from '../../workflows/complaint';
import { answerComplaintUpdate } from '../../workflows/complaint-messages';
import { type ComplaintInput, complaintWorkflowId } from '../../domain/complaint-state';
import type { Principal } from '../auth';
import type { ApiDeps } from '../deps';
import type { LoanRow } from '../../db/loan-repository';
import { findVisibleLoan } from '../loan-access';
import { conflict, isWorkflowGone, notFound, refusalOf, refusalProblem, undoCreate } from '../problem';
import type { ApiRoutes } from '../routing';
import { isoDate } from '../schemas';
import { z } from '../zod';

const TAG = 'complaints';

const loanParams = z.object({ loanId: z.string().min(1).max(100) });
const complaintParams = z.object({ id: z.uuid('not a complaint id') });

export const newComplaintBody = z
  .strictObject({
    subject: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(COMPLAINT_LIMITS.subjectMax, `must be at most ${COMPLAINT_LIMITS.subjectMax} characters`)
      .openapi({ example: 'Dubbel förseningsavgift' }),
    text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(COMPLAINT_LIMITS.textMax, `must be at most ${COMPLAINT_LIMITS.textMax} characters`)
      .openapi({ example: 'Jag har debiterats förseningsavgift två gånger för samma avi.' }),
  })
  .openapi('NewComplaint');

const answerBody = z
  .strictObject({
    answer: z
      .string()
      .max(COMPLAINT_LIMITS.answerMax, `must be at most ${COMPLAINT_LIMITS.answerMax} characters`)
      .describe('the written answer sent to the customer’s mailbox; must not be blank'),
  })
  .openapi('ComplaintAnswer');

const complaintView = z
  .object({
    id: z.string(),
    loanId: z.string(),
    status: z.enum(COMPLAINT_STATUSES),
    receivedOn: isoDate,
    answerDueOn: isoDate.describe('R-LOAN-9: receipt + 14 days'),
    subject: z.string(),
    text: z.string(),
    answeredOn: isoDate.nullable(),
    answer: z.string().nullable(),
    // Operators only:
    customerId: z.string().optional(),
    escalateOn: isoDate.optional().describe('R-LOAN-9: the officer is told on this date if unanswered'),
    escalatedOn: isoDate.nullable().optional(),
    answeredBy: z.string().nullable().optional(),
  })
  .openapi('Complaint');

export function toView(row: ComplaintRow, principal: Principal): z.infer<typeof complaintView> {
  const view = {
    id: row.id,
    loanId: row.loan_id,
    status: row.status as (typeof COMPLAINT_STATUSES)[number],
    receivedOn: row.received_on,
    answerDueOn: row.answer_due_on,
    subject: row.subject,
    text: row.text,
    answeredOn: row.answered_on,
    answer: row.answer,
  };
  if (principal.role !== 'operator') return view;
  return {
    ...view,
    customerId: row.customer_id,
    escalateOn: row.escalate_on,
    escalatedOn: row.escalated_on,
    answeredBy: row.answered_by,
  };
}

/**
 * R-LOAN-9: records the complaint and starts its workflow (answer within 14 days, escalation before
 * then). Shared by the API route and the pages (web/). A failed start removes the row again.
 */
export async function fileComplaint(
  deps: ApiDeps,
  p: Principal,
  loan: LoanRow,
  body: { subject: string; text: string },
): Promise<ComplaintRow> {
  const receivedOn = stockholmDate(new Date());
  const deadlines = complaintDeadlines(receivedOn);
  const input: ComplaintInput = {
    complaintId: randomUUID(),
    loanId: loan.id,
    customerId: p.sub,
    contractNumber: loan.contract_number,
    receivedOn,
    subject: body.subject,
  };
  const workflowId = complaintWorkflowId(input.complaintId);
  // The row first, so the complaint can be read as soon as this answers.
  const row = await insertComplaint(deps.db, {
    id: input.complaintId,
    loanId: loan.id,
    customerId: p.sub,
    workflowId,
    receivedOn,
    escalateOn: deadlines.escalateOn,
    answerDueOn: deadlines.answerDueOn,
    subject: body.subject,
    text: body.text,
  });
  try {
    await deps.temporal.workflow.start(complaintWorkflow, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
      staticSummary: `Complaint ${input.complaintId} on loan ${loan.contract_number}`,
    });
  } catch (err) {
    // Already started: an earlier attempt of this very call got through; carry on.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      // No workflow, no complaint: a row nothing would ever answer or escalate is removed again.
      await undoCreate(deps.logger, 'complaint', input.complaintId, err, () =>
        deleteUnstartedComplaint(deps.db, input.complaintId),
      );
    }
  }
  return row;
}

/** R-LOAN-9: an operator's written answer (to the customer's mailbox); shared with web/operator. */
export async function answerComplaint(deps: ApiDeps, p: Principal, id: string, answer: string) {
  const row = await findComplaint(deps.db, id);
  if (!row) throw notFound(`no complaint ${id}`);
  if (row.status === 'ANSWERED') throw conflict('the complaint has already been answered');
  try {
    await deps.temporal.workflow
      .getHandle<typeof complaintWorkflow>(row.workflow_id)
      .executeUpdate(answerComplaintUpdate, { args: [{ answer: answer, answeredBy: p.sub }] });
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) throw refusalProblem(refused);
    if (isWorkflowGone(err)) {
      // The workflow has closed meanwhile: another answer came first, if the row says so.
      const now = await findComplaint(deps.db, id);
      if (now?.status === 'ANSWERED') throw conflict('the complaint has already been answered');
      // No workflow and no answer: nothing can take this answer (a row whose workflow never ran).
      deps.logger.error({ complaintId: id }, 'complaint has no workflow to take its answer');
      throw conflict('the complaint cannot be answered: its workflow is not running');
    }
    throw err;
  }
  const answered = await findComplaint(deps.db, id);
  return toView(answered!, p);
}

export function complaintRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/loans/:loanId/complaints',
    operationId: 'fileComplaint',
    summary: 'File a complaint on one of your loans (R-LOAN-9)',
    description:
      'The complaint is answered in writing (a message in your mailbox) within 14 days of receipt; an unanswered ' +
      'complaint is escalated to the complaints officer before then. You get a written receipt with the due date.',
    tags: [TAG],
    auth: ['customer'],
    params: loanParams,
    body: newComplaintBody,
    responses: {
      201: { description: 'received', schema: complaintView },
      503: { description: 'the workflow service is unavailable: nothing was filed, try again' },
    },
    handler: async ({ params, body, principal, res }) => {
      const p = principal!;
      const loan = await findVisibleLoan(deps.db, p, params.loanId);
      const row = await fileComplaint(deps, p, loan, body);
      res.setHeader('location', `/v1/loans/${loan.id}/complaints`);
      return { status: 201, body: toView(row, p) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId/complaints',
    operationId: 'listLoanComplaints',
    summary: 'The complaints on a loan, newest first',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: loanParams,
    responses: { 200: { description: 'the complaints', schema: z.object({ items: z.array(complaintView) }) } },
    handler: async ({ params, principal }) => {
      const loan = await findVisibleLoan(deps.db, principal!, params.loanId);
      const rows = await listLoanComplaints(deps.db, loan.id);
      return { status: 200, body: { items: rows.map((r) => toView(r, principal!)) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/complaints',
    operationId: 'listComplaints',
    summary: 'The complaints queue, earliest answer due date first (R-LOAN-9)',
    tags: [TAG],
    auth: ['operator'],
    query: z.strictObject({
      status: z.enum(COMPLAINT_STATUSES).optional().describe('RECEIVED, ESCALATED or ANSWERED; all when absent'),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'the complaints', schema: z.object({ items: z.array(complaintView) }) } },
    handler: async ({ query, principal }) => {
      const rows = await listComplaints(deps.db, query.status ? { status: query.status } : {}, {
        limit: query.limit,
        offset: query.offset,
      });
      return { status: 200, body: { items: rows.map((r) => toView(r, principal!)) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/complaints/:id',
    operationId: 'getComplaint',
    summary: 'One complaint',
    tags: [TAG],
    auth: ['operator'],
    params: complaintParams,
    responses: { 200: { description: 'the complaint', schema: complaintView } },
    handler: async ({ params, principal }) => {
      const row = await findComplaint(deps.db, params.id);
      if (!row) throw notFound(`no complaint ${params.id}`);
      return { status: 200, body: toView(row, principal!) };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/complaints/:id/answer',
    operationId: 'answerComplaint',
    summary: 'Answer a complaint in writing (R-LOAN-9)',
    description:
      'The answer goes to the customer’s mailbox and closes the complaint, escalated or not. A blank answer is 400 ' +
      '(`body.answer`); a complaint already answered is 409.',
    tags: [TAG],
    auth: ['operator'],
    params: complaintParams,
    body: answerBody,
    responses: {
      200: { description: 'answered', schema: complaintView },
      409: { description: 'already answered, or the complaint’s workflow is not running' },
    },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: await answerComplaint(deps, principal!, params.id, body.answer),
    }),
  });
}
