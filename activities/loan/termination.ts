/** R-LOAN-4, R-COLL-1: termination for payment in advance, its cure, and the handover to collection. */
import { findCollectionCaseOfLoan, insertCollectionCase } from '../../db/collection-case-repository';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import { lockLoan, nextInvoiceNumber, setLoanStatus } from '../../db/loan-repository';
import {
  findTerminationNotice,
  insertTerminationNotice,
  resolveTerminationNotice,
} from '../../db/termination-notice-repository';
import { setWithdrawalStatus } from '../../db/withdrawal-repository';
import { chargePosting, customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount, maxAmount, ZERO } from '../../domain/money';
import { overdueAmount, TERMINATION_COUNTED_KINDS } from '../../domain/overdue';
import { DEFAULT_PRODUCT } from '../../domain/product';
import { evaluateTerminationGrounds, terminationNoticeEndDate } from '../../domain/termination';
import { collectionLetter, terminationLetter } from '../../texts/loan';
import { idempotencyKey } from '../../domain/idempotency';
import { businessMetrics } from '../../platform/metrics';
import type { LoanActivityContext } from './context';
import { computePayoff, settlePayoff } from './early-repayment';
import { accrueDefaultInterest, chargeLateFeesOfLateInvoices } from './ledger-steps';
import { addDays } from '../../domain/dates';
import { type LoanSnapshot, loanSnapshot } from './snapshot';

export interface TerminationOutcome {
  sent: boolean;
  sequence?: number;
  endsOn?: string;
  grounds: string[];
  snapshot: LoanSnapshot;
}

