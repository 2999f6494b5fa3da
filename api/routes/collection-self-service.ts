/**
 * The debtor's self-service on collection cases, part 2 (R-COLL-2, R-COLL-6, R-COLL-8, R-SEC-1):
 * receipts of a payment made elsewhere (a file of its own upload, then the receipt), the message
 * thread per case, the suggested solution over several cases, and powers of attorney signed with
 * BankID; the operators' side: decide a receipt, read its file, answer a message. Who may see a
 * case is decided once (api/collection-access.ts); the case's actions are its workflow's updates,
 * whose refusals are mapped once (api/problem.ts). No business rule lives here.
 *
 * Longer than 400 lines: four features' customer and operator endpoints share the case access,
 * the update-to-problem mapping and the wire schemas; split per feature (receipts, messages,
 * suggestion, powers of attorney) when one grows further.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { BankIdError } from '../../adapters/bankid';
import type { CaseListRow } from '../../db/collection-case-repository';
import {
  findPowerOfAttorney,
  findReceipt,
  findReceiptFileOfCase,
  insertPowerOfAttorney,
  insertReceiptFile,
  listCaseMessages,
  listPowersOfAttorneyGiven,
  listPowersOfAttorneyHeld,
  listReceipts,
  type PowerOfAttorneyRow,
  readReceiptFile,
  type ReceiptRow,
  updatePowerOfAttorney,
} from '../../db/collection-self-service-repository';
import { customerIdForPersonnummer } from '../../db/customer-identity-repository';
import { claimTotal } from '../../domain/collection';
import { collectionCaseWorkflowId, COLLECTION_STAGES, type Decision } from '../../domain/collection-case';
import {
  COLLECTION_SELF_SERVICE_PARAMETERS,
  decidePowerOfAttorney,
  decideReceiptFile,
  powerOfAttorneyInForce,
  RECEIPT_FILE_TYPES,
  suggestSolution,
} from '../../domain/collection-self-service';
import { Decimal } from '../../domain/money';
import { parsePersonnummer } from '../../domain/personnummer';
import { powerOfAttorneySignText } from '../../texts/collection-self-service';
import { type CaseView, proposePlanUpdate } from '../../workflows/collection-case-messages';
import {
  answerCaseMessageUpdate,
  decideReceiptUpdate,
  sendCaseMessageUpdate,
  submitReceiptUpdate,
} from '../../workflows/collection-case-self-service-messages';
import type { Principal } from '../auth';
import { casesVisibleTo, findCaseAccess } from '../collection-access';
import { caseClaimToday } from '../case-claim';
import type { ApiDeps } from '../deps';
import {
  conflict,
  isWorkflowGone,
  notFound,
  ProblemError,
  refusalOf,
  refusalProblem,
  type RefusalFields,
} from '../problem';
import type { ApiRoutes } from '../routing';
import { endUserIp } from '../security';
import { isoDate, positiveAmountString, stockholmToday } from '../schemas';
import { z } from '../zod';

const TAG = 'collection';
const caseParams = z.object({ caseNumber: z.string().regex(/^\d{6,9}$/, 'not a case number') });
const uuid = z.string().uuid();
const money = z.string().describe('SEK, two decimals');

const receiptSchema = z
  .object({
    id: z.string(),
    bankReference: z.string(),
    paidOn: isoDate,
    amount: money,
    status: z.enum(['CHECKING', 'ACCEPTED', 'REJECTED']),
    submittedOn: isoDate,
    hasFile: z.boolean(),
    decidedOn: isoDate.nullable(),
    reason: z.string().nullable().describe('why a receipt was rejected'),
    paymentId: z.string().nullable().describe('the payment an accepted receipt registered'),
  })
  .openapi('CollectionReceipt');

const messageSchema = z
  .object({
    id: z.string(),
    from: z.enum(['customer', 'operator']),
    body: z.string(),
    sentAt: z.string().describe('ISO 8601 instant'),
  })
  .openapi('CollectionMessage');

const caseStateSchema = z
  .object({ caseNumber: z.string(), status: z.string(), stage: z.string(), deadline: isoDate.nullable() })
  .openapi('CollectionCaseState');

const powerOfAttorneySchema = z
  .object({
    id: z.string(),
    status: z.enum(['PENDING_SIGNATURE', 'ACTIVE', 'REVOKED', 'SIGNING_FAILED']),
    inForce: z.boolean(),
    validUntil: isoDate,
    helperBirthDate: isoDate.describe('the helper, without their full personal identity number (R-SEC-2)'),
    signedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('PowerOfAttorney');

const heldPowerSchema = z
  .object({ id: z.string(), validUntil: isoDate, caseNumbers: z.array(z.string()) })
  .openapi('PowerOfAttorneyHeld');

const bankIdOrderSchema = z
  .object({
    id: z.string(),
    status: z.literal('PENDING_SIGNATURE'),
    orderRef: z.string(),
    autoStartToken: z.string(),
    qrStartToken: z.string(),
  })
  .openapi('PowerOfAttorneySigning');

const suggestionSchema = z
  .object({
    monthlyAmount: money,
    dayOfMonth: z.number().int(),
    plans: z.array(
      z.object({
        caseNumber: z.string(),
        monthlyAmount: money,
        months: z.number().int(),
        lastDueDate: isoDate,
        total: money.describe('the claim today plus the plan fee'),
      }),
    ),
    excluded: z.array(z.object({ caseNumber: z.string(), stage: z.string() })),
  })
  .openapi('CollectionSuggestedSolution');

const toReceipt = (r: ReceiptRow) => ({
  id: r.id,
  bankReference: r.bank_reference,
  paidOn: r.paid_on,
  amount: r.amount,
  status: r.status,
  submittedOn: r.submitted_on,
  hasFile: r.file_id !== null,
  decidedOn: r.decided_on,
  reason: r.reason,
  paymentId: r.payment_id,
});

const toPower = (p: PowerOfAttorneyRow, today: string) => ({
  id: p.id,
  status: p.status,
  inForce: powerOfAttorneyInForce({ status: p.status, validUntil: p.valid_until }, today),
  validUntil: p.valid_until,
  helperBirthDate: parsePersonnummer(p.helper_personnummer, today).birthDate,
  signedAt: p.signed_at?.toISOString() ?? null,
  revokedAt: p.revoked_at?.toISOString() ?? null,
});

function orProblem<T>(decision: Decision<T>, fields: RefusalFields = {}): T {
  if (decision.ok) return decision.value;
  throw refusalProblem(decision.refusal, fields);
}

const handleOf = (deps: ApiDeps, row: CaseListRow) =>
  deps.temporal.workflow.getHandle(collectionCaseWorkflowId(row.case_number!));

/** One of the case's updates; a refusal is the problem it names, a case that has ended a 409. */
async function update<A>(row: CaseListRow, fields: RefusalFields, run: () => Promise<A>): Promise<A> {
  try {
    return await run();
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) throw refusalProblem(refused, fields);
    if (isWorkflowGone(err)) throw conflict(`collection case ${row.case_number} is ${row.status}`);
    throw err;
  }
}

