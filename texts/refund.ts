/**
 * What the customer reads about a refund (R-PAY-4): the mailbox notice when the money is on its way
 * to their account. Swedish, never a rule id; the account is shown by its last digits only.
 */
import type { IsoDate } from '../domain/dates';
import type { RefundReason } from '../domain/refund';
import { formatKronor, formatLongDate } from './format';

const WHY: Record<RefundReason, string> = {
  overpayment: 'Du har betalat mer än hela skulden på lånet.',
  withdrawal:
    'Du har ångrat lånet och betalat tillbaka det. Räntan räknas bara fram till dagen du betalade, och avgifter ' +
    'du betalat till oss får du tillbaka.',
  'early-repayment': 'Du har betalat mer än det som behövdes för att lösa lånet i förtid.',
  'closed-loan-credit': 'Vi har tagit emot en betalning på ett lån som redan är slutbetalt.',
  'collection-overpayment': 'Du har betalat mer än hela skulden i inkassoärendet.',
  'closed-case-credit': 'Vi har tagit emot en betalning i ett inkassoärende som redan är avslutat.',
};

export function refundLetter(refund: {
  contractNumber: string;
  amount: string;
  reason: RefundReason;
  accountNumber: string;
  executionDate: IsoDate;
}): { subject: string; body: string } {
  return {
    subject: `Återbetalning till dig för lån ${refund.contractNumber}`,
    body:
      `${WHY[refund.reason]} Vi betalar därför tillbaka ${formatKronor(refund.amount)} till ditt konto som slutar ` +
      `på ${refund.accountNumber.slice(-4)}. Pengarna finns på kontot ${formatLongDate(refund.executionDate)}.`,
  };
}
