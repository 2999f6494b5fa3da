/** Workflow histories of a continue-as-new chain: how many events each run wrote, and of which type. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface RunHistory {
  runId: string;
  historyEvents: number;
  /** Event counts by type, e.g. `ACTIVITY_TASK_SCHEDULED: 24`. */
  eventTypes: Record<string, number>;
}

const EVENT_TYPE_NAMES = temporal.api.enums.v1.EventType;

function eventTypeName(type: temporal.api.enums.v1.EventType | null | undefined): string {
  const name = type === null || type === undefined ? undefined : EVENT_TYPE_NAMES[type];
  return (name ?? `UNKNOWN_${String(type)}`).replace(/^EVENT_TYPE_/, '');
}

/** Every run of a workflow chain (continue-as-new), first to last. */
export async function workflowChain(client: Client, workflowId: string, firstRunId: string): Promise<RunHistory[]> {
  const runs: RunHistory[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: { events?: temporal.api.history.v1.IHistoryEvent[] | null } = await client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const eventTypes: Record<string, number> = {};
    for (const e of events) {
      const name = eventTypeName(e.eventType);
      eventTypes[name] = (eventTypes[name] ?? 0) + 1;
    }
    runs.push({ runId, historyEvents: events.length, eventTypes });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** Sums event counts by type over runs, most frequent first. */
export function eventTypeTotals(runs: readonly RunHistory[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const run of runs)
    for (const [type, n] of Object.entries(run.eventTypes)) totals[type] = (totals[type] ?? 0) + n;
  return Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]));
}
