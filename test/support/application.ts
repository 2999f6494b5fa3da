/** What the application tests share: people with valid personnummer, answers, inputs, polling. */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import type { PayoutView } from '../../adapters/bank-payout';
import type { Db } from '../../db/database';
import type { ApplicantAnswers, ConsolidationLoan } from '../../domain/application';
import { applicationReference } from '../../domain/application';
import { personnummerCheckDigit } from '../../domain/personnummer';
import { PROJECT_ROOT } from '../../platform/config';
import { startTimeSkippingServer } from '../../platform/temporal-servers';
import { applicationWorkflow } from '../../workflows/application';
import {
  acceptOfferUpdate,
  answersUpdate,
  applicationViewQuery,
  identifyUpdate,
} from '../../workflows/application-messages';
import {
  type ApplicationInput,
  type ApplicationOutcome,
  type ApplicationView,
  applicationWorkflowId,
  type BankIdStart,
} from '../../domain/application-state';
import { openTestDb } from './db';
import { createTestWorker, testDataConverter } from './temporal';

export interface TestPerson {
  /** Normalised 12 digits. */
  personnummer: string;
  birthDate: string;
  email: string;
  phone: string;
}

/** A fresh adult with a valid personnummer, so tests never share a person (R-APP-6 prefill). */
export function newPerson(birthYear = 1960 + randomInt(40)): TestPerson {
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  const serial = String(randomInt(1000)).padStart(3, '0');
  const yyyymmdd = `${birthYear}${month}${day}`;
  const personnummer = `${yyyymmdd}${serial}${personnummerCheckDigit(yyyymmdd.slice(2) + serial)}`;
  const id = randomUUID().slice(0, 8);
  return {
    personnummer,
    birthDate: `${birthYear}-${month}-${day}`,
    email: `person-${id}@example.com`,
    phone: `+4670${String(randomInt(10_000_000)).padStart(7, '0')}`,
  };
}

export function newReference(): string {
  return applicationReference([...randomBytes(9)]);
}

/** Answers that pass R-APP-1 and R-APP-8 with the bureau income `12 × monthlyIncome`. */
export function goodAnswers(overrides: Partial<ApplicantAnswers> = {}, main = true): ApplicantAnswers {
  return {
    employment: 'permanent',
    monthlyIncome: '45000.00',
    housing: 'rent',
    monthlyHousingCost: '8000.00',
    householdAdults: 1,
    householdChildren: 0,
    debts: [],
    citizenship: 'SE',
    taxResidentOutsideSweden: false,
    politicallyExposedPerson: false,
    purpose: 'consumption',
    ...(main ? { payoutAccount: { clearingNumber: '6000', accountNumber: '123456789' } } : {}),
    ...overrides,
  };
}

export function applicationInput(options: {
  applicants: TestPerson[];
  createdBy?: 'customer' | 'vendor';
  vendorId?: string;
  creatorCustomerId?: string;
  amount?: string;
  termMonths?: number;
  consolidation?: ConsolidationLoan[];
}): ApplicationInput {
  const createdBy = options.createdBy ?? 'customer';
  const creator = createdBy === 'customer' ? (options.creatorCustomerId ?? `customer-${randomUUID()}`) : null;
  return {
    applicationId: randomUUID(),
    reference: newReference(),
    createdBy,
    vendorId: createdBy === 'vendor' ? (options.vendorId ?? `vendor-${randomUUID()}`) : null,
    creatorCustomerId: creator,
    amount: options.amount ?? '100000.00',
    termMonths: options.termMonths ?? 60,
    noticeChannel: 'e-invoice',
    applicants: options.applicants.map((p, i) => ({
      personnummer: p.personnummer,
      birthDate: p.birthDate,
      email: p.email,
      phone: p.phone,
      customerId: createdBy === 'customer' && i === 0 ? creator : null,
      inviteCode: createdBy === 'customer' && i === 0 ? null : randomBytes(12).toString('base64url'),
    })),
    consolidation: options.consolidation ?? [],
    linkBaseUrl: 'http://localhost:3000/apply',
  };
}

/** Polls `read` until `accept` holds (the workflow moves on in the background), or fails. */
export async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// --- a time-skipping environment with the sandbox doubles, for workflow tests ------------------

export const TEST_END_USER_IP = '192.0.2.10';

export interface ApplicationTestEnv {
  env: TestWorkflowEnvironment;
  db: Db;
  sandbox: SandboxAdapterSet;
  /** Never unlocks time skipping: only `skipUntilClosed` (and `env.sleep`) let time run ahead. */
  client: Client;
  start(input: ApplicationInput): Promise<ApplicationHandle>;
  /** Awaits the result through the time-skipping client, so deadlines (R-APP-5/7/9) pass at once. */
  skipUntilClosed(h: ApplicationHandle): Promise<ApplicationOutcome>;
  /** The outcome of a workflow that closes by itself soon, without letting time skip. */
  closed(h: ApplicationHandle): Promise<ApplicationOutcome>;
  /** Registers the person at the bureau with a taxed income matching `goodAnswers` (no R-APP-7 trigger). */
  atBureau(person: TestPerson, profile?: Record<string, unknown>): Promise<void>;
  view(h: ApplicationHandle): Promise<ApplicationView>;
  identify(h: ApplicationHandle, index: number, customerId: string): Promise<BankIdStart>;
  submit(h: ApplicationHandle, index: number, customerId: string, answers: ApplicantAnswers): Promise<ApplicationView>;
  sign(h: ApplicationHandle, index: number, customerId: string): Promise<BankIdStart>;
  payoutsOf(reference: string): Promise<PayoutView[]>;
  /** Cancels the workflows a test left running, so their timers do not fire in a later test's skip. */
  cleanUp(): Promise<void>;
  stop(): Promise<void>;
}

