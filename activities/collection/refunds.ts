/**
 * R-PAY-4, R-COLL-9: a collection case that ends paid may leave the customer credit (a payment
 * beyond the claim): the case's workflow opens its refund here when it closes, by the same rule as
 * a loan's (activities/loan/refunds.ts), and starts it with the loan's `startRefund`.
 */
import { findCollectionCase } from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import type { IsoDate } from '../../domain/dates';
import { openRefundOfCredit, type OpenedRefund } from '../loan/refunds';

export function createCollectionRefundActivities({ db }: { db: Db }) {
  return {
    /** Null when the case's loan holds no credit beyond other refunds; a repeat returns the first refund. */
    async openCaseRefund(input: {
      caseId: string;
      /** `collection-<caseNumber>:refund:close`: the refund's id. */
      idempotencyKey: string;
      date: IsoDate;
    }): Promise<OpenedRefund | null> {
      const row = await findCollectionCase(db, input.caseId);
      if (!row) throw new Error(`no collection case ${input.caseId}`);
      return openRefundOfCredit(db, {
        loanId: row.loan_id,
        idempotencyKey: input.idempotencyKey,
        trigger: 'case-overpaid',
        date: input.date,
      });
    },
  };
}
