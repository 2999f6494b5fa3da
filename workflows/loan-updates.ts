/**
 * The loan's actions as updates (R-LOAN-5…8, R-LOAN-10), defined in workflows/loan-messages.ts:
 * each validator refuses synchronously what the loan cannot do now (the same domain checks the API
 * schema asks), each handler calls one activity and records the outcome in the loan's state.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import type { LoanActivities } from '../activities/loan';
import { compareDates } from '../domain/dates';
import { checkEarlyRepaymentDate } from '../domain/early-repayment';
import { invoiceIssueDate } from '../domain/invoicing';
import { checkChangeNotice, checkNewRatePercent } from '../domain/rate-change';
import { installmentDueDate } from '../domain/schedule';
import { checkLoanWithdrawalEligibility, WithdrawalPeriodExpiredError } from '../domain/withdrawal';
import type { LoanTerms } from '../domain/loan-terms';
import {
  changeRateUpdate,
  confirmEarlyRepaymentUpdate,
  quoteEarlyRepaymentUpdate,
  requestPaymentFreeMonthUpdate,
  withdrawUpdate,
} from './loan-messages';
import { type LoanState, today } from './loan-state';
import { refuseUpdate } from './refusal';

/** A loan refuses an action as a conflict: whether it may depends on the loan's state (→ 409). */
function refuse(reason: string, field?: string, rule?: string): never {
  refuseUpdate('conflict', reason, { ...(field ? { field } : {}), ...(rule ? { rule } : {}) });
}

export interface LoanUpdateContext {
  terms: LoanTerms;
  state: LoanState;
  activities: LoanActivities;
  setStep(step: string): void;
  /** The idempotency key of one of the loan's steps. */
  stepKey(...step: (string | number)[]): string;
}

