import { sql } from 'kysely';
import { z } from '../zod';
import type { ApiDeps } from '../deps';
import type { ApiRoutes } from '../routing';

const checkSchema = z.object({ status: z.enum(['ok', 'failing']), detail: z.string().optional() });
const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.object({ postgres: checkSchema, temporal: checkSchema }),
  })
  .openapi('Readiness');

async function check(probe: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  try {
    await probe();
    return { status: 'ok' };
  } catch (err) {
    return { status: 'failing', detail: (err as Error).message.split('\n')[0] };
  }
}

export function healthRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    auth: 'public',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 200, body: { status: 'ok' } }),
  });

  routes.add({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: PostgreSQL and Temporal answer',
    tags: ['operations'],
    auth: 'public',
    responses: {
      200: { description: 'ready', schema: readinessSchema },
      503: { description: 'a dependency is failing', schema: readinessSchema, mediaType: 'application/json' },
    },
    handler: async () => {
      const [postgres, temporal] = await Promise.all([
        check(() => sql`select 1`.execute(deps.db)),
        check(() =>
          deps.temporal.connection.withDeadline(Date.now() + 3000, () =>
            deps.temporal.workflowService.getSystemInfo({}),
          ),
        ),
      ]);
      const ready = postgres.status === 'ok' && temporal.status === 'ok';
      return {
        status: ready ? 200 : 503,
        body: { status: ready ? 'ready' : 'not-ready', checks: { postgres, temporal } },
      };
    },
  });
}
