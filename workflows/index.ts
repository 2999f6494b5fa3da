/**
 * The production workflow bundle's entry: every workflow type the engine registers. The tools'
 * workflows (simulator, benchmarks) are in ./tools.ts, which only the tools' workers bundle.
 */
export { diagnosticsWorkflow } from './diagnostics';
export { loanWorkflow } from './loan';
export { paymentWorkflow } from './payment';
export { lateInvoiceSweepWorkflow } from './late-invoice-sweep';
export { applicationWorkflow } from './application';
export { personalDataRetentionWorkflow } from './retention';
export { complaintWorkflow } from './complaint';
export { collectionCaseWorkflow } from './collection-case';
export { directDebitMandateWorkflow, cancelDirectDebitMandateWorkflow } from './direct-debit-mandate';
export { refundWorkflow } from './refund';
