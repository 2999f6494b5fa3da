/**
 * The collection case's steps (R-COLL-3…7): each locks the case, posts default interest up to the
 * step's date, changes the case (stage, deadline, agreements, ledger), records the event on the
 * case's timeline and the letter in the debtor's mailbox (R-LOAN-11; by post where the law wants
 * paper), in one transaction, once per idempotency key. Returns the case as the ledger says.
 */
import {
  lockCollectionCase,
  recordCaseEvent,
  updateCollectionCase,
  type CollectionCaseUpdate,
} from '../../db/collection-case-repository';
import { postInTransaction } from '../../db/ledger-repository';
import { findInvoice } from '../../db/loan-repository';
import type { Notice } from '../../domain/notice';
import {
  allocateCasePayment,
  type Claim,
  claimTotal,
  claimView,
  DEFAULT_COLLECTION_PRODUCT,
} from '../../domain/collection';
import type { CollectionStage, InstallmentPlan } from '../../domain/collection-case';
import { caseChargePosting, caseWriteOffPosting } from '../../domain/collection-ledger';
import type { IsoDate } from '../../domain/dates';
import { Decimal, formatAmount } from '../../domain/money';
import * as texts from '../../texts/collection';
import type { LoanActivityContext } from '../loan/context';
import { accrueCaseDefaultInterest, caseClaim, type CaseSnapshot, loanOfCase, snapshotOf } from './case-ledger';

export type CaseStep =
  | { kind: 'demand'; deadline: IsoDate }
  | { kind: 'last-reminder'; deadline: IsoDate }
  | { kind: 'postponed'; newDueDate: IsoDate }
  | { kind: 'plan-accepted'; plan: InstallmentPlan }
  | { kind: 'plan-installment'; number: number; count: number; amount: string; dueDate: IsoDate }
  | { kind: 'plan-reminder'; amount: string; dueDate: IsoDate }
  | { kind: 'plan-broken'; deadline: IsoDate }
  | { kind: 'dispute-filed'; reason: string; answerBy: IsoDate }
  | { kind: 'dispute-escalated' }
  | { kind: 'dispute-answered'; outcome: 'upheld' | 'rejected'; answer: string; reduceBy?: string; deadline?: IsoDate }
  | { kind: 'closed-paid' }
  | { kind: 'written-off'; reason: string }
  | { kind: 'invoice-copy'; invoiceNumber: number };

export interface CaseStepInput {
  caseId: string;
  /** `collection-<caseNumber>:<step>`: a repeat changes nothing and returns the case as it is. */
  idempotencyKey: string;
  date: IsoDate;
  step: CaseStep;
  /** Who acted (a debtor's or an operator's subject), recorded on the timeline. */
  actor?: string;
}

/** The whole remaining claim as lines to write off (R-COLL-3), or `amount` of it fees → interest → principal (R-COLL-7). */
function writeOffLines(claim: Claim, caseId: string, amount?: Decimal) {
  const allocation = allocateCasePayment(amount ?? claimTotal(claim), caseId, claim);
  return allocation.items.flatMap((i) => i.lines.map((l) => ({ kind: l.kind, amount: l.allocated })));
}

