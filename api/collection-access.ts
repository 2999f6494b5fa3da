/**
 * R-SEC-1, R-COLL-8: who may see and act on a collection case, in one place. Operators: any case.
 * A customer: the cases of their own loans, and the cases of a customer who gave them a power of
 * attorney that is in force today (signed with BankID, not revoked, not past its date). Anyone
 * else's case, or an unknown one, is a 404. A helper's acts are recorded as theirs
 * (`helperActAudit`), beside the actor each workflow update carries.
 */
import type { RequestHandler } from 'express';
import { type CaseListRow, findCollectionCaseByNumber, listCollectionCases } from '../db/collection-case-repository';
import { listPowersOfAttorneyHeld, recordHelperAct } from '../db/collection-self-service-repository';
import type { Db } from '../db/database';
import { findLoan } from '../db/loan-repository';
import type { Logger } from '../platform/logger';
import type { Principal } from './auth';
import { notFound } from './problem';
import { stockholmToday } from './schemas';

export interface CaseAccess {
  row: CaseListRow;
  as: 'operator' | 'debtor' | 'helper';
  /** The power of attorney a helper acts under. */
  powerOfAttorneyId?: string;
}

/** The power of attorney in force today that lets `helper` act for `grantorCustomerId`, if any. */
async function powerHeld(db: Db, helper: string, grantorCustomerId: string): Promise<string | undefined> {
  const held = await listPowersOfAttorneyHeld(db, helper, stockholmToday());
  return held.find((p) => p.grantor_customer_id === grantorCustomerId)?.id;
}

/** The case if the principal may see and act on it; otherwise a 404 (R-SEC-1, R-COLL-8). */
export async function findCaseAccess(
  db: Db,
  principal: Principal | undefined,
  caseNumber: string,
): Promise<CaseAccess> {
  const missing = notFound(`no collection case ${caseNumber}`);
  const found = await findCollectionCaseByNumber(db, caseNumber);
  const loan = found ? await findLoan(db, found.loan_id) : undefined;
  if (!found || !loan || !principal) throw missing;
  const row: CaseListRow = { ...found, customer_id: loan.customer_id, contract_number: loan.contract_number };
  if (principal.role === 'operator') return { row, as: 'operator' };
  if (principal.role !== 'customer') throw missing;
  if (loan.customer_id === principal.sub) return { row, as: 'debtor' };
  const powerOfAttorneyId = await powerHeld(db, principal.sub, loan.customer_id);
  if (powerOfAttorneyId) return { row, as: 'helper', powerOfAttorneyId };
  throw missing;
}

/** R-COLL-2, R-COLL-8: a customer's own cases, then those of everyone who gave them a power in force. */
export async function casesVisibleTo(db: Db, principal: Principal): Promise<CaseListRow[]> {
  const own = await listCollectionCases(db, { customerId: principal.sub });
  const held = await listPowersOfAttorneyHeld(db, principal.sub, stockholmToday());
  const grantors = [...new Set(held.map((p) => p.grantor_customer_id))].filter((g) => g !== principal.sub);
  const represented = await Promise.all(grantors.map((customerId) => listCollectionCases(db, { customerId })));
  return [...own, ...represented.flat()];
}

const CASE_ACT = /^\/v1\/collection-cases\/(\d{6,9})\/[^?]+/;

/**
 * R-COLL-8: every act (a POST on one of a case's routes) a customer makes as someone's helper is
 * recorded once the response has finished: the power of attorney, the helper, the case, the
 * route and the status. Reads are not acts. A failed write is logged and never changes the answer.
 */
export function helperActAudit(db: Db, logger: Pick<Logger, 'error'>): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !CASE_ACT.test(req.path)) return next();
    res.once('finish', () => {
      const principal = req.principal;
      if (principal?.role !== 'customer') return;
      const caseNumber = CASE_ACT.exec(req.path)![1]!;
      const action = `POST ${req.path.replace(caseNumber, '{caseNumber}').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`;
      void (async () => {
        const found = await findCollectionCaseByNumber(db, caseNumber);
        const loan = found ? await findLoan(db, found.loan_id) : undefined;
        if (!found || !loan || loan.customer_id === principal.sub) return;
        const powerOfAttorneyId = await powerHeld(db, principal.sub, loan.customer_id);
        if (!powerOfAttorneyId) return;
        await recordHelperAct(db, {
          powerOfAttorneyId,
          helperCustomerId: principal.sub,
          caseId: found.id,
          action,
          status: res.statusCode,
        });
      })().catch((err: unknown) => logger.error({ err }, 'helper act not recorded'));
    });
    next();
  };
}
