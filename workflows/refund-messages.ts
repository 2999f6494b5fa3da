/** The refund workflow's messages (workflows/refund.ts), imported by the API. */
import { defineSignal } from '@temporalio/workflow';

/** An operator retries a FAILED refund (the row is PENDING again, with its new attempt). */
export const retryRefundSignal = defineSignal('retryRefund');

export { refundWorkflowId } from '../domain/refund';
