/**
 * A receipt's file on a collection case (R-COLL-2): decided by domain/collection-self-service.ts
 * (PDF, JPEG or PNG by its first bytes, at most the size cap) and stored on the case, to be named
 * by the receipt sent after it. Mina sidor's receipt form stores its file here; the API's
 * `POST /v1/collection-cases/{caseNumber}/receipt-files` takes the same steps.
 */
import { randomUUID } from 'node:crypto';
import type { CaseListRow } from '../db/collection-case-repository';
import { insertReceiptFile } from '../db/collection-self-service-repository';
import type { Decision } from '../domain/collection-case';
import { decideReceiptFile, type ReceiptFileType } from '../domain/collection-self-service';
import type { Principal } from './auth';
import type { ApiDeps } from './deps';

export interface StoredReceiptFile {
  fileId: string;
  contentType: ReceiptFileType;
  size: number;
}

/** The file stored on the case when it is one the rule takes; its refusal (naming the field) otherwise. */
export async function storeCollectionReceiptFile(
  deps: ApiDeps,
  uploader: Principal,
  row: CaseListRow,
  file: { declaredType: string; bytes: Buffer },
): Promise<Decision<StoredReceiptFile>> {
  const decided = decideReceiptFile({ declaredType: file.declaredType, bytes: file.bytes });
  if (!decided.ok) return decided;
  const fileId = randomUUID();
  await insertReceiptFile(deps.db, {
    id: fileId,
    case_id: row.id,
    uploaded_by: uploader.sub,
    content_type: decided.value,
    size: file.bytes.length,
    content: file.bytes,
  });
  return { ok: true, value: { fileId, contentType: decided.value, size: file.bytes.length } };
}
