/**
 * Local Temporal servers for `npm start` and the tests: the dev server (with the web UI and a
 * persistent SQLite file in WAL mode) and the time-skipping test server. Binaries come from
 * temporal-binaries.ts, so none of this needs the internet.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { resolveTemporalExecutable } from './temporal-binaries';

export interface DevServerOptions {
  /** Folder for the SQLite file; omit for an in-memory server (tests). */
  dataDir?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  dataConverter?: DataConverter;
}

/** SQLite in WAL mode is several times faster for the dev server (temporalite #26). */
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'];

export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  let dbFilename: string | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dbFilename = path.join(options.dataDir, 'temporal.sqlite');
  }
  return withStartupRetries(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalExecutable('cli'),
        dbFilename,
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        namespace: options.namespace,
        extraArgs: dbFilename ? SQLITE_PRAGMAS : [],
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
      },
      client: { dataConverter: options.dataConverter },
    }),
  );
}

export async function startTimeSkippingServer(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const env = await withStartupRetries(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: resolveTemporalExecutable('test-server') },
      client: { dataConverter },
    }),
  );
  // The test server knows no custom search attributes until they are registered.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]),
    ),
  });
  return env;
}

/**
 * The SDK polls a fresh server for only ~5 s (sdk-core #722); a cold JVM/Go start on a busy
 * machine can take longer, so start-up (never a test body) is retried.
 */
async function withStartupRetries<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts) throw err;
      process.stderr.write(
        `Temporal server start failed (attempt ${attempt}/${attempts}): ${(err as Error).message}\n`,
      );
    }
  }
}