export type ApplicationHandle = WorkflowHandle<typeof applicationWorkflow>;

export async function startApplicationTestEnv(
  options: {
    payoutExecutionDelayMs?: number | null;
    payoutPollWindowMs?: number;
    interceptors?: WorkerOptions['interceptors'];
  } = {},
): Promise<ApplicationTestEnv> {
  const env = await startTimeSkippingServer(testDataConverter);
  const db = await openTestDb('WORKFLOWS');
  const { interceptors, payoutPollWindowMs, ...sandboxOptions } = options;
  const sandbox = await createSandboxAdapters({ bankIdOrderTtlMs: 600_000, ...sandboxOptions });
  const taskQueue = `applications-${randomUUID()}`;
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    db,
    adapters: sandbox.adapters,
    application: { bankIdPollIntervalMs: 50, ...(payoutPollWindowMs ? { payoutPollWindowMs } : {}) },
    ...(interceptors ? { interceptors } : {}),
  });
  const running = worker.run();
  const client = new Client({ connection: env.connection, dataConverter: testDataConverter });
  const started: string[] = [];
  const view = (h: ApplicationHandle) => h.query(applicationViewQuery);
  const ip = TEST_END_USER_IP;
  return {
    env,
    db,
    sandbox,
    client,
    start: async (input) => {
      const handle = await client.workflow.start(applicationWorkflow, {
        taskQueue,
        workflowId: applicationWorkflowId(input.reference),
        args: [input],
      });
      started.push(handle.workflowId);
      return handle;
    },
    skipUntilClosed: (h) => env.client.workflow.getHandle<typeof applicationWorkflow>(h.workflowId).result(),
    closed: async (h) => {
      await waitFor(
        () => h.describe(),
        (d) => d.status.name !== 'RUNNING',
        `${h.workflowId} to close`,
      );
      return h.result();
    },
    atBureau: async (person, profile = {}) => {
      await sandbox.sandbox.bureau.registerPerson(person.personnummer, { taxedAnnualIncome: '540000.00', ...profile });
    },
    view,
    identify: async (h, index, customerId) => {
      const order = await h.executeUpdate(identifyUpdate, {
        args: [{ applicantIndex: index, customerId, endUserIp: ip }],
      });
      await sandbox.sandbox.bankId.completeOrder(order.orderRef);
      await waitFor(
        () => view(h),
        (v) => v.applicants[index]!.identified,
        `applicant ${index} identified`,
      );
      return order;
    },
    submit: (h, index, customerId, answers) =>
      h.executeUpdate(answersUpdate, { args: [{ applicantIndex: index, customerId, answers, submit: true }] }),
    sign: async (h, index, customerId) => {
      const order = await h.executeUpdate(acceptOfferUpdate, {
        args: [{ applicantIndex: index, customerId, endUserIp: ip }],
      });
      await sandbox.sandbox.bankId.completeOrder(order.orderRef);
      return order;
    },
    payoutsOf: async (reference) => {
      const prefix = `${applicationWorkflowId(reference)}:`;
      return (await sandbox.sandbox.bankPayout.listPayouts()).filter((p) => p.idempotencyKey.startsWith(prefix));
    },
    cleanUp: async () => {
      for (const id of started.splice(0)) {
        const handle = client.workflow.getHandle(id);
        if ((await handle.describe()).status.name !== 'RUNNING') continue;
        await handle.cancel();
        await waitFor(
          () => handle.describe(),
          (d) => d.status.name !== 'RUNNING',
          `${id} to close`,
        );
      }
    },
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await sandbox.stop();
      await env.teardown();
      await db.destroy();
    },
  };
}

/** The failure an update was refused with (validator or handler): its type, message and details. */
export async function updateFailure(
  p: Promise<unknown>,
): Promise<{ type: string | undefined; kind: string | undefined; message: string; details: unknown[] }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected a refused update, got ${String(err)}`);
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(cause)}`);
  const details = [...(cause.details ?? [])];
  const kind = (details[0] as { kind?: string } | undefined)?.kind;
  return { type: cause.type ?? undefined, kind, message: cause.message, details };
}

/**
 * With RECORD_HISTORIES=1, writes the workflow's history to test/replay/<name>.history.pb, where the
 * replay test runs it against the current code (ARCHITECTURE.md "Long life"). Otherwise nothing.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(
    path.join(PROJECT_ROOT, 'test', 'replay', `${name}.history.pb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}
