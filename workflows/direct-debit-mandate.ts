/**
 * R-PAY-3: a direct-debit (autogiro) mandate, given by the payer with a BankID signature (the
 * offer-signing pattern of the application: start a sign order only the payer can complete, collect
 * it to its end). Signed by the right person, the mandate is registered at the direct-debit service
 * and ACTIVE, and the loan (its invoices) or the collection case (its plan) is told; otherwise it is
 * FAILED. Cancelling is a short workflow of its own. Ids: `direct-debit-mandate-<id>[-cancel]`.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { BankIdOutcome } from '../activities/application';
import type { DirectDebitActivities, MandateTarget } from '../activities/direct-debit';
import { collectionCaseWorkflowId } from '../domain/collection-case';
import { stockholmDate } from '../domain/dates';
import { acts, bankIdActs } from './application-activities';
import { mandateChangedSignal, mandateSigningOrderUpdate, type MandateSigningOrder } from './direct-debit-messages';
import { loanWorkflowId } from './loan-messages';

const directDebit = proxyActivities<DirectDebitActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface MandateWorkflowInput {
  mandateId: string;
  /** 12 digits: only this person can sign. */
  personnummer: string;
  endUserIp: string;
  /** What the payer signs (texts/direct-debit.ts). */
  userVisibleData: string;
}

/** Tells the loan or the case; one that has ended needs no telling (the records say it all). */
async function tell(target: MandateTarget, active: boolean): Promise<void> {
  const workflowId = target.caseNumber ? collectionCaseWorkflowId(target.caseNumber) : loanWorkflowId(target.loanId);
  await getExternalWorkflowHandle(workflowId)
    .signal(mandateChangedSignal, { mandateId: target.mandateId, active })
    .catch(() => undefined);
}

export async function directDebitMandateWorkflow(input: MandateWorkflowInput): Promise<MandateTarget> {
  let order: MandateSigningOrder | null | undefined;
  setHandler(mandateSigningOrderUpdate, async () => {
    await condition(() => order !== undefined);
    return order ?? null;
  });

  let outcome: BankIdOutcome;
  try {
    const started = await acts.startBankIdOrder({
      kind: 'sign',
      personnummer: input.personnummer,
      endUserIp: input.endUserIp,
      userVisibleData: input.userVisibleData,
    });
    order = started;
    await directDebit.recordMandateOrder({ mandateId: input.mandateId, orderRef: started.orderRef });
    outcome = await bankIdActs.awaitBankIdOrder({ orderRef: started.orderRef });
  } catch {
    order ??= null;
    outcome = { state: 'FAILED', hintCode: 'technicalError' };
  }
  let target: MandateTarget;
  if (outcome.state === 'COMPLETE' && outcome.personalNumber === input.personnummer) {
    target = await directDebit.activateDirectDebitMandate({
      mandateId: input.mandateId,
      signature: outcome.signature ?? '',
      date: stockholmDate(new Date()),
    });
    if (target.status === 'ACTIVE') await tell(target, true);
  } else {
    const reason = outcome.state === 'FAILED' ? outcome.hintCode : 'wrong-person';
    target = await directDebit.failDirectDebitMandate({ mandateId: input.mandateId, reason });
  }
  await condition(allHandlersFinished);
  return target;
}

/** Cancels the mandate at the service and in the records, and tells the loan or the case. */
export async function cancelDirectDebitMandateWorkflow(input: {
  mandateId: string;
  by: 'customer' | 'operator';
}): Promise<MandateTarget> {
  const target = await directDebit.cancelDirectDebitMandate({ ...input, date: stockholmDate(new Date()) });
  await tell(target, false);
  return target;
}