export type CollectionReceiptView = ReturnType<typeof toReceipt>;

/** The receipts sent on a case, oldest first (the API's and Mina sidor's list). */
export async function collectionReceipts(deps: ApiDeps, row: CaseListRow): Promise<CollectionReceiptView[]> {
  return (await listReceipts(deps.db, row.id)).map(toReceipt);
}

/** R-COLL-2: a receipt of a payment made elsewhere, sent to the case's workflow to be checked. */
export async function submitCollectionReceipt(
  deps: ApiDeps,
  principal: Principal,
  row: CaseListRow,
  body: { bankReference: string; paidOn: string; amount: string; fileId?: string | undefined },
): Promise<CollectionReceiptView> {
  if (body.fileId && !(await findReceiptFileOfCase(deps.db, row.id, body.fileId))) {
    throw new ProblemError(400, 'Bad Request', 'no such file on this case', [
      { field: 'body.fileId', message: 'upload the file to this case first' },
    ]);
  }
  const receiptId = randomUUID();
  await update(row, {}, () =>
    handleOf(deps, row).executeUpdate(submitReceiptUpdate, {
      args: [
        {
          actor: principal.sub,
          receiptId,
          bankReference: body.bankReference,
          paidOn: body.paidOn,
          amount: body.amount,
          ...(body.fileId ? { fileId: body.fileId } : {}),
        },
      ],
    }),
  );
  return toReceipt((await findReceipt(deps.db, receiptId))!);
}

export type CollectionMessageView = Awaited<ReturnType<typeof collectionMessages>>[number];

