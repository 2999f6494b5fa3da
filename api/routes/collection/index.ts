/**
 * Collection cases (R-COLL-1…8, R-SEC-1), one feature a file: the cases and how to pay them, the
 * original invoices, postponement and installment plan, dispute, receipts of a payment made
 * elsewhere, the message thread, the suggested solution over several cases, powers of attorney,
 * and the operators' side of each. What the features share (the case's access, view, updates and
 * wire schemas) is in api/collection-case.ts; the case's actions are its workflow's updates, whose
 * refusals are mapped once (api/problem.ts). No business rule lives here.
 *
 * Registered in this order so the OpenAPI document lists the endpoints as it always has. The
 * functions the pages (web/) call are exported from here.
 */
import type { ApiDeps } from '../../deps';
import type { ApiRoutes } from '../../routing';
import { collectionCaseRoutes } from './cases';
import { disputeAnswerRoutes, disputeRoutes } from './dispute';
import { invoiceRoutes } from './invoices';
import { messageRoutes } from './messages';
import { postponementAndPlanRoutes } from './postponement-and-plan';
import { powerOfAttorneyRoutes } from './powers-of-attorney';
import { receiptRoutes } from './receipts';
import { suggestedSolutionRoutes } from './suggested-solution';
import { writeOffRoutes } from './write-off';

export {
  actOnCollectionCase,
  collectionCaseView,
  type CollectionCaseView,
  freshCollectionCase,
  visibleCollectionCase,
} from '../../collection-case';
export { type CollectionMessageView, collectionMessages, sendCollectionMessage } from './messages';
export {
  givePowerOfAttorney,
  powerOfAttorneyStatus,
  type PowerOfAttorneyView,
  powersOfAttorney,
  revokePowerOfAttorney,
} from './powers-of-attorney';
export { collectionReceipts, type CollectionReceiptView, submitCollectionReceipt } from './receipts';
export {
  acceptCollectionSolution,
  type CollectionSuggestionView,
  suggestCollectionSolution,
} from './suggested-solution';

export function collectionRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  collectionCaseRoutes(routes, deps);
  postponementAndPlanRoutes(routes, deps);
  disputeRoutes(routes, deps);
  invoiceRoutes(routes, deps);
  disputeAnswerRoutes(routes, deps);
  writeOffRoutes(routes, deps);
  receiptRoutes(routes, deps);
  messageRoutes(routes, deps);
  suggestedSolutionRoutes(routes, deps);
  powerOfAttorneyRoutes(routes, deps);
}
