/**
 * What an operator does about a bureau withdrawal the bureau refused for good (R-PAY-1, R-LOAN-11):
 * a payment judged at its value date showed the customer was not late, so the late-payment report
 * must not stay at the bureau; the engine asked once and the bureau said no. Staff-only copy, in
 * English like the rest of the operator back-office (texts/backoffice.ts); the operator pages and
 * the operator API both show it.
 */

export interface RefusedWithdrawalFacts {
  /** The bureau's refusal code (adapters/bureau/client.ts). */
  code: string;
  reportId: string;
  contractNumber: string;
  dueDate: string;
  /** The value date of the payment that made the report withdrawable, when known. */
  paidOn: string | null;
}

/** The next step for the operator, by the bureau's code. */
export function refusedWithdrawalAction(facts: RefusedWithdrawalFacts): string {
  const paid = facts.paidOn ? `paid on ${facts.paidOn}` : 'paid by its due date';
  const ask =
    `Ask the credit bureau's support to remove late-payment report ${facts.reportId} for loan ` +
    `${facts.contractNumber} by hand: the invoice due ${facts.dueDate} was ${paid}, so the customer was not late.`;
  switch (facts.code) {
    case 'unknown_report':
      return (
        `The bureau does not know report ${facts.reportId}. Check at the bureau whether loan ` +
        `${facts.contractNumber} has a late-payment entry for ${facts.dueDate}; if it has, ${ask.charAt(0).toLowerCase()}${ask.slice(1)}`
      );
    case 'already_withdrawn':
      return (
        `The bureau says report ${facts.reportId} was already withdrawn by another request. Check at the bureau ` +
        `that no late-payment entry for ${facts.dueDate} remains on loan ${facts.contractNumber}; if one does: ${ask}`
      );
    default:
      return ask;
  }
}