export function setLoanUpdateHandlers({ terms, state, activities, setStep, stepKey }: LoanUpdateContext): void {
  const loanId = terms.loanId;
  const requireActive = (): void => {
    if (state.status !== 'ACTIVE') refuse(`the loan is ${state.status.toLowerCase().replace('_', ' ')}`);
    if (state.withdrawal) refuse('the loan is withdrawn and awaits repayment');
  };

  // R-LOAN-5, R-LOAN-10: announced today, effective at least a month after the borrower is notified.
  setHandler(
    changeRateUpdate,
    async (request) => {
      setStep(`announcing rate change ${request.changeId}`);
      if (!state.rateChangeIds.includes(request.changeId)) state.rateChangeIds.push(request.changeId);
      return activities.scheduleRateChange({
        loanId,
        idempotencyKey: stepKey('rate-change', request.changeId),
        customerId: terms.customerId,
        announcedOn: today(),
        nextInstallment: state.nextInstallment,
        termMonths: state.termMonths,
        ...request,
      });
    },
    {
      validator: (request) => {
        if (state.rateChangeIds.includes(request.changeId)) return; // a repeat: the handler returns the first notice
        requireActive();
        const rate = checkNewRatePercent(request.newNominalRatePercent);
        if (!rate.ok) refuse(`the new rate ${rate.message}`, 'newNominalRatePercent');
        const check = checkChangeNotice(today(), request.effectiveFrom);
        if (!check.ok)
          refuse(
            `a change announced today takes effect on ${check.earliestEffectiveDate} at the earliest`,
            'effectiveFrom',
            'R-LOAN-10',
          );
        const lastDue = installmentDueDate(terms.payoutDate, state.termMonths);
        if (compareDates(request.effectiveFrom, lastDue) > 0)
          refuse(`the loan's last installment is due on ${lastDue}`, 'effectiveFrom');
      },
    },
  );

  // R-LOAN-6: a payment-free month, at most one in 12 months, when nothing is overdue.
  setHandler(
    requestPaymentFreeMonthUpdate,
    async (request) => {
      const number = request.installmentNumber ?? state.nextInstallment;
      setStep(`granting payment-free month for installment ${number}`);
      const grant = await activities.grantPaymentFreeMonth({
        loanId,
        idempotencyKey: stepKey('payment-free', number),
        customerId: terms.customerId,
        installmentNumber: number,
        dueDate: installmentDueDate(terms.payoutDate, number),
        previousPaymentFreeMonths: state.paymentFreeDueDates,
        date: today(),
        nextInstallment: state.nextInstallment,
        termMonths: state.termMonths,
      });
      if (!grant.granted) refuse(grant.reason, grant.field, grant.rule);
      if (!state.paymentFreeInstallments.includes(number)) {
        state.paymentFreeInstallments.push(number);
        state.paymentFreeDueDates.push(grant.grant.dueDate);
      }
      return grant.grant;
    },
    {
      validator: (request) => {
        requireActive();
        if (state.termination) refuse('a payment-free month cannot be granted during a termination notice');
        const number = request.installmentNumber ?? state.nextInstallment;
        if (!Number.isInteger(number) || number < state.nextInstallment || number > state.termMonths)
          refuse(
            `installment ${number} cannot be made payment-free: the next not yet invoiced is ${state.nextInstallment}`,
            'installmentNumber',
          );
        if (state.paymentFreeInstallments.includes(number))
          refuse(`installment ${number} is already payment-free`, 'installmentNumber');
        // The first invoice carries the setup fee (R-PROD-2): skipping it would drop the fee.
        if (number === 1)
          refuse('the first installment, with the setup fee, cannot be payment-free', 'installmentNumber');
        if (number === state.nextInstallment) {
          const issueDate = invoiceIssueDate(installmentDueDate(terms.payoutDate, number));
          if (compareDates(issueDate, today()) <= 0)
            refuse(`installment ${number} is being invoiced today`, 'installmentNumber');
        }
      },
    },
  );

  // R-LOAN-7: early repayment, quoted from the ledger, then confirmed by the borrower.
  setHandler(
    quoteEarlyRepaymentUpdate,
    async (request) => {
      setStep(`quoting ${request.kind} early repayment`);
      const quote = await activities.quoteEarlyRepayment({
        loanId,
        kind: request.kind,
        amount: request.kind === 'partial' ? request.amount : undefined,
        paymentDate: request.paymentDate ?? today(),
        nextInstallment: state.nextInstallment,
        quoteId: stepKey('early-repayment', workflowInfo().runId, Date.now()),
      });
      if ('refused' in quote) refuse(quote.refused, quote.field);
      state.quote = quote;
      return quote;
    },
    {
      validator: (request) => {
        requireActive();
        const date = request.paymentDate ?? today();
        const dateCheck = checkEarlyRepaymentDate(today(), date);
        if (!dateCheck.ok) refuse(dateCheck.message, 'paymentDate');
        if (request.kind === 'partial' && !/^\d{1,9}(\.\d{1,2})?$/.test(request.amount))
          refuse('the amount must be a positive amount in kronor', 'amount');
      },
    },
  );
  setHandler(
    confirmEarlyRepaymentUpdate,
    async () => {
      setStep('confirming early repayment');
      const order = await activities.confirmEarlyRepayment({
        loanId,
        idempotencyKey: stepKey('early-repayment', state.quote!.quoteId),
        quote: state.quote!,
        date: today(),
      });
      state.earlyRepayment = order;
      return order;
    },
    {
      validator: ({ quoteId }) => {
        requireActive();
        if (!state.quote || state.quote.quoteId !== quoteId) refuse(`no current quote ${quoteId}`, 'quoteId');
        if (compareDates(state.quote.paymentDate, today()) < 0) refuse('the quote has expired', 'quoteId');
      },
    },
  );

  // R-LOAN-8: withdrawal within 14 days of the agreement (the payout date).
  setHandler(
    withdrawUpdate,
    async (request) => {
      setStep('recording withdrawal');
      const order = await activities.recordWithdrawal({
        loanId,
        idempotencyKey: stepKey('withdrawal'),
        customerId: terms.customerId,
        noticeDate: request.noticeDate ?? today(),
      });
      state.withdrawal = order;
      return order;
    },
    {
      validator: (request) => {
        requireActive();
        if (state.termination) refuse('the loan is under a termination notice');
        const noticeDate = request.noticeDate ?? today();
        if (compareDates(noticeDate, today()) !== 0) refuse('a withdrawal notice is given today', 'noticeDate');
        const eligibility = checkLoanWithdrawalEligibility(terms.payoutDate, noticeDate);
        if (!eligibility.eligible)
          refuse(
            eligibility.error instanceof WithdrawalPeriodExpiredError
              ? `the withdrawal period ended on ${eligibility.lastDay}`
              : eligibility.error.message,
            'noticeDate',
            'R-LOAN-8',
          );
      },
    },
  );
}