/** The case's message thread, oldest first. */
export async function collectionMessages(deps: ApiDeps, row: CaseListRow) {
  return (await listCaseMessages(deps.db, row.id)).map((m) => ({
    id: String(m.id),
    from: m.from_role,
    body: m.body,
    sentAt: m.created_at.toISOString(),
  }));
}

/** A message in the case's thread, from the customer (or their helper) or an operator's answer. */
export async function sendCollectionMessage(
  deps: ApiDeps,
  principal: Principal,
  row: CaseListRow,
  body: string,
  as: 'customer' | 'operator',
): Promise<CaseView> {
  return update(row, { body: ['body'] }, () =>
    handleOf(deps, row).executeUpdate(as === 'customer' ? sendCaseMessageUpdate : answerCaseMessageUpdate, {
      args: [{ actor: principal.sub, messageId: randomUUID(), body }],
    }),
  );
}

/** The caller's own open cases with the claim exact to today (R-COLL-1). */
async function openCasesOf(deps: ApiDeps, principal: Principal) {
  const rows = (await casesVisibleTo(deps.db, principal)).filter(
    (r) => r.customer_id === principal.sub && r.status === 'OPEN',
  );
  return Promise.all(
    rows.map(async (row) => {
      const claim = await caseClaimToday(deps, row);
      return {
        row,
        caseNumber: row.case_number!,
        claimTotal: claimTotal(claim),
        standing: {
          stage: row.stage ?? 'DEMAND',
          deadline: row.deadline,
          postponementsUsed: row.postponements_used,
        },
      };
    }),
  );
}

async function suggest(deps: ApiDeps, principal: Principal, body: { monthlyAmount: string; dayOfMonth: number }) {
  const cases = await openCasesOf(deps, principal);
  if (cases.length === 0) throw notFound('you have no open collection cases');
  const solution = orProblem(
    suggestSolution({
      today: stockholmToday(),
      monthlyAmount: new Decimal(body.monthlyAmount),
      dayOfMonth: body.dayOfMonth,
      cases,
    }),
  );
  return { cases, solution };
}

const suggestionView = (solution: Awaited<ReturnType<typeof suggest>>['solution']) => ({
  monthlyAmount: solution.monthlyAmount,
  dayOfMonth: solution.dayOfMonth,
  plans: solution.plans.map(({ plan: _plan, ...p }) => p),
  excluded: solution.excluded,
});

export type CollectionSuggestionView = ReturnType<typeof suggestionView>;

/** R-COLL-6: one monthly amount over all the caller's open cases, the plan length on each. */
export async function suggestCollectionSolution(
  deps: ApiDeps,
  principal: Principal,
  body: { monthlyAmount: string; dayOfMonth: number },
): Promise<CollectionSuggestionView> {
  return suggestionView((await suggest(deps, principal, body)).solution);
}

/** R-COLL-6: the suggestion decided again today, then proposed to each case in turn. */
export async function acceptCollectionSolution(
  deps: ApiDeps,
  principal: Principal,
  body: { monthlyAmount: string; dayOfMonth: number },
) {
  const { cases, solution } = await suggest(deps, principal, body);
  const results: {
    caseNumber: string;
    accepted: boolean;
    stage?: (typeof COLLECTION_STAGES)[number];
    refusal?: string;
  }[] = [];
  for (const p of solution.plans) {
    const row = cases.find((c) => c.caseNumber === p.caseNumber)!.row;
    try {
      const view = await update(row, {}, () =>
        handleOf(deps, row).executeUpdate(proposePlanUpdate, {
          args: [{ actor: principal.sub, monthlyAmount: p.monthlyAmount, dayOfMonth: solution.dayOfMonth }],
        }),
      );
      results.push({ caseNumber: p.caseNumber, accepted: true, stage: view.stage });
    } catch (err) {
      if (!(err instanceof ProblemError) || err.status !== 409) throw err;
      results.push({ caseNumber: p.caseNumber, accepted: false, refusal: err.detail ?? err.title });
    }
  }
  return { ...suggestionView(solution), results };
}

async function ownPower(deps: ApiDeps, principal: Principal, id: string): Promise<PowerOfAttorneyRow> {
  const poa = await findPowerOfAttorney(deps.db, id);
  if (!poa || poa.grantor_customer_id !== principal.sub) throw notFound(`no power of attorney ${id}`);
  return poa;
}

