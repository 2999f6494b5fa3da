/**
 * The pages (web/) import the self-service functions by this path; they live per feature in
 * api/routes/collection/. Remove this file once web/ imports from there.
 */
export {
  acceptCollectionSolution,
  collectionMessages,
  type CollectionMessageView,
  collectionReceipts,
  type CollectionReceiptView,
  type CollectionSuggestionView,
  givePowerOfAttorney,
  powerOfAttorneyStatus,
  type PowerOfAttorneyView,
  powersOfAttorney,
  revokePowerOfAttorney,
  sendCollectionMessage,
  submitCollectionReceipt,
  suggestCollectionSolution,
} from './collection';
