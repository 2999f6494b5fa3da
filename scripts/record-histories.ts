/**
 * Records workflow histories for the replay tests (`npm run record:histories`): runs the loan
 * workflow through its main paths on the time-skipping server and writes every run's history to
 * test/replay/. `npm run record:histories -- --collection` records the collection case instead,
 * through the lifecycle simulator's debtor presets (plan kept, plan broken, dispute rejected). Re-record only when a change is meant to be incompatible (and then add patched()
 * for running workflows instead, ARCHITECTURE.md "Long life").
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { stockholmDate } from '../domain/dates';
import { PROJECT_ROOT } from '../platform/config';
import { startTimeSkippingServer } from '../platform/temporal-servers';
import { createTestDatabase } from '../test/setup/postgres';
import { TEST_KEYS } from '../test/support/temporal';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { createToolWorker, TOOL_WORKFLOWS_PATH } from '../workers/create-worker';
import { ensureLateInvoiceSweep, stopLateInvoiceSweep } from '../workers/late-invoice-sweep';
import { LATE_INVOICE_SWEEP_ID } from '../workflows/late-invoice-sweep';
import type { LoanTerms } from '../domain/loan-terms';
import { loanWorkflow } from '../workflows/loan';
import { loanWorkflowId } from '../workflows/loan-messages';
import { simulatedBorrowerWorkflow, type SimulatedBorrowerInput } from '../workflows/simulated-borrower';
import { runScenario } from '../simulator/runner';
import { parseScenario } from '../simulator/scenario';

const OUT = path.join(PROJECT_ROOT, 'test', 'replay');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (process.argv.includes('--collection')) return recordCollection();
  const database = await createTestDatabase('replay');
  const db = createDb(database.url);
  await migrateToLatest(db);
  const dataConverter = encryptingDataConverter(TEST_KEYS);
  const env = await startTimeSkippingServer(dataConverter);
  const { code } = await bundleWorkflowCode({ workflowsPath: TOOL_WORKFLOWS_PATH });
  const taskQueue = 'record';
  const worker = await createToolWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    deps: { db },
    workflowBundle: { code },
  });
  const scenarios: { name: string; borrower: Partial<SimulatedBorrowerInput> }[] = [
    { name: 'on-time', borrower: { daysBeforeDue: 5 } },
    { name: 'stops-paying', borrower: { daysBeforeDue: 5, stopFromInvoice: 3 } },
  ];
  try {
    await worker.runUntil(async () => {
      await ensureLateInvoiceSweep(env.client, taskQueue);
      const { runId: firstSweepRun } = await env.client.workflow.getHandle(LATE_INVOICE_SWEEP_ID).describe();
      for (const scenario of scenarios) {
        const loanId = randomUUID();
        const terms: LoanTerms = {
          loanId,
          contractNumber: String(400_000_000 + scenarios.indexOf(scenario)),
          customerId: `customer-${scenario.name}`,
          amount: '60000.00',
          termMonths: 24,
          nominalRatePercent: '11.50',
          noticeChannel: 'e-invoice',
          payoutDate: stockholmDate(new Date(await env.currentTimeMs())),
        };
        const loan = await env.client.workflow.start(loanWorkflow, {
          taskQueue,
          workflowId: loanWorkflowId(loanId),
          args: [{ terms }],
        });
        const borrower = await env.client.workflow.start(simulatedBorrowerWorkflow, {
          taskQueue,
          workflowId: `borrower-${loanId}`,
          args: [
            {
              loanId,
              payoutDate: terms.payoutDate,
              termMonths: terms.termMonths,
              daysBeforeDue: 5,
              ...scenario.borrower,
            },
          ],
        });
        await loan.result();
        await borrower.result();
        await recordChain(env.client, loan.workflowId, loan.firstExecutionRunId, `loan-${scenario.name}`);
      }
      // The book's sweep over both loans' lives (it told the one that stopped paying), ended by its stop signal.
      await stopLateInvoiceSweep(env.client);
      await recordChain(env.client, LATE_INVOICE_SWEEP_ID, firstSweepRun, 'late-invoice-sweep');
    });
  } finally {
    await env.teardown();
    await db.destroy();
    await database.drop();
  }
}

/** The collection case's paths, played by the simulator's debtor; each case's chain is written. */
async function recordCollection(): Promise<void> {
  const database = await createTestDatabase('replay');
  const db = createDb(database.url);
  await migrateToLatest(db);
  const dataConverter = encryptingDataConverter(TEST_KEYS);
  const { code } = await bundleWorkflowCode({ workflowsPath: TOOL_WORKFLOWS_PATH });
  try {
    for (const preset of ['plan-kept', 'plan-broken', 'dispute-rejected'] as const) {
      const env = await startTimeSkippingServer(dataConverter);
      try {
        const scenario = parseScenario({
          loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
          borrower: { paysDaysBeforeDue: 5 },
          events: [{ type: 'stop-paying', fromInvoice: 2 }],
          debtor: { preset },
          end: { untilClosed: true },
        });
        const { output } = await runScenario({ env, db, dataConverter, workflowBundle: { code } }, scenario);
        const c = output.collectionCase!;
        await recordChain(env.client, c.temporal.workflowId, c.temporal.runs[0]!.runId, `collection-v2-${preset}`);
      } finally {
        await env.teardown();
      }
    }
  } finally {
    await db.destroy();
    await database.drop();
  }
}

/** Writes each run of a continue-as-new chain as `<name>-run<N>.history.pb`. */
async function recordChain(client: Client, workflowId: string, firstRunId: string, name: string): Promise<void> {
  let runId: string | undefined = firstRunId;
  for (let run = 1; runId; run++) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    // Binary protobuf: exact, compact, and independent of JSON converters.
    const file = path.join(OUT, `${name}-run${run}.history.pb`);
    writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
    process.stderr.write(`wrote ${path.relative(PROJECT_ROOT, file)} (${history.events?.length} events)\n`);
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
