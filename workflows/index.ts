/** The workflow bundle's entry: every workflow type the engine registers. */
export { diagnosticsWorkflow } from './diagnostics';