export function createTerminationActivities({ db, withNotices }: LoanActivityContext) {
  return {
    /**
     * R-LOAN-4: evaluates grounds (a) and (b) on `date` and, when one holds, records a termination
     * notice with four weeks' notice. Idempotent per (loan, sequence).
     */
    async evaluateTermination(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:termination:<sequence>`. */
      idempotencyKey: string;
      date: string;
      claim: string;
      sequence: number;
    }): Promise<TerminationOutcome> {
      let sentNow = false; // counted once committed
      const outcome = await withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await findTerminationNotice(trx, input.loanId, input.sequence);
        if (existing)
          return {
            sent: true,
            sequence: existing.sequence,
            endsOn: existing.ends_on,
            grounds: existing.grounds,
            snapshot: await loanSnapshot(trx, input.loanId),
          };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        const items = await openInvoiceItems(trx, input.loanId);
        const grounds = evaluateTerminationGrounds({
          claim: new Decimal(input.claim),
          evaluationDate: input.date,
          overdueItems: items.map((i) => ({
            id: i.id,
            dueDate: i.dueDate,
            unpaid: overdueAmount(i, TERMINATION_COUNTED_KINDS),
          })),
        });
        if (!grounds.allowed) return { sent: false, grounds: [], snapshot: await loanSnapshot(trx, input.loanId) };
        const endsOn = terminationNoticeEndDate(input.date);
        await insertTerminationNotice(trx, {
          loan_id: input.loanId,
          sequence: input.sequence,
          sent_on: input.date,
          ends_on: endsOn,
          grounds: JSON.stringify(grounds.grounds),
          overdue_amount: formatAmount(grounds.amountMoreThanOneMonthLate),
          status: 'OPEN',
          resolved_on: null,
        });
        await setLoanStatus(trx, input.loanId, 'TERMINATION_NOTICE');
        sentNow = true;
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'termination',
          ...terminationLetter({ contractNumber: loan.contract_number, grounds: grounds.grounds, endsOn }),
          date: input.date,
          byPost: true,
        });
        return {
          sent: true,
          sequence: input.sequence,
          endsOn,
          grounds: grounds.grounds,
          snapshot: await loanSnapshot(trx, input.loanId),
        };
      });
      if (sentNow) businessMetrics.terminationNotices.inc();
      return outcome;
    },

    /** R-LOAN-4: everything overdue plus default interest was paid in time: the termination lapses. */
    async lapseTermination(input: { loanId: string; sequence: number; date: string }): Promise<LoanSnapshot> {
      return db.transaction().execute(async (trx) => {
        await lockLoan(trx, input.loanId);
        await resolveTerminationNotice(trx, input.loanId, input.sequence, 'CURED', input.date);
        await setLoanStatus(trx, input.loanId, 'ACTIVE');
        return loanSnapshot(trx, input.loanId);
      });
    },

    /**
     * R-LOAN-4, R-COLL-1: the notice ended uncured (or a withdrawal was not repaid, sequence 0):
     * the whole debt is due and the loan goes to collection with a case holding the claim
     * (principal, interest, fees, default interest and the statutory collection fee). One case per loan.
     */
    async handOverToCollection(input: {
      loanId: string;
      /** The step's key from the workflow (domain/idempotency.ts): `<loanId>:collection`. */
      idempotencyKey: string;
      sequence: number;
      date: string;
    }): Promise<{ caseId: string; total: string }> {
      return withNotices(async (trx, notices) => {
        const loan = await lockLoan(trx, input.loanId);
        const existing = await findCollectionCaseOfLoan(trx, input.loanId);
        if (existing) return { caseId: existing.id, total: existing.total };
        await accrueDefaultInterest(trx, input.loanId, input.date);
        // R-LOAN-3: an installment that fell due before the handover is late like any other: its fee.
        await chargeLateFeesOfLateInvoices(trx, input.loanId, input.date);
        if (input.sequence > 0) {
          // R-LOAN-4, seed 002 §9: the whole debt falls due the day after the notice's last day;
          // interest runs to that day (actual/365), not for the time after, as for a whole early
          // repayment: interest invoiced for a period not yet due is credited.
          const notice = await findTerminationNotice(trx, input.loanId, input.sequence);
          const dueOn = notice ? addDays(notice.ends_on, 1) : input.date;
          const payoff = await computePayoff(trx, input.loanId, dueOn);
          await settlePayoff(trx, input.loanId, dueOn, payoff, 'whole-debt');
        }
        const lastInvoice = (await nextInvoiceNumber(trx, input.loanId)) - 1;
        const collectionFee = new Decimal(DEFAULT_PRODUCT.fees.collection);
        await postInTransaction(
          trx,
          chargePosting(
            input.loanId,
            lastInvoice,
            input.date,
            'collection-fee',
            collectionFee,
            idempotencyKey(input.loanId, 'collection-fee'),
          ),
        );
        const b = await loanAccountBalances(trx, input.loanId);
        const fees = maxAmount(ZERO, b.fees_receivable.minus(collectionFee));
        const caseId = `collection-${input.loanId}`;
        const total = customerDebt(b);
        await insertCollectionCase(trx, {
          id: caseId,
          loan_id: input.loanId,
          opened_on: input.date,
          principal: formatAmount(b.principal_outstanding.plus(b.principal_invoiced)),
          interest: formatAmount(b.interest_receivable),
          fees: formatAmount(fees),
          default_interest: formatAmount(b.default_interest_receivable),
          collection_fee: formatAmount(collectionFee),
          total: formatAmount(total),
          status: 'OPEN',
        });
        await resolveTerminationNotice(trx, input.loanId, input.sequence, 'EXPIRED', input.date);
        if (input.sequence === 0) await setWithdrawalStatus(trx, input.loanId, 'OVERDUE');
        await setLoanStatus(trx, input.loanId, 'IN_COLLECTION');
        notices.push({
          idempotencyKey: `${input.idempotencyKey}:notice`,
          customerId: loan.customer_id,
          loanId: input.loanId,
          kind: 'collection',
          ...collectionLetter({ contractNumber: loan.contract_number, total, collectionFee }),
          date: input.date,
          byPost: true,
        });
        return { caseId, total: formatAmount(total) };
      });
    },
  };
}
