/** The workflow bundle's entry: every workflow type the engine registers. */
export { diagnosticsWorkflow } from './diagnostics';
export { loanWorkflow } from './loan';
export { paymentWorkflow } from './payment';
export { lateInvoiceSweepWorkflow } from './late-invoice-sweep';
export { simulatedBorrowerWorkflow } from './simulated-borrower';
export { applicationWorkflow } from './application';
export { personalDataRetentionWorkflow } from './retention';
export { applicationBaselineWorkflow } from './application-bench';
export { complaintWorkflow } from './complaint';
export { collectionCaseWorkflow } from './collection-case';
