/**
 * Custom search attributes operators filter on in the Temporal UI. They are stored unencrypted,
 * so they carry ids and statuses only, never personal data (R-SEC-2).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ApplicationStatus = defineSearchAttributeKey('ApplicationStatus', SearchAttributeType.KEYWORD);
export const VendorId = defineSearchAttributeKey('VendorId', SearchAttributeType.KEYWORD);
export const ApplicationReference = defineSearchAttributeKey('ApplicationReference', SearchAttributeType.KEYWORD);
export const LoanStatus = defineSearchAttributeKey('LoanStatus', SearchAttributeType.KEYWORD);
export const ContractNumber = defineSearchAttributeKey('ContractNumber', SearchAttributeType.KEYWORD);
export const DaysPastDue = defineSearchAttributeKey('DaysPastDue', SearchAttributeType.INT);
export const InCollection = defineSearchAttributeKey('InCollection', SearchAttributeType.BOOL);
export const CollectionStatus = defineSearchAttributeKey('CollectionStatus', SearchAttributeType.KEYWORD);
export const CaseNumber = defineSearchAttributeKey('CaseNumber', SearchAttributeType.KEYWORD);
export const DaysInCollection = defineSearchAttributeKey('DaysInCollection', SearchAttributeType.INT);

/** Registered on the dev server at start (and by the compose namespace job). */
export const ALL_SEARCH_ATTRIBUTES = [
  ApplicationStatus,
  VendorId,
  ApplicationReference,
  LoanStatus,
  ContractNumber,
  DaysPastDue,
  InCollection,
  CollectionStatus,
  CaseNumber,
  DaysInCollection,
];
