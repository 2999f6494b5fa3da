/**
 * The direct-debit mandate workflows' messages (workflows/direct-debit-mandate.ts), imported by the
 * API, and the signal that tells a loan or a collection case that its mandate changed (R-PAY-3).
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

/** The BankID order the payer signs the mandate with; null when it could not be started. */
export interface MandateSigningOrder {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
}

/** Answers once the mandate's BankID order has started. */
export const mandateSigningOrderUpdate = defineUpdate<MandateSigningOrder | null>('mandateSigningOrder');

/** To a loan or a collection case: a mandate became active (`active`) or ended. */
export const mandateChangedSignal = defineSignal<[{ mandateId: string; active: boolean }]>('directDebitMandate');

export function mandateWorkflowId(mandateId: string): string {
  return `direct-debit-mandate-${mandateId}`;
}

export function mandateCancelWorkflowId(mandateId: string): string {
  return `direct-debit-mandate-${mandateId}-cancel`;
}
