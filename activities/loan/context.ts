/** What every loan activity works with: the database, and notices announced after their transaction commits. */
import type { BureauClient } from '../../adapters/bureau';
import type { Db } from '../../db/database';
import { recordMailboxMessage } from '../../db/mailbox-repository';
import type { Notice } from '../../domain/notice';

/** Sends the "new mail" notice for a mailbox message once (R-LOAN-11); absent without adapters. */
export type NewMailNotifier = (messageId: string) => Promise<void>;

export interface LoanActivityContext {
  db: Db;
  /**
   * Runs `work` in one transaction that also records the mailbox messages it pushed (R-LOAN-11),
   * then announces them once the transaction has committed.
   */
  withNotices<T>(work: (trx: Db, notices: Notice[]) => Promise<T>): Promise<T>;
  /** R-PAY-1: where prevented bureau reports are withdrawn; absent without adapters. */
  bureau?: BureauClient;
}

export function loanActivityContext(
  db: Db,
  notifyNewMail?: NewMailNotifier,
  bureau?: BureauClient,
): LoanActivityContext {
  return {
    db,
    ...(bureau ? { bureau } : {}),
    async withNotices(work) {
      const notices: Notice[] = [];
      const ids: string[] = [];
      const result = await db.transaction().execute(async (trx) => {
        const out = await work(trx, notices);
        for (const notice of notices) ids.push((await recordMailboxMessage(trx, notice)).id);
        return out;
      });
      if (notifyNewMail) for (const id of ids) await notifyNewMail(id);
      return result;
    },
  };
}