export function createCollectionStepActivities({ withNotices }: LoanActivityContext) {
  return {
    async advanceCase(input: CaseStepInput): Promise<CaseSnapshot> {
      return withNotices(async (trx, notices) => {
        const row = await lockCollectionCase(trx, input.caseId);
        const done = await trx
          .selectFrom('collection_case_events')
          .select('id')
          .where('idempotency_key', '=', input.idempotencyKey)
          .executeTakeFirst();
        if (done) return snapshotOf(trx, row, input.date);
        await accrueCaseDefaultInterest(trx, row, input.date);
        const loan = await loanOfCase(trx, row);
        const pay: texts.PayTo = {
          caseNumber: row.case_number!,
          ocrReference: row.ocr_reference!,
          bankgiro: DEFAULT_COLLECTION_PRODUCT.bankgiro,
        };
        const claimNow = async () => {
          const claim = await caseClaim(trx, row.id);
          return { ...claimView(claim), claim };
        };
        const notice = (kind: string, letter: texts.CollectionLetter, byPost = false) =>
          notices.push({
            idempotencyKey: `${input.idempotencyKey}:notice`,
            customerId: loan.customer_id,
            loanId: loan.id,
            kind,
            ...letter,
            date: input.date,
            byPost,
          } satisfies Notice);
        const changes: CollectionCaseUpdate = {};
        const stage = (s: CollectionStage, deadline: IsoDate | null) => {
          changes.stage = s;
          changes.deadline = deadline;
        };
        const detail: Record<string, unknown> = { ...(input.actor ? { actor: input.actor } : {}) };
        // R-COLL-3, R-COLL-7: writes off the whole claim, or `amount` of it.
        const writeOff = (claim: Claim, keySuffix: string, amount?: Decimal) =>
          postInTransaction(
            trx,
            caseWriteOffPosting({
              loanId: loan.id,
              caseId: row.id,
              date: input.date,
              lines: writeOffLines(claim, row.id, amount),
              idempotencyKey: `${input.idempotencyKey}:${keySuffix}`,
            }),
          );
        // A step with a deadline sends the whole claim, itemised, by post too.
        const claimStep = async (
          s: CollectionStage,
          deadline: IsoDate,
          kind: string,
          letter: (claim: Awaited<ReturnType<typeof claimNow>>) => texts.CollectionLetter,
        ) => {
          const claim = await claimNow();
          stage(s, deadline);
          notice(kind, letter(claim), true);
          Object.assign(detail, { deadline, total: claim.total });
        };
        const step = input.step;
        switch (step.kind) {
          case 'demand': {
            // R-COLL-4: the demand goes to the mailbox and by post, claim itemised.
            await claimStep('DEMAND', step.deadline, 'collection-demand', (claim) =>
              texts.demandLetter({ pay, contractNumber: loan.contract_number, claim, deadline: step.deadline }),
            );
            break;
          }
          case 'last-reminder': {
            await claimStep('LAST_REMINDER', step.deadline, 'collection-last-reminder', (claim) =>
              texts.lastReminderLetter({ pay, claim, deadline: step.deadline }),
            );
            break;
          }
          case 'postponed': {
            stage('POSTPONED', step.newDueDate);
            changes.postponements_used = row.postponements_used + 1;
            notice('collection-postponement', texts.postponementLetter({ pay, newDueDate: step.newDueDate }));
            Object.assign(detail, { newDueDate: step.newDueDate });
            break;
          }
          case 'plan-accepted': {
            // R-COLL-6: the plan fee is added to the claim.
            await postInTransaction(
              trx,
              caseChargePosting({
                loanId: loan.id,
                caseId: row.id,
                date: input.date,
                kind: 'other-fee',
                amount: new Decimal(step.plan.fee),
                idempotencyKey: `${input.idempotencyKey}:plan-fee`,
              }),
            );
            stage('PLAN', step.plan.installments[0]!.dueDate);
            changes.plan = JSON.stringify(step.plan);
            notice(
              'collection-plan',
              texts.planAcceptedLetter({ pay, fee: step.plan.fee, installments: step.plan.installments }),
            );
            Object.assign(detail, {
              monthlyAmount: step.plan.monthlyAmount,
              installments: step.plan.installments.length,
            });
            break;
          }
          case 'plan-installment': {
            changes.deadline = step.dueDate;
            notice('collection-plan-installment', texts.planInstallmentLetter({ pay, ...step }));
            Object.assign(detail, { number: step.number, amount: step.amount, dueDate: step.dueDate });
            break;
          }
          case 'plan-reminder': {
            notice(
              'collection-plan-reminder',
              texts.planReminderLetter({ pay, amount: step.amount, dueDate: step.dueDate }),
              true,
            );
            Object.assign(detail, { amount: step.amount, dueDate: step.dueDate });
            break;
          }
          case 'plan-broken': {
            changes.plan = null;
            await claimStep('DEMAND', step.deadline, 'collection-plan-broken', (claim) =>
              texts.planBrokenLetter({ pay, claim, deadline: step.deadline }),
            );
            break;
          }
          case 'dispute-filed': {
            // R-COLL-7: the timeline pauses; the reason is personal text, kept on the case only.
            stage('DISPUTED', null);
            changes.dispute = JSON.stringify({
              filedOn: input.date,
              reason: step.reason,
              answerBy: step.answerBy,
              resumeStage: row.stage,
            });
            notice(
              'collection-dispute',
              texts.disputeReceivedLetter({ caseNumber: pay.caseNumber, answerBy: step.answerBy }),
            );
            Object.assign(detail, { answerBy: step.answerBy });
            break;
          }
          case 'dispute-escalated':
            break;
          case 'dispute-answered': {
            const claim = await caseClaim(trx, row.id);
            const closes = step.outcome === 'upheld' && !step.reduceBy;
            const reduceBy = step.reduceBy ? Decimal.min(new Decimal(step.reduceBy), claimTotal(claim)) : undefined;
            if (closes || reduceBy) {
              await writeOff(claim, 'reduction', reduceBy);
            }
            if (closes) {
              changes.status = 'WRITTEN_OFF';
              changes.closed_on = input.date;
              stage('DISPUTED', null);
            } else {
              stage('DEMAND', step.deadline ?? null);
            }
            notice(
              'collection-dispute-answer',
              texts.disputeAnsweredLetter({
                pay,
                outcome: step.outcome,
                answer: step.answer,
                ...(step.deadline && !closes ? { deadline: step.deadline } : {}),
                ...(reduceBy ? { reducedBy: formatAmount(reduceBy) } : {}),
              }),
            );
            Object.assign(detail, {
              outcome: step.outcome,
              ...(reduceBy ? { reducedBy: formatAmount(reduceBy) } : {}),
            });
            break;
          }
          case 'closed-paid': {
            changes.status = 'CLOSED_PAID';
            changes.closed_on = input.date;
            changes.deadline = null;
            notice('collection-paid', texts.paidInFullLetter({ caseNumber: pay.caseNumber }));
            break;
          }
          case 'invoice-copy': {
            // R-COLL-2: the loan's original invoice, printed and posted (the letter adapter is idempotent per notice).
            const invoice = await findInvoice(trx, loan.id, step.invoiceNumber);
            if (!invoice) throw new Error(`loan ${loan.id} has no invoice ${step.invoiceNumber}`);
            notice(
              'collection-invoice-copy',
              texts.invoiceCopyLetter({
                caseNumber: pay.caseNumber,
                contractNumber: loan.contract_number,
                invoice: {
                  number: invoice.number,
                  issueDate: invoice.issue_date,
                  dueDate: invoice.due_date,
                  total: invoice.total,
                  lines: invoice.lines,
                },
              }),
              true,
            );
            Object.assign(detail, { invoiceNumber: invoice.number });
            break;
          }
          case 'written-off': {
            const claim = await caseClaim(trx, row.id);
            await writeOff(claim, 'write-off');
            changes.status = 'WRITTEN_OFF';
            changes.closed_on = input.date;
            changes.deadline = null;
            Object.assign(detail, { reason: step.reason, amount: formatAmount(claimTotal(claim)) });
            break;
          }
        }
        if (Object.keys(changes).length > 0) await updateCollectionCase(trx, row.id, changes);
        await recordCaseEvent(trx, {
          caseId: row.id,
          idempotencyKey: input.idempotencyKey,
          date: input.date,
          kind: step.kind,
          detail,
        });
        return snapshotOf(trx, row, input.date);
      });
    },

    /** The case on `date`, default interest posted up to it (R-COLL-1: the balance is exact to the day). */
    async caseSnapshot(input: { caseId: string; date: IsoDate }): Promise<CaseSnapshot> {
      return withNotices(async (trx) => {
        const row = await lockCollectionCase(trx, input.caseId);
        await accrueCaseDefaultInterest(trx, row, input.date);
        return snapshotOf(trx, row, input.date);
      });
    },
  };
}
