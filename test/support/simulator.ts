/** What the simulator tests share: the examples, moved forward in time, and a fresh server per test. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/database';
import { addMonths, type IsoDate, stockholmDate } from '../../domain/dates';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import type { SimulationContext } from '../../simulator/runner';
import { parseScenarioText, type Scenario, type ScenarioEvent } from '../../simulator/scenario';
import { openTestDb } from './db';
import { testDataConverter, workflowBundle } from './temporal';

/** examples/<name>.json, parsed. */
export const example = (name: string): Scenario =>
  parseScenarioText(readFileSync(path.join(__dirname, '../../examples', `${name}.json`), 'utf8'));

/**
 * The examples have fixed dates; once the real clock passes their payout date, the tests move the
 * whole scenario forward by whole years (same months, so the story stays the same).
 */
export async function runnable(scenario: Scenario, env: TestWorkflowEnvironment): Promise<Scenario> {
  const today = stockholmDate(new Date(await env.currentTimeMs()));
  const payout = scenario.loan.payoutDate!;
  if (payout >= today) return scenario;
  const years = Number(today.slice(0, 4)) - Number(payout.slice(0, 4)) + 1;
  const shift = (d: IsoDate) => addMonths(d, 12 * years);
  const shiftEvent = (e: ScenarioEvent): ScenarioEvent =>
    e.type === 'rate-change'
      ? { ...e, announcedOn: shift(e.announcedOn), effectiveOn: shift(e.effectiveOn) }
      : e.type === 'payment' && e.registeredOn
        ? { ...e, date: shift(e.date), registeredOn: shift(e.registeredOn) }
        : 'date' in e
          ? { ...e, date: shift(e.date) }
          : e;
  return {
    ...scenario,
    loan: { ...scenario.loan, payoutDate: shift(payout) },
    events: scenario.events.map(shiftEvent),
  };
}

/**
 * The WORKFLOWS database for the calling describe block and a fresh time-skipping server for each
 * of its tests (the skipped clock only moves forward and the examples have fixed dates); `use`
 * receives each test's context.
 */
export function useSimulationContext(use: (ctx: SimulationContext) => void): void {
  let db: Db | undefined;
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    db = await openTestDb('WORKFLOWS');
  });
  beforeEach(async () => {
    env = await startTimeSkippingServer(testDataConverter);
    use({ env, db: db!, dataConverter: testDataConverter, workflowBundle: workflowBundle() });
  });
  afterEach(async () => {
    await env?.teardown();
  });
  afterAll(async () => {
    await db?.destroy();
  });
}
