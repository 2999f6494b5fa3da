import type { Db } from './database';

/** Inserts once per idempotency key and returns the stored row (the first one on a repeat). */
export async function recordDiagnosticRun(
  db: Db,
  input: { idempotencyKey: string; workflowId: string; requestedBy: string },
) {
  await db
    .insertInto('diagnostic_runs')
    .values({ id: input.idempotencyKey, workflow_id: input.workflowId, requested_by: input.requestedBy })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('diagnostic_runs').selectAll().where('id', '=', input.idempotencyKey).executeTakeFirstOrThrow();
}

export async function countDiagnosticRuns(db: Db, workflowId: string): Promise<number> {
  const row = await db
    .selectFrom('diagnostic_runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workflow_id', '=', workflowId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
