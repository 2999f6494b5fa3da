/** R-PAY-4: what refund tests share: the customer's stated account, as the application recorded it. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import type { BankAccount } from '../../domain/application';

/** An application projection row for the loan with its payout account (R-APP-9), as a paid-out application leaves it. */
export async function recordStatedAccount(
  db: Db,
  loan: { loanId: string; contractNumber: string },
  account: BankAccount,
): Promise<void> {
  const id = randomUUID();
  const now = new Date();
  await db
    .insertInto('applications')
    .values({
      id,
      reference: `ref-${id}`,
      workflow_id: `application-${id}`,
      contract_number: loan.contractNumber,
      created_by: 'customer',
      status: 'PAID_OUT',
      step: 'paid out',
      amount: '100000.00',
      term_months: 24,
      notice_channel: 'e-invoice',
      payout_account: JSON.stringify(account),
      consolidation_loans: '[]',
      loan_id: loan.loanId,
      state_version: 1,
      created_at: now,
      valid_until: now,
      updated_at: now,
    } as never)
    .execute();
}
