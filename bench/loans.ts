/**
 * Loan benchmark (docs/benchmarks.md): `npm run bench:loans [-- --loans N]`. Not a test; prints
 * tables (stdout) and progress (stderr).
 *
 * (a) Wall time of whole loans on the time-skipping server through the lifecycle simulator: a
 *     10-year loan paid on time, and the default path (on time for a year, then stops paying; runs
 *     until the loan workflow ends or the simulator's horizon).
 * (b) History events per loan-year of those loans, and which event types dominate.
 * (c) Month-end on the local dev server (in memory): N loans whose first invoice date has come are
 *     released at once (started while no worker polls, then one worker starts), and the time until
 *     all N invoices are in PostgreSQL gives loans invoiced per second.
 *
 * Targets: a 10-year loan ≤ 10 s; ≤ 80 history events per on-time loan-year.
 */
import os from 'node:os';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createDb } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createScratchDatabase } from '../platform/scratch-database';
import { bundleWorkflows } from '../simulator/runner';
import { lifecycleSection, printLifecycle } from './loans/lifecycle';
import { monthEndSection, printMonthEnd } from './loans/month-end';
import { print, report } from './loans/report';

interface Options {
  loans: number;
  lifecycle: boolean;
  monthEnd: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { loans: 2000, lifecycle: true, monthEnd: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--loans') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--loans needs a whole number ≥ 1');
      options.loans = n;
    } else if (arg === '--skip-lifecycle') options.lifecycle = false;
    else if (arg === '--skip-month-end') options.monthEnd = false;
    else throw new Error(`unknown option ${arg} (known: --loans N, --skip-lifecycle, --skip-month-end)`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[temporal] ${entry.level} ${entry.message}\n`)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  print(
    `bench:loans — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}\n`,
  );
  const database = await createScratchDatabase('bench', process.env.SIMULATOR_DATABASE_URL);
  const db = createDb(database.url, 10);
  try {
    await migrateToLatest(db);
    const workflowBundle = await bundleWorkflows();
    if (options.lifecycle) printLifecycle(await lifecycleSection(db, workflowBundle));
    if (options.monthEnd) printMonthEnd(await monthEndSection(database.url, workflowBundle, options.loans));
  } finally {
    await db.destroy();
    await database.drop();
  }
  process.stdout.write(`\n${report.join('\n')}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stdout.write(`${report.join('\n')}\n`);
      console.error(error);
      process.exit(1);
    },
  );
}
