import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { testDataConverter, workflowBundle } from '../support/temporal';

const REPLAY_DIR = path.join(__dirname, '..', 'replay');
const files = readdirSync(REPLAY_DIR).filter((f) => f.endsWith('.history.pb'));

/**
 * Recorded histories (npm run record:histories) replayed against the current workflow code: a
 * change that would break running loans fails here, not in production (ARCHITECTURE.md "Long life").
 */
describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(REPLAY_DIR, file)));
    await expect(
      Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: testDataConverter }, history, file),
    ).resolves.toBeUndefined();
  });
});
