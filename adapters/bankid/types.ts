/**
 * BankID Relying Party API v6.0 (`/rp/v6.0/auth`, `/sign`, `/collect`, `/cancel`): the types of
 * the protocol as the RP sees it. Field names are exactly the wire names.
 *
 * Not idempotent at the protocol level: `auth` and `sign` create a new order on every call. A
 * caller that retries a start after a lost answer may get `alreadyInProgress` (when the request
 * named a `requirement.personalNumber`); BankID then also cancels the earlier order, so one more
 * retry converges on a single live order. Callers keep the `orderRef` they got (for example as the
 * activity's result in workflow history) and collect that one.
 */

/** Hint codes of a pending order. */
export const PENDING_HINT_CODES = [
  'outstandingTransaction',
  'noClient',
  'started',
  'userMrtd',
  'userCallConfirm',
  'userSign',
] as const;

/** Hint codes of a failed order. */
export const FAILED_HINT_CODES = [
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'cancelled',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
] as const;

export type BankIdPendingHintCode = (typeof PENDING_HINT_CODES)[number];
export type BankIdFailedHintCode = (typeof FAILED_HINT_CODES)[number];
/** BankID may add hint codes at any time; an RP treats unknown ones generically. */
export type BankIdHintCode = BankIdPendingHintCode | BankIdFailedHintCode | (string & {});

export interface BankIdRequirement {
  /** 12 digits, YYYYMMDDNNNN: only this person can complete the order. */
  personalNumber?: string;
  pinCode?: boolean;
  mrtd?: boolean;
  cardReader?: 'class1' | 'class2';
  certificatePolicies?: string[];
}

export interface BankIdAuthRequest {
  /** The end user's IP address as seen by the RP (IPv4 or IPv6). */
  endUserIp: string;
  requirement?: BankIdRequirement;
  /** Plain text; the client base64-encodes it (UTF-8) as the protocol requires. */
  userVisibleData?: string;
  /** Plain text, not shown to the user but signed; base64-encoded by the client. */
  userNonVisibleData?: string;
  userVisibleDataFormat?: 'simpleMarkdownV1';
  returnUrl?: string;
  returnRisk?: boolean;
}

export interface BankIdSignRequest extends BankIdAuthRequest {
  /** What the user signs; required for sign. */
  userVisibleData: string;
}

export interface BankIdOrder {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
}

export interface BankIdCompletionData {
  user: { personalNumber: string; name: string; givenName: string; surname: string };
  device: { ipAddress: string; uhi?: string };
  /** YYYY-MM-DD */
  bankIdIssueDate: string;
  stepUp?: { mrtd: boolean };
  /** Base64 of the signature XML. */
  signature: string;
  /** Base64 of the OCSP response. */
  ocspResponse: string;
  risk?: 'low' | 'moderate' | 'high';
}

export type BankIdCollectResult =
  | { orderRef: string; status: 'pending'; hintCode: BankIdHintCode }
  | { orderRef: string; status: 'failed'; hintCode: BankIdHintCode }
  | { orderRef: string; status: 'complete'; completionData: BankIdCompletionData };

/** The RP API's error codes (HTTP 4xx/5xx with `{ errorCode, details }`). */
export type BankIdErrorCode =
  | 'alreadyInProgress'
  | 'invalidParameters'
  | 'unauthorized'
  | 'notFound'
  | 'methodNotAllowed'
  | 'requestTimeout'
  | 'unsupportedMediaType'
  | 'tooManyRequests'
  | 'internalError'
  | 'maintenance'
  | (string & {});

export interface BankIdClient {
  auth(request: BankIdAuthRequest): Promise<BankIdOrder>;
  sign(request: BankIdSignRequest): Promise<BankIdOrder>;
  collect(orderRef: string): Promise<BankIdCollectResult>;
  cancel(orderRef: string): Promise<void>;
}
