/**
 * Lifecycle simulator (docs/simulator.md): `npm run simulate -- scenario.json`.
 *
 * Runs one loan through the real workflows and activities on the time-skipping test server and a
 * fresh PostgreSQL database, and prints ONE JSON document on stdout; progress and logs go to
 * stderr. Exit codes: 0 done, 2 the scenario is invalid or uses an event not supported yet (one
 * `field: message` line per problem on stderr), 1 anything else.
 *
 * Options: --compact (one-line JSON), --keep-db (keep the database and print its URL on stderr),
 * --debtor <name> (the loan goes to collection and a preset debtor plays the case: simulator/debtor.ts).
 * Environment: SIMULATOR_DATABASE_URL, a PostgreSQL server on which the fresh database is created
 * (default: 127.0.0.1:5432, else an embedded PostgreSQL).
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { encryptingDataConverter } from '../platform/temporal-connection';
import { createScratchDatabase } from '../platform/scratch-database';
import { startTimeSkippingServer } from '../platform/temporal-servers';
import { stockholmDate } from '../domain/dates';
import { bundleWorkflows, preflightIssues, runScenario } from '../simulator/runner';
import { parseScenarioText, ScenarioError, withDebtor } from '../simulator/scenario';
import { DEBTOR_PRESET_NAMES, debtorPreset, isDebtorPreset } from '../simulator/debtor';

const USAGE = `usage: npm run simulate -- <scenario.json> [--compact] [--keep-db] [--debtor <name>]
  Runs one loan through the real workflows on the time-skipping server and PostgreSQL and prints
  one JSON document. Scenario format and examples: docs/simulator.md, examples/*.json.
  --debtor <name>: once the loan is in collection, a debtor plays the case: one of
    ${DEBTOR_PRESET_NAMES.join(', ')}`;

function log(message: string): void {
  process.stderr.write(`[simulate] ${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  const debtorAt = argv.indexOf('--debtor');
  const debtorName = debtorAt >= 0 ? argv[debtorAt + 1] : undefined;
  if (debtorAt >= 0) argv = argv.filter((_, i) => i !== debtorAt && i !== debtorAt + 1);
  if (debtorAt >= 0 && (!debtorName || !isDebtorPreset(debtorName))) {
    process.stderr.write(`--debtor: one of ${DEBTOR_PRESET_NAMES.join(', ')}\n`);
    return 2;
  }
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const files = argv.filter((a) => !a.startsWith('--'));
  if (flags.has('--help') || flags.has('-h')) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = [...flags].filter((f) => !['--compact', '--keep-db'].includes(f));
  if (files.length !== 1 || unknown.length > 0) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown.join(', ')}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const file = files[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read: ${(err as Error).message}\n`);
    return 2;
  }

  try {
    const parsed = parseScenarioText(text);
    const scenario = debtorName && isDebtorPreset(debtorName) ? withDebtor(parsed, debtorPreset(debtorName)) : parsed;
    // Refuse what the runner would refuse before starting any server (a fresh time-skipping
    // server's clock starts at the wall clock).
    const refused = preflightIssues(scenario, stockholmDate(new Date()));
    if (refused.length > 0) throw new ScenarioError(refused);

    // Everything the SDK logs goes to stderr; stdout carries the JSON document only.
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) =>
        process.stderr.write(`[temporal] ${entry.level} ${entry.message}\n`),
      ),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });

    const started = Date.now();
    log('starting PostgreSQL database, time-skipping server and workflow bundle');
    const database = await createScratchDatabase('simulation', process.env.SIMULATOR_DATABASE_URL);
    const db = createDb(database.url, 5);
    // A fresh key per run: payloads are encrypted as in production, and nobody needs to read them later.
    const dataConverter = encryptingDataConverter([{ id: 'simulation', key: randomBytes(32) }]);
    try {
      await migrateToLatest(db);
      const [env, workflowBundle] = await Promise.all([startTimeSkippingServer(dataConverter), bundleWorkflows()]);
      try {
        log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (database on ${database.server} server)`);
        const { output } = await runScenario({ env, db, dataConverter, workflowBundle, log }, scenario);
        process.stdout.write(`${JSON.stringify(output, null, flags.has('--compact') ? undefined : 2)}\n`);
        log(
          `${output.status}: ${output.invoices.length} invoices, ${output.payments.length} payments, ` +
            `ledger ${output.ledger.balanced ? 'balanced' : 'NOT balanced'}, ${output.temporal.wallSeconds} s`,
        );
        const c = output.collectionCase;
        if (c)
          log(
            `case ${c.caseNumber}: ${c.status} on ${c.closedOn ?? output.simulated.to}, claim ${c.claimAtEnd.total}, ` +
              `${c.timeline.map((e) => e.kind).join(' → ')}`,
          );
      } finally {
        await env.teardown();
      }
    } finally {
      await db.destroy();
      if (flags.has('--keep-db') && database.server !== 'embedded') log(`database kept: ${database.url}`);
      else {
        if (flags.has('--keep-db')) log('--keep-db: not kept, the embedded PostgreSQL stops with this process');
        await database.drop();
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof ScenarioError) {
      for (const issue of err.issues) process.stderr.write(`${file}: ${issue.field}: ${issue.message}\n`);
      return 2;
    }
    process.stderr.write(`simulation failed: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`simulation failed: ${String(err)}\n`);
    process.exit(1);
  },
);
