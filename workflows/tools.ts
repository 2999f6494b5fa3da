/**
 * The bundle entry of the tools' workers (the lifecycle simulator, the benchmarks, history
 * recording, the workflow tests): the engine's workflows and the tools' own. Production workers
 * bundle ./index.ts only; nothing imports from this module.
 */
export {
  applicationWorkflow,
  collectionCaseWorkflow,
  complaintWorkflow,
  diagnosticsWorkflow,
  lateInvoiceSweepWorkflow,
  loanWorkflow,
  paymentWorkflow,
  personalDataRetentionWorkflow,
  refundWorkflow,
} from './index';
export { simulatedBorrowerWorkflow } from './simulated-borrower';
export { applicationBaselineWorkflow } from './application-bench';
