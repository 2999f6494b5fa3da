import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from '../zod';
import { type DiagnosticsResult, diagnosticsWorkflow } from '../../workflows/diagnostics';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import type { ApiRoutes } from '../routing';

const THIRTY_DAYS_MS = 30 * 86_400_000;

const startBody = z
  .strictObject({
    sleepSeconds: z
      .number()
      .int()
      .min(0)
      .max(THIRTY_DAYS_MS / 1000)
      .default(0),
  })
  .openapi('DiagnosticsRequest');
const started = z.object({ workflowId: z.string(), runId: z.string() }).openapi('DiagnosticsStarted');
const statusSchema = z
  .object({
    workflowId: z.string(),
    status: z.string().describe('Temporal execution status, e.g. RUNNING, COMPLETED'),
    historyLength: z.number().int(),
    result: z.object({ recordedAt: z.string(), startedAt: z.string(), finishedAt: z.string() }).nullable(),
  })
  .openapi('DiagnosticsStatus');
const idParams = z.object({
  workflowId: z.string().regex(/^diagnostics-[0-9a-f-]{36}$/, 'not a diagnostics workflow id'),
});

export function diagnosticsRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/operator/diagnostics',
    operationId: 'startDiagnostics',
    summary: 'Start an end-to-end diagnostics workflow (API → Temporal → worker → PostgreSQL)',
    tags: ['operations'],
    auth: ['operator'],
    body: startBody,
    responses: { 202: { description: 'started', schema: started } },
    handler: async ({ body, principal }) => {
      const handle = await deps.temporal.workflow.start(diagnosticsWorkflow, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: `diagnostics-${randomUUID()}`,
        args: [{ requestedBy: principal!.sub, sleepMs: body.sleepSeconds * 1000 }],
      });
      return { status: 202, body: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/diagnostics/:workflowId',
    operationId: 'getDiagnostics',
    summary: 'Status and result of a diagnostics workflow',
    tags: ['operations'],
    auth: ['operator'],
    params: idParams,
    responses: { 200: { description: 'the run', schema: statusSchema } },
    handler: async ({ params }) => {
      const handle = deps.temporal.workflow.getHandle(params.workflowId);
      try {
        const description = await handle.describe();
        const status = description.status.name;
        const result = status === 'COMPLETED' ? ((await handle.result()) as DiagnosticsResult) : null;
        return {
          status: 200,
          body: { workflowId: params.workflowId, status, historyLength: description.historyLength, result },
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(`no diagnostics workflow ${params.workflowId}`);
        throw err;
      }
    },
  });
}
