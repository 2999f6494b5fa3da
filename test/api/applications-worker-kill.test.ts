/**
 * R-APP-9 "exactly once whatever fails or retries": the worker runs in a process of its own against
 * the real dev server, and is killed with SIGKILL around the payout activity — once after the bank
 * has paid but before its answer reaches the worker, once just after the answer arrives. A new
 * worker process takes over; the application completes and the bank holds exactly one payout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createSandboxAdapters, type SandboxAdapterSet } from '../../adapters';
import { findApplication, listApplicationPayouts } from '../../db/application-repository';
import type { Db } from '../../db/database';
import { findLoan } from '../../db/loan-repository';
import { PROJECT_ROOT } from '../../platform/config';
import { applicationWorkflow } from '../../workflows/application';
import {
  acceptOfferUpdate,
  answersUpdate,
  applicationViewQuery,
  identifyUpdate,
} from '../../workflows/application-messages';
import { applicationWorkflowId } from '../../domain/application-state';
import { applicationInput, goodAnswers, newPerson, waitFor } from '../support/application';
import { openTestDb } from '../support/db';
import { testDataConverter } from '../support/temporal';

type ProxyMode = 'pass' | 'hold-answer' | 'signal-after-answer';

/**
 * Sits between the worker and the bank double. In `hold-answer` mode the next payout request
 * reaches the bank (the money moves) but its answer never reaches the worker; in
 * `signal-after-answer` mode the answer is delivered and the test is told at once.
 */
async function startPayoutProxy(target: string) {
  const events = new EventEmitter();
  let mode: ProxyMode = 'pass';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const text = await upstream.text();
      const isPayout = req.method === 'POST' && req.url === '/v1/payouts';
      if (isPayout && mode === 'hold-answer') {
        mode = 'pass';
        events.emit('paid-unanswered');
        return; // the worker never hears back
      }
      const out: Record<string, string> = {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      };
      const replayed = upstream.headers.get('idempotent-replayed');
      if (replayed) out['idempotent-replayed'] = replayed;
      res.writeHead(upstream.status, out);
      res.end(text);
      if (isPayout && mode === 'signal-after-answer') {
        mode = 'pass';
        events.emit('answered');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    setMode: (m: ProxyMode) => (mode = m),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('R-APP-9: a worker killed around the payout (real dev server, worker in its own process)', () => {
  let sandbox: SandboxAdapterSet;
  let proxy: Awaited<ReturnType<typeof startPayoutProxy>>;
  let db: Db;
  let connection: Connection;
  let client: Client;
  const children = new Set<ChildProcess>();
  const taskQueue = `kill-test-${randomUUID()}`;

  beforeAll(async () => {
    sandbox = await createSandboxAdapters();
    proxy = await startPayoutProxy(sandbox.endpoints.bankPayoutBaseUrl);
    db = await openTestDb('API');
    connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    client = new Client({ connection, dataConverter: testDataConverter });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await proxy?.close();
    await sandbox?.stop();
    await connection?.close();
    await db?.destroy();
  });

  async function startWorkerProcess(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/support/application-worker-process.ts')],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS!,
          TASK_QUEUE: taskQueue,
          DATABASE_URL: process.env.TEST_DATABASE_URL_API!,
          WORKFLOW_BUNDLE: process.env.TEST_WORKFLOW_BUNDLE_API!,
          SANDBOX_ENDPOINTS: JSON.stringify({ ...sandbox.endpoints, bankPayoutBaseUrl: proxy.url }),
          SANDBOX_CREDENTIALS: JSON.stringify(sandbox.credentials),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`worker process exited (${code}): ${stderr}`)));
    });
    return child;
  }

  async function kill(child: ChildProcess) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async function payoutsAtBank(reference: string) {
    const key = `${applicationWorkflowId(reference)}:payout`;
    return (await sandbox.sandbox.bankPayout.listPayouts()).filter((p) => p.idempotencyKey === key);
  }

  /** An application up to an open offer, driven while `worker` runs. */
  async function offeredApplication() {
    const person = newPerson();
    await sandbox.sandbox.bureau.registerPerson(person.personnummer, { taxedAnnualIncome: '540000.00' });
    const input = applicationInput({ applicants: [person] });
    const customerId = input.creatorCustomerId!;
    const h = await client.workflow.start(applicationWorkflow, {
      taskQueue,
      workflowId: applicationWorkflowId(input.reference),
      args: [input],
    });
    const order = await h.executeUpdate(identifyUpdate, {
      args: [{ applicantIndex: 0, customerId, endUserIp: '192.0.2.20' }],
    });
    await sandbox.sandbox.bankId.completeOrder(order.orderRef);
    await waitFor(
      () => h.query(applicationViewQuery),
      (v) => v.applicants[0]!.identified,
      'identification',
    );
    await h.executeUpdate(answersUpdate, {
      args: [{ applicantIndex: 0, customerId, answers: goodAnswers(), submit: true }],
    });
    await waitFor(
      () => h.query(applicationViewQuery),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    return { input, h, customerId };
  }

  it.each([
    ['after the bank paid, before its answer reached the worker', 'hold-answer', 'paid-unanswered'],
    ['just after the bank’s answer reached the worker', 'signal-after-answer', 'answered'],
  ] as const)('killed %s: the application completes with exactly one payout', async (_when, mode, event) => {
    const first = await startWorkerProcess();
    const { input, h, customerId } = await offeredApplication();

    proxy.setMode(mode);
    const atPayout = once(proxy.events, event);
    const sign = await h.executeUpdate(acceptOfferUpdate, {
      args: [{ applicantIndex: 0, customerId, endUserIp: '192.0.2.20' }],
    });
    await sandbox.sandbox.bankId.completeOrder(sign.orderRef);
    await atPayout;
    await kill(first);
    expect(await payoutsAtBank(input.reference)).toHaveLength(1); // the money has left once already

    await startWorkerProcess();
    await waitFor(
      () => h.describe(),
      (d) => d.status.name !== 'RUNNING',
      'the application to close after the restart',
      90_000,
    );
    const outcome = await h.result();
    expect(outcome.status).toBe('PAID_OUT');

    const atBank = await payoutsAtBank(input.reference);
    expect(atBank).toHaveLength(1);
    expect(atBank[0]).toMatchObject({ amount: '100000.00', toAccount: { kind: 'bankAccount' } });
    expect(await listApplicationPayouts(db, input.applicationId)).toEqual([
      expect.objectContaining({ payout_id: atBank[0]!.payoutId, leg: 'applicant' }),
    ]);
    expect(await findApplication(db, input.applicationId)).toMatchObject({
      status: 'PAID_OUT',
      loan_id: outcome.loanId,
    });
    const loan = await waitFor(
      () => findLoan(db, outcome.loanId!),
      (l) => l !== undefined,
      'the loan',
      30_000,
    );
    expect(loan).toMatchObject({ amount: '100000.00', contract_number: outcome.contractNumber });
  });
});
