/**
 * The simulator document's action sections: the loan workflow's answers as the runner received
 * them (simulator/actions.ts), with the statuses PostgreSQL holds at the end.
 */
import type { Db } from '../db/database';
import type { ActionPayment, ActionRecord } from './actions';
import type {
  ComplaintOutput,
  EarlyRepaymentOutput,
  PaymentFreeMonthOutput,
  PaymentMadeOutput,
  RateChangeOutput,
  RefusalOutput,
  SimulationOutput,
  WithdrawalOutput,
} from './output-document';

/**
 * The action sections: the loan workflow's answers as the runner received them, with the statuses
 * PostgreSQL holds at the end (a rate change applied, a payment-free month passed, an order settled).
 */
export async function actionSections(
  db: Db,
  loanId: string,
  actions: readonly ActionRecord[],
): Promise<
  Pick<SimulationOutput, 'rateChanges' | 'paymentFreeMonths' | 'earlyRepayments' | 'withdrawal' | 'complaints'>
> {
  const [rateRows, freeRows, orderRows, withdrawalRow, paymentRows, complaintRows] = await Promise.all([
    db.selectFrom('rate_changes').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('payment_free_months').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('early_repayment_orders').selectAll().where('loan_id', '=', loanId).execute(),
    db.selectFrom('withdrawals').selectAll().where('loan_id', '=', loanId).executeTakeFirst(),
    db.selectFrom('payments').select(['id', 'status']).where('loan_id', '=', loanId).execute(),
    db
      .selectFrom('complaints')
      .select(['id', 'received_on', 'escalate_on', 'answer_due_on', 'status', 'escalated_on', 'answered_on'])
      .where('loan_id', '=', loanId)
      .execute(),
  ]);
  const paymentStatus = new Map(paymentRows.map((p) => [p.id, p.status]));
  const paymentOut = (p: ActionPayment): PaymentMadeOutput => ({
    date: p.date,
    amount: p.amount,
    ocr: p.ocr,
    status: paymentStatus.get(p.paymentId) ?? null,
  });
  const refusal = (r: { reason: string; field?: string }): RefusalOutput => ({
    outcome: 'refused',
    reason: r.reason,
    ...(r.field ? { field: r.field } : {}),
  });

  const rateChanges: RateChangeOutput[] = [];
  const paymentFreeMonths: PaymentFreeMonthOutput[] = [];
  const earlyRepayments: EarlyRepaymentOutput[] = [];
  const withdrawals: WithdrawalOutput[] = [];
  const complaints: ComplaintOutput[] = [];
  for (const a of actions) {
    switch (a.kind) {
      case 'rate-change': {
        const base = {
          event: a.event,
          changeId: a.changeId,
          announcedOn: a.date,
          effectiveFrom: a.effectiveFrom,
          newNominalRatePercent: a.newNominalRatePercent,
        };
        if (a.outcome === 'refused') {
          rateChanges.push({ ...base, ...refusal(a) });
          break;
        }
        const row = rateRows.find((r) => r.change_id === a.changeId);
        rateChanges.push({
          ...base,
          announcedOn: a.notice.announcedOn,
          effectiveFrom: a.notice.effectiveFrom,
          outcome: 'accepted',
          firstInstallment: row?.first_installment ?? a.notice.firstInstallment,
          newMonthlyPayment: row?.new_monthly_payment ?? a.notice.newMonthlyPayment,
          remainingInstallments: row?.remaining_installments ?? a.notice.remainingInstallments,
          status: row?.status ?? null,
        });
        break;
      }
      case 'payment-free-month': {
        const base = { event: a.event, requestedOn: a.date };
        if (a.outcome === 'refused') {
          paymentFreeMonths.push({ ...base, ...refusal(a) });
          break;
        }
        const row = freeRows.find((r) => r.installment_number === a.grant.installmentNumber);
        paymentFreeMonths.push({
          ...base,
          outcome: 'accepted',
          installmentNumber: a.grant.installmentNumber,
          dueDate: a.grant.dueDate,
          capitalisedInterest: row?.capitalised_interest ?? a.grant.capitalisedInterest ?? null,
          newMonthlyPayment: row?.new_monthly_payment ?? a.grant.newMonthlyPayment ?? null,
          termMonths: a.grant.termMonths,
          status: row?.status ?? null,
        });
        break;
      }
      case 'early-repayment': {
        const base = { event: a.event, requestedOn: a.date, kind: a.requested, amount: a.amount };
        if (a.outcome === 'refused') {
          earlyRepayments.push({ ...base, ...refusal(a) });
          break;
        }
        const { quote, order } = a;
        const row = orderRows.find((r) => r.id === order.quoteId);
        earlyRepayments.push({
          ...base,
          outcome: 'accepted',
          quote: {
            quoteId: quote.quoteId,
            paymentDate: quote.paymentDate,
            total: quote.total,
            principal: quote.principal,
            accruedInterest: quote.accruedInterest,
            unpaidInterest: quote.unpaidInterest,
            unpaidFees: quote.unpaidFees,
            fee: quote.fee,
            remainingInstallments: quote.remainingInstallments,
            lastDueDate: quote.lastDueDate,
          },
          order: {
            total: order.total,
            payBy: order.payBy,
            ocr: order.ocrReference,
            status: row?.status ?? order.status,
          },
          payment: paymentOut(a.payment),
        });
        break;
      }
      case 'complaint': {
        const base = { event: a.event, receivedOn: a.date };
        if (a.outcome === 'refused') {
          complaints.push({ ...base, ...refusal(a) });
          break;
        }
        const row = complaintRows.find((r) => r.id === a.complaintId);
        complaints.push({
          ...base,
          outcome: 'accepted',
          complaintId: a.complaintId,
          escalateOn: row?.escalate_on ?? a.date,
          answerDueOn: row?.answer_due_on ?? a.date,
          status: row?.status ?? 'RECEIVED',
          escalatedOn: row?.escalated_on ?? null,
          answeredOn: row?.answered_on ?? null,
        });
        break;
      }
      case 'withdrawal': {
        const base = { event: a.event, requestedOn: a.date };
        if (a.outcome === 'refused') {
          withdrawals.push({ ...base, ...refusal(a) });
          break;
        }
        const o = a.order;
        withdrawals.push({
          ...base,
          outcome: 'accepted',
          noticeDate: o.noticeDate,
          repayBy: o.repayBy,
          principal: o.principal,
          interest: o.interest,
          feesRefunded: o.feesRefunded,
          total: o.total,
          ocr: o.ocrReference,
          status: withdrawalRow?.status ?? o.status,
          payment: paymentOut(a.payment),
        });
        break;
      }
    }
  }
  return {
    rateChanges,
    paymentFreeMonths,
    earlyRepayments,
    withdrawal: withdrawals.find((w) => w.outcome === 'accepted') ?? withdrawals[0] ?? null,
    complaints,
  };
}