export type PowerOfAttorneyView = ReturnType<typeof toPower>;

/**
 * R-COLL-8: a power of attorney to a helper, pending until the grantor signs the BankID order this
 * starts (its `qrStartSecret` is for a caller that draws the QR code itself, never sent by the API).
 */
export async function givePowerOfAttorney(
  deps: ApiDeps,
  principal: Principal,
  body: { helperPersonnummer: string; validUntil: string },
  ip: string,
) {
  if (!deps.bankId) throw new ProblemError(503, 'Service Unavailable', 'BankID is not configured');
  const today = stockholmToday();
  const decided = orProblem(
    decidePowerOfAttorney({ today, helperPersonnummer: body.helperPersonnummer, validUntil: body.validUntil }),
  );
  const helperCustomerId = await customerIdForPersonnummer(deps.db, deps.jwtSecret, decided.helperPersonnummer);
  if (helperCustomerId === principal.sub) {
    throw refusalProblem({
      kind: 'conflict',
      message: 'a power of attorney is given to someone else',
      field: 'helperPersonnummer',
      rule: 'R-COLL-8',
    });
  }
  const order = await deps.bankId.sign({
    endUserIp: ip,
    userVisibleData: powerOfAttorneySignText({
      helperBirthDate: parsePersonnummer(decided.helperPersonnummer, today).birthDate,
      validUntil: decided.validUntil,
    }),
  });
  const id = randomUUID();
  await insertPowerOfAttorney(deps.db, {
    id,
    grantor_customer_id: principal.sub,
    helper_personnummer: decided.helperPersonnummer,
    helper_customer_id: helperCustomerId,
    valid_until: decided.validUntil,
    status: 'PENDING_SIGNATURE',
    order_ref: order.orderRef,
    signed_at: null,
    revoked_at: null,
  });
  return { id, order };
}

/** A power of attorney the caller gave; while its signature is pending, BankID is asked how it went. */
export async function powerOfAttorneyStatus(
  deps: ApiDeps,
  principal: Principal,
  id: string,
): Promise<PowerOfAttorneyView> {
  let poa = await ownPower(deps, principal, id);
  if (poa.status === 'PENDING_SIGNATURE' && poa.order_ref && deps.bankId) {
    let outcome: 'pending' | 'signed' | 'failed' = 'pending';
    try {
      const result = await deps.bankId.collect(poa.order_ref);
      if (result.status === 'failed') outcome = 'failed';
      if (result.status === 'complete') {
        // R-COLL-8: signed by the grantor themself (the person behind the customer id), no one else.
        const signer = await customerIdForPersonnummer(
          deps.db,
          deps.jwtSecret,
          result.completionData.user.personalNumber,
        );
        outcome = signer === poa.grantor_customer_id ? 'signed' : 'failed';
      }
    } catch (err) {
      if (!(err instanceof BankIdError) || err.errorCode !== 'notFound') throw err;
      outcome = 'failed';
    }
    if (outcome !== 'pending') {
      await updatePowerOfAttorney(
        deps.db,
        poa.id,
        outcome === 'signed' ? { status: 'ACTIVE', signed_at: new Date() } : { status: 'SIGNING_FAILED' },
        'PENDING_SIGNATURE',
      );
      poa = (await findPowerOfAttorney(deps.db, poa.id))!;
    }
  }
  return toPower(poa, stockholmToday());
}

/** R-COLL-8: revoked, the helper can neither see nor act on the grantor's cases from now on. */
export async function revokePowerOfAttorney(
  deps: ApiDeps,
  principal: Principal,
  id: string,
): Promise<PowerOfAttorneyView> {
  const poa = await ownPower(deps, principal, id);
  if (poa.status === 'REVOKED') throw conflict('the power of attorney is already revoked');
  if (poa.status === 'PENDING_SIGNATURE' && poa.order_ref && deps.bankId) {
    await deps.bankId.cancel(poa.order_ref).catch(() => undefined); // best effort: a finished order needs none
  }
  await updatePowerOfAttorney(deps.db, poa.id, { status: 'REVOKED', revoked_at: new Date() });
  return toPower((await findPowerOfAttorney(deps.db, poa.id))!, stockholmToday());
}

