/** What the direct-debit tests share (R-PAY-3): a mandate given and signed with the sandbox BankID. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SandboxSteering } from '../../adapters';
import type { Db } from '../../db/database';
import { insertMandate } from '../../db/direct-debit-repository';
import { mandateSigningText } from '../../texts/direct-debit';
import { directDebitMandateWorkflow } from '../../workflows/direct-debit-mandate';
import { mandateSigningOrderUpdate, mandateWorkflowId } from '../../workflows/direct-debit-messages';
import { newPerson } from './application';

export const PAYER_ACCOUNT = { clearingNumber: '8327', accountNumber: '9912345678' };

/**
 * A mandate for a loan (or, with `caseId`, a case's plan) given through the mandate workflow: the
 * BankID order is completed at the sandbox by the payer; resolves once it is ACTIVE.
 */
export async function giveMandate(
  client: Client,
  db: Db,
  sandbox: SandboxSteering,
  taskQueue: string,
  target: { loanId: string; customerId: string; caseId?: string; caseNumber?: string; contractNumber: string },
): Promise<string> {
  const mandateId = randomUUID();
  const payer = newPerson();
  await insertMandate(db, {
    id: mandateId,
    customerId: target.customerId,
    loanId: target.loanId,
    caseId: target.caseId ?? null,
    ...PAYER_ACCOUNT,
    payerPersonnummer: payer.personnummer,
  });
  const handle = await client.workflow.start(directDebitMandateWorkflow, {
    taskQueue,
    workflowId: mandateWorkflowId(mandateId),
    args: [
      {
        mandateId,
        personnummer: payer.personnummer,
        endUserIp: '192.0.2.10',
        userVisibleData: mandateSigningText({
          for: target.caseNumber
            ? { kind: 'case', caseNumber: target.caseNumber }
            : { kind: 'loan', contractNumber: target.contractNumber },
          ...PAYER_ACCOUNT,
        }),
      },
    ],
  });
  const order = await handle.executeUpdate(mandateSigningOrderUpdate);
  if (!order) throw new Error('the mandate BankID order did not start');
  await sandbox.bankId.completeOrder(order.orderRef);
  const target2 = await handle.result();
  if (target2.status !== 'ACTIVE') throw new Error(`mandate ${mandateId} is ${target2.status}`);
  return mandateId;
}
