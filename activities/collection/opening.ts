/**
 * R-COLL-1: the case is opened at the handover: a case number and OCR reference of its own, and
 * the whole claim moved from the loan's invoices under the case (domain/collection-ledger.ts).
 * Called by the loan workflow right after `handOverToCollection`, then `startCollectionCase`;
 * both idempotent per loan.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  findCollectionCaseOfLoan,
  nextCaseNumber,
  recordCaseEvent,
  updateCollectionCase,
} from '../../db/collection-case-repository';
import type { Db } from '../../db/database';
import { loanAccountBalances, openInvoiceItems, postInTransaction } from '../../db/ledger-repository';
import { lockLoan } from '../../db/loan-repository';
import { caseOcrReference } from '../../domain/collection';
import { collectionCaseSummary, collectionCaseWorkflowId } from '../../domain/collection-case';
import { claimTransferPosting } from '../../domain/collection-ledger';

export interface OpenedCase {
  caseId: string;
  caseNumber: string;
  contractNumber: string;
  openedOn: string;
}

export function createCollectionOpeningActivities({ db }: { db: Db }) {
  return {
    /**
     * Starts the case's workflow (`collection-<caseNumber>`) on the loan's task queue; a repeat
     * finds it started. Started through the client rather than as a child: the case outlives the
     * loan, which ends at the handover.
     */
    async startCollectionCase(opened: OpenedCase): Promise<void> {
      const context = Context.current();
      try {
        await context.client.workflow.start('collectionCaseWorkflow', {
          taskQueue: context.info.taskQueue,
          workflowId: collectionCaseWorkflowId(opened.caseNumber),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: collectionCaseSummary(opened),
          args: [opened],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    async openCollectionCase(input: { loanId: string; date: string }): Promise<OpenedCase> {
      return db.transaction().execute(async (trx) => {
        const loan = await lockLoan(trx, input.loanId);
        const row = await findCollectionCaseOfLoan(trx, input.loanId);
        if (!row) throw new Error(`loan ${input.loanId} has no collection case: hand it over first`);
        if (row.case_number) {
          return {
            caseId: row.id,
            caseNumber: row.case_number,
            contractNumber: loan.contract_number,
            openedOn: row.opened_on,
          };
        }
        const caseNumber = await nextCaseNumber(trx);
        const items = await openInvoiceItems(trx, input.loanId);
        const { principal_outstanding } = await loanAccountBalances(trx, input.loanId);
        await postInTransaction(
          trx,
          claimTransferPosting({
            loanId: input.loanId,
            caseId: row.id,
            date: input.date,
            loanLines: items.flatMap((item) =>
              item.lines.map((line) => ({
                invoiceNumber: Number(item.id),
                kind: line.kind,
                remaining: line.remaining,
              })),
            ),
            principalOutstanding: principal_outstanding,
          }),
        );
        await updateCollectionCase(trx, row.id, {
          case_number: caseNumber,
          ocr_reference: caseOcrReference(caseNumber),
          stage: 'DEMAND',
          default_interest_accrued_until: input.date,
        });
        await recordCaseEvent(trx, {
          caseId: row.id,
          idempotencyKey: `${row.id}:opened`,
          date: input.date,
          kind: 'opened',
          detail: { caseNumber, total: row.total },
        });
        return { caseId: row.id, caseNumber, contractNumber: loan.contract_number, openedOn: row.opened_on };
      });
    },
  };
}