/** The powers of attorney the caller gave (newest first) and holds today, with the cases they cover. */
export async function powersOfAttorney(deps: ApiDeps, principal: Principal) {
  const today = stockholmToday();
  const given = await listPowersOfAttorneyGiven(deps.db, principal.sub);
  const held = await listPowersOfAttorneyHeld(deps.db, principal.sub, today);
  const visible = await casesVisibleTo(deps.db, principal);
  return {
    given: given.map((p) => toPower(p, today)),
    held: held.map((p) => ({
      id: p.id,
      validUntil: p.valid_until,
      caseNumbers: visible.filter((c) => c.customer_id === p.grantor_customer_id).map((c) => c.case_number!),
    })),
  };
}

export function collectionSelfServiceRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const caseOf = async (principal: Principal | undefined, caseNumber: string) =>
    (await findCaseAccess(deps.db, principal, caseNumber)).row;
  const stateOf = (view: CaseView) => ({
    caseNumber: view.caseNumber,
    status: view.status,
    stage: view.stage,
    deadline: view.deadline,
  });

  // --- receipts ---------------------------------------------------------------------------------

  // R-COLL-2: this route alone takes a body of up to 5 MB, as bytes (the JSON parser skips it).
  routes.router.post(
    '/v1/collection-cases/:caseNumber/receipt-files',
    express.raw({ type: () => true, limit: COLLECTION_SELF_SERVICE_PARAMETERS.receiptFileMaxBytes }),
  );
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/receipt-files',
    operationId: 'uploadCollectionReceiptFile',
    summary: 'Upload the scan of a receipt (PDF, JPEG or PNG, at most 5 MB) before sending the receipt',
    description:
      'The body is the file itself, with its content type. Its content must be what the type says (checked by its ' +
      'first bytes). Answers the file id to name in `POST …/receipts`.',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    rawBody: { mediaTypes: RECEIPT_FILE_TYPES, description: 'the file' },
    responses: {
      201: {
        description: 'stored',
        schema: z
          .object({ fileId: z.string(), contentType: z.string(), size: z.number().int() })
          .openapi('CollectionReceiptFile'),
      },
    },
    handler: async ({ params, principal, req }) => {
      const row = await caseOf(principal, params.caseNumber);
      const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = orProblem(decideReceiptFile({ declaredType: req.get('content-type') ?? '', bytes }), {
        bodyPrefix: '',
      });
      const fileId = randomUUID();
      await insertReceiptFile(deps.db, {
        id: fileId,
        case_id: row.id,
        uploaded_by: principal!.sub,
        content_type: type,
        size: bytes.length,
        content: bytes,
      });
      return { status: 201, body: { fileId, contentType: type, size: bytes.length } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/receipts',
    operationId: 'submitCollectionReceipt',
    summary: 'Send a receipt of a payment made elsewhere: an operator checks it; meanwhile no enforcement',
    description:
      'Accepted, the payment is registered to the case at its date; rejected, the customer is told why and the ' +
      'timeline resumes. While any receipt is being checked the case is not sent to the enforcement authority.',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: z
      .strictObject({
        bankReference: z.string().trim().min(1).max(100),
        paidOn: isoDate,
        amount: positiveAmountString,
        fileId: uuid.optional(),
      })
      .openapi('CollectionReceiptRequest'),
    responses: {
      201: { description: 'received: being checked', schema: receiptSchema },
      409: { description: 'the case has ended' },
    },
    handler: async ({ params, body, principal }) => {
      const row = await caseOf(principal, params.caseNumber);
      return { status: 201, body: await submitCollectionReceipt(deps, principal!, row, body) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/receipts',
    operationId: 'listCollectionReceipts',
    summary: 'The receipts sent on a case and how each was decided',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'oldest first', schema: z.object({ items: z.array(receiptSchema) }) } },
    handler: async ({ params, principal }) => {
      const row = await caseOf(principal, params.caseNumber);
      return { status: 200, body: { items: await collectionReceipts(deps, row) } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/receipts/:receiptId/decision',
    operationId: 'decideCollectionReceipt',
    summary: 'Accept a receipt (the payment is registered through the payment path) or reject it with a reason',
    tags: [TAG],
    auth: ['operator'],
    params: caseParams.extend({ receiptId: uuid }),
    body: z
      .strictObject({
        outcome: z.enum(['accepted', 'rejected']),
        reason: z.string().trim().min(1).max(4000).optional().describe('required when rejected; the customer reads it'),
      })
      .openapi('CollectionReceiptDecision'),
    responses: {
      200: { description: 'decided', schema: receiptSchema },
      409: { description: 'the receipt is not being checked, or the case has ended' },
    },
    handler: async ({ params, body, principal }) => {
      const row = await caseOf(principal, params.caseNumber);
      const receipt = await findReceipt(deps.db, params.receiptId);
      if (!receipt || receipt.case_id !== row.id) throw notFound(`no receipt ${params.receiptId} on this case`);
      await update(row, { params: ['receiptId'], body: ['outcome', 'reason'] }, () =>
        handleOf(deps, row).executeUpdate(decideReceiptUpdate, {
          args: [
            {
              actor: principal!.sub,
              receiptId: receipt.id,
              outcome: body.outcome,
              ...(body.reason ? { reason: body.reason } : {}),
            },
          ],
        }),
      );
      return { status: 200, body: toReceipt((await findReceipt(deps.db, receipt.id))!) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/operator/collection-receipt-files/:fileId',
    operationId: 'readCollectionReceiptFile',
    summary: 'The file sent with a receipt, as it was uploaded',
    tags: [TAG],
    auth: ['operator'],
    params: z.object({ fileId: uuid }),
    responses: {
      200: {
        description: 'the file',
        mediaType: RECEIPT_FILE_TYPES,
      },
    },
    handler: async ({ params, res }) => {
      const file = await readReceiptFile(deps.db, params.fileId);
      if (!file) throw notFound(`no file ${params.fileId}`);
      res.status(200).type(file.content_type).setHeader('content-disposition', 'attachment');
      res.end(file.content);
      return { status: 200 };
    },
  });

  // --- messages ---------------------------------------------------------------------------------

  const messageBody = z.strictObject({ body: z.string().trim().min(1).max(4000) }).openapi('CollectionMessageRequest');

  routes.add({
    method: 'get',
    path: '/v1/collection-cases/:caseNumber/messages',
    operationId: 'listCollectionMessages',
    summary: 'The case’s message thread, oldest first',
    tags: [TAG],
    auth: ['customer', 'operator'],
    params: caseParams,
    responses: { 200: { description: 'the thread', schema: z.object({ items: z.array(messageSchema) }) } },
    handler: async ({ params, principal }) => {
      const row = await caseOf(principal, params.caseNumber);
      return { status: 200, body: { items: await collectionMessages(deps, row) } };
    },
  });

  const sendMessage =
    (as: 'customer' | 'operator') =>
    async (ctx: { params: { caseNumber: string }; body: { body: string }; principal: Principal | undefined }) => {
      const row = await caseOf(ctx.principal, ctx.params.caseNumber);
      const view = await sendCollectionMessage(deps, ctx.principal!, row, ctx.body.body, as);
      return { status: 201, body: { case: stateOf(view), items: await collectionMessages(deps, row) } };
    };
  const threadAnswer = z.object({ case: caseStateSchema, items: z.array(messageSchema) });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/:caseNumber/messages',
    operationId: 'sendCollectionMessage',
    summary: 'Write to the collector in the case’s thread',
    tags: [TAG],
    auth: ['customer'],
    params: caseParams,
    body: messageBody,
    responses: {
      201: { description: 'sent: the thread', schema: threadAnswer },
      409: { description: 'the case has ended' },
    },
    handler: sendMessage('customer'),
  });

  routes.add({
    method: 'post',
    path: '/v1/operator/collection-cases/:caseNumber/messages',
    operationId: 'answerCollectionMessage',
    summary: 'Answer in the case’s thread: the customer gets it in the mailbox, told by SMS or email',
    tags: [TAG],
    auth: ['operator'],
    params: caseParams,
    body: messageBody,
    responses: {
      201: { description: 'sent: the thread', schema: threadAnswer },
      409: { description: 'the case has ended' },
    },
    handler: sendMessage('operator'),
  });

  // --- suggested solution -----------------------------------------------------------------------

  const suggestionBody = z
    .strictObject({ monthlyAmount: positiveAmountString, dayOfMonth: z.number().int().min(1).max(28) })
    .openapi('CollectionSuggestionRequest');
  routes.add({
    method: 'post',
    path: '/v1/collection-cases/suggested-solution',
    operationId: 'suggestCollectionSolution',
    summary: 'A suggested solution for all your open cases: one monthly amount, the plan length on each case',
    description:
      'Each case gets at least its own smallest acceptable amount (24 months, 300 SEK a month, plan fee 170); the ' +
      'rest of the amount is shared by the claims. Refused (409, rule R-COLL-6) with the smallest amount for all.',
    tags: [TAG],
    auth: ['customer'],
    body: suggestionBody,
    responses: {
      200: { description: 'the suggestion', schema: suggestionSchema },
      404: { description: 'you have no open collection cases' },
      409: { description: 'too low' },
    },
    handler: async ({ body, principal }) => {
      return { status: 200, body: await suggestCollectionSolution(deps, principal!, body) };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/collection-cases/suggested-solution/acceptance',
    operationId: 'acceptCollectionSolution',
    summary: 'Accept the suggested solution: an installment plan on each case at its share of the amount',
    description:
      'Decided again on the claims today, then proposed to each case in turn; each case answers as its own ' +
      'installment plan does. A case that refuses does not undo the plans already agreed.',
    tags: [TAG],
    auth: ['customer'],
    body: suggestionBody,
    responses: {
      200: {
        description: 'each case’s answer',
        schema: suggestionSchema.extend({
          results: z.array(
            z.object({
              caseNumber: z.string(),
              accepted: z.boolean(),
              stage: z.enum(COLLECTION_STAGES).optional(),
              refusal: z.string().optional(),
            }),
          ),
        }),
      },
      404: { description: 'you have no open collection cases' },
      409: { description: 'too low' },
    },
    handler: async ({ body, principal }) => {
      return { status: 200, body: await acceptCollectionSolution(deps, principal!, body) };
    },
  });

  // --- powers of attorney -----------------------------------------------------------------------

  routes.add({
    method: 'post',
    path: '/v1/powers-of-attorney',
    operationId: 'givePowerOfAttorney',
    summary: 'Give a helper power of attorney over your collection cases: starts your BankID signature',
    description:
      'The helper is named by personal identity number; until `validUntil` (or until revoked) they may read and act ' +
      'on your cases, logged in as themself, and every act is recorded as theirs. In force once you have signed ' +
      '(poll `GET /v1/powers-of-attorney/{id}`).',
    tags: [TAG],
    auth: ['customer'],
    body: z
      .strictObject({ helperPersonnummer: z.string().min(10).max(13), validUntil: isoDate })
      .openapi('PowerOfAttorneyRequest'),
    responses: {
      202: { description: 'the BankID sign order', schema: bankIdOrderSchema },
      409: { description: 'refused (R-COLL-8)' },
    },
    handler: async ({ body, principal, req }) => {
      const { id, order } = await givePowerOfAttorney(deps, principal!, body, endUserIp(req));
      return {
        status: 202,
        body: {
          id,
          status: 'PENDING_SIGNATURE' as const,
          orderRef: order.orderRef,
          autoStartToken: order.autoStartToken,
          qrStartToken: order.qrStartToken,
        },
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/powers-of-attorney',
    operationId: 'listPowersOfAttorney',
    summary: 'The powers of attorney you have given, and those you hold with the cases they cover',
    tags: [TAG],
    auth: ['customer'],
    responses: {
      200: {
        description: 'given (newest first) and held (in force today)',
        schema: z.object({ given: z.array(powerOfAttorneySchema), held: z.array(heldPowerSchema) }),
      },
    },
    handler: async ({ principal }) => ({ status: 200, body: await powersOfAttorney(deps, principal!) }),
  });

  routes.add({
    method: 'get',
    path: '/v1/powers-of-attorney/:id',
    operationId: 'getPowerOfAttorney',
    summary: 'A power of attorney you gave; while its signature is pending, BankID is asked how it went',
    tags: [TAG],
    auth: ['customer'],
    params: z.object({ id: uuid }),
    responses: { 200: { description: 'the power of attorney', schema: powerOfAttorneySchema } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: await powerOfAttorneyStatus(deps, principal!, params.id),
    }),
  });

  routes.add({
    method: 'delete',
    path: '/v1/powers-of-attorney/:id',
    operationId: 'revokePowerOfAttorney',
    summary: 'Revoke a power of attorney: from now on the helper can neither see nor act on your cases',
    tags: [TAG],
    auth: ['customer'],
    params: z.object({ id: uuid }),
    responses: {
      200: { description: 'revoked', schema: powerOfAttorneySchema },
      409: { description: 'already revoked' },
    },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: await revokePowerOfAttorney(deps, principal!, params.id),
    }),
  });
}
