/**
 * Registering an incoming bank payment (R-LOAN-2, R-PAY-2): what `POST /v1/payments` and a bank
 * file import (api/payment-files.ts, also the CLI) both do. A payment is registered once per bank
 * reference and matched by its OCR reference (db/loan-repository.ts registerPayment); a matched
 * one is applied by its payment workflow (`payment-<id>`), started once.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { type PaymentRow, registerPaymentOnce } from '../db/loan-repository';
import { formatAmount, parseAmount } from '../domain/money';
import { paymentWorkflow, paymentWorkflowId } from '../workflows/payment';

export interface IncomingPayment {
  bankReference: string;
  ocrReference: string;
  amount: string;
  paymentDate: string;
}

export type Registration =
  | { kind: 'registered'; payment: PaymentRow }
  /** The same bank payment again: nothing new. */
  | { kind: 'repeat'; payment: PaymentRow }
  /** The bank reference was registered with other details. */
  | { kind: 'conflict'; payment: PaymentRow };

/**
 * Registers the payment unless its bank reference is known (`db` may be a transaction). A new
 * payment costs one statement (db/loan-repository.ts registerPaymentOnce); a known reference one
 * more, to read what was registered.
 */
export async function registerIncomingPayment(db: Db, input: IncomingPayment): Promise<Registration> {
  const amount = formatAmount(parseAmount(input.amount));
  const { inserted, payment } = await registerPaymentOnce(db, {
    id: randomUUID(),
    bankReference: input.bankReference,
    ocrReference: input.ocrReference,
    amount,
    paymentDate: input.paymentDate,
  });
  if (inserted) return { kind: 'registered', payment };
  const same =
    payment.ocr_reference === input.ocrReference &&
    payment.amount === amount &&
    payment.payment_date === input.paymentDate;
  return { kind: same ? 'repeat' : 'conflict', payment };
}

/** Thrown when Temporal cannot be reached: the payment is stored, and a repeat starts its workflow. */
export class PaymentWorkflowUnavailableError extends Error {
  constructor(
    readonly paymentId: string,
    cause: unknown,
  ) {
    super(`the payment workflow of ${paymentId} could not be started`, { cause });
    this.name = 'PaymentWorkflowUnavailableError';
  }
}

/** Starts a matched payment's workflow once; a repeat (or a retry after an outage) finds it started. */
export async function startPaymentWorkflow(temporal: Client, taskQueue: string, payment: PaymentRow): Promise<void> {
  if (!payment.loan_id || payment.status !== 'RECEIVED') return;
  try {
    await temporal.workflow.start(paymentWorkflow, {
      taskQueue,
      workflowId: paymentWorkflowId(payment.id),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ paymentId: payment.id }],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw new PaymentWorkflowUnavailableError(payment.id, error);
  }
}
