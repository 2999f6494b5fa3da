/**
 * Powers of attorney (R-COLL-8): the debtor gives a helper power over their collection cases,
 * signed with BankID by the debtor themself; the helper then reads and acts on those cases logged
 * in as themself (who may see a case: api/collection-access.ts). The debtor reads and revokes what
 * they gave; a helper reads what they hold.
 */
import { randomUUID } from 'node:crypto';
import { BankIdError } from '../../../adapters/bankid';
import {
  findPowerOfAttorney,
  insertPowerOfAttorney,
  listPowersOfAttorneyGiven,
  listPowersOfAttorneyHeld,
  type PowerOfAttorneyRow,
  updatePowerOfAttorney,
} from '../../../db/collection-self-service-repository';
import { customerIdForPersonnummer } from '../../../db/customer-identity-repository';
import { decidePowerOfAttorney, powerOfAttorneyInForce } from '../../../domain/collection-self-service';
import { parsePersonnummer } from '../../../domain/personnummer';
import { powerOfAttorneySignText } from '../../../texts/collection-self-service';
import type { Principal } from '../../auth';
import { casesVisibleTo } from '../../collection-access';
import { COLLECTION_TAG } from '../../collection-case';
import type { ApiDeps } from '../../deps';
import { conflict, notFound, orProblem, ProblemError, refusalProblem } from '../../problem';
import type { ApiRoutes } from '../../routing';
import { endUserIp } from '../../security';
import { isoDate, stockholmToday } from '../../schemas';
import { z } from '../../zod';

const uuid = z.string().uuid();

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

const toPower = (p: PowerOfAttorneyRow, today: string) => ({
  id: p.id,
  status: p.status,
  inForce: powerOfAttorneyInForce({ status: p.status, validUntil: p.valid_until }, today),
  validUntil: p.valid_until,
  helperBirthDate: parsePersonnummer(p.helper_personnummer, today).birthDate,
  signedAt: p.signed_at?.toISOString() ?? null,
  revokedAt: p.revoked_at?.toISOString() ?? null,
});

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

export function powerOfAttorneyRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/powers-of-attorney',
    operationId: 'givePowerOfAttorney',
    summary: 'Give a helper power of attorney over your collection cases: starts your BankID signature',
    description:
      'The helper is named by personal identity number; until `validUntil` (or until revoked) they may read and act ' +
      'on your cases, logged in as themself, and every act is recorded as theirs. In force once you have signed ' +
      '(poll `GET /v1/powers-of-attorney/{id}`).',
    tags: [COLLECTION_TAG],
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
    tags: [COLLECTION_TAG],
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
    tags: [COLLECTION_TAG],
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
    tags: [COLLECTION_TAG],
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
