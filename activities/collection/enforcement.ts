/**
 * R-COLL-3: the application for a payment order to the enforcement authority, the case's final
 * state. The adapter call carries the step's key (a retry files nothing twice); the state is
 * recorded with the authority's reference, and the debtor is told by post and in the mailbox.
 */
import type { EnforcementClient } from '../../adapters/enforcement';
import { lockCollectionCase, recordCaseEvent, updateCollectionCase } from '../../db/collection-case-repository';
import { claimView, DEFAULT_COLLECTION_PRODUCT } from '../../domain/collection';
import type { IsoDate } from '../../domain/dates';
import { defaultInterestRatePercent } from '../../domain/default-interest';
import { Decimal } from '../../domain/money';
import { enforcementLetter } from '../../texts/collection';
import type { LoanActivityContext } from '../loan/context';
import { accrueCaseDefaultInterest, caseClaim, type CaseSnapshot, loanOfCase, snapshotOf } from './case-ledger';

export function createCollectionEnforcementActivities(
  { db, withNotices }: LoanActivityContext,
  enforcement: EnforcementClient | undefined,
) {
  return {
    async applyForPaymentOrder(input: {
      caseId: string;
      idempotencyKey: string;
      date: IsoDate;
    }): Promise<CaseSnapshot> {
      if (!enforcement) throw new Error('no enforcement authority client configured');
      const prepared = await db.transaction().execute(async (trx) => {
        const row = await lockCollectionCase(trx, input.caseId);
        await accrueCaseDefaultInterest(trx, row, input.date);
        const loan = await loanOfCase(trx, row);
        return { row, loan, claim: claimView(await caseClaim(trx, row.id)) };
      });
      const { row, loan, claim } = prepared;
      if (row.status !== 'OPEN') return snapshotOf(db, row, input.date);
      const filed = await enforcement.applyForPaymentOrder({
        idempotencyKey: input.idempotencyKey,
        caseNumber: row.case_number!,
        debtorCustomerId: loan.customer_id,
        claim: {
          principal: claim.principal,
          interest: claim.interest,
          fees: claim.fees,
          defaultInterest: claim.defaultInterest,
          collectionFee: claim.collectionFee,
        },
        defaultInterestRatePercent: defaultInterestRatePercent(new Decimal(loan.nominal_rate_percent)).toString(),
        defaultInterestFrom: input.date,
      });
      return withNotices(async (trx, notices) => {
        await lockCollectionCase(trx, input.caseId);
        await updateCollectionCase(trx, input.caseId, {
          status: 'SENT_TO_ENFORCEMENT',
          enforcement_reference: filed.applicationId,
          closed_on: input.date,
          deadline: null,
        });
        await recordCaseEvent(trx, {
          caseId: input.caseId,
          idempotencyKey: input.idempotencyKey,
          date: input.date,
          kind: 'sent-to-enforcement',
          detail: {
            applicationId: filed.applicationId,
            total: claim.total,
            bankgiro: DEFAULT_COLLECTION_PRODUCT.bankgiro,
          },
        });
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: loan.id,
          kind: 'collection-enforcement',
          ...enforcementLetter({ caseNumber: row.case_number!, total: claim.total, appliedOn: input.date }),
          date: input.date,
          byPost: true,
        });
        return snapshotOf(trx, row, input.date);
      });
    },
  };
}
