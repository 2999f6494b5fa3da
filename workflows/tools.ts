/**
 * The bundle entry of the tools' workers (the lifecycle simulator, the benchmarks, history
 * recording, the workflow tests): the engine's workflows and the tools' own. Production workers
 * bundle ./index.ts only; nothing imports from this module.
 */
export {
  applicationWorkflow,
  cancelDirectDebitMandateWorkflow,
  collectionCaseWorkflow,
  complaintWorkflow,
  diagnosticsWorkflow,
  directDebitMandateWorkflow,
  lateInvoiceSweepWorkflow,
  loanWorkflow,
  paymentWorkflow,
  personalDataRetentionWorkflow,
  refundWorkflow,
} from './index';
export { simulatedBorrowerWorkflow } from './simulated-borrower';
export { simulatedDebtorWorkflow } from './simulated-debtor';
export { applicationBaselineWorkflow } from './application-bench';
export { monthEndBaselineWorkflow } from './month-end-bench';
