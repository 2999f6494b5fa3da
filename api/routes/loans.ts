/**
 * Reading a loan (R-LOAN-12, R-SEC-1): balances, invoices and the payment plan come from
 * PostgreSQL (the ledger and its projections), never from workflow queries. Customers see their own
 * loans only; anyone else's is a 404.
 */
import { loanAccountBalances, openInvoiceItems } from '../../db/ledger-repository';
import { type InvoiceRow, listCustomerLoans, listInvoices, listPayments, type LoanRow } from '../../db/loan-repository';
import { remainingPaymentPlan } from '../../domain/invoicing';
import { customerDebt } from '../../domain/ledger';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { isInvoicedLoanStatus } from '../../domain/loan-statuses';
import { overdueToSettleOn } from '../../domain/overdue';
import { stockholmToday } from '../schemas';
import { DEFAULT_PRODUCT, type NoticeChannel } from '../../domain/product';
import { toInstallmentResponse } from '../../domain/quote';
import type { ApiDeps } from '../deps';
import { findVisibleLoan } from '../loan-access';
import { toPaymentView } from '../payment-view';
import type { ApiRoutes } from '../routing';
import { z } from '../zod';

const money = z.string().regex(/^-?\d+\.\d{2}$/);

const invoiceSchema = z
  .object({
    number: z.number().int(),
    issueDate: z.string(),
    dueDate: z.string(),
    ocrReference: z.string(),
    status: z.string(),
    paidDate: z.string().nullable(),
    lines: z.array(z.object({ kind: z.string(), amount: money })),
    total: money,
    lateFeeChargedOn: z.string().nullable(),
    reminder: z.object({ sentOn: z.string(), newDueDate: z.string() }).nullable(),
  })
  .openapi('Invoice');

const overviewSchema = z
  .object({
    loanId: z.string(),
    contractNumber: z.string(),
    status: z.string(),
    amount: money,
    termMonths: z.number().int(),
    nominalRatePercent: money,
    noticeChannel: z.string(),
    payoutDate: z.string(),
    monthlyPayment: money,
    ocrReference: z.string(),
    closedOn: z.string().nullable(),
    balance: z
      .object({
        total: money.describe('everything owed now, from the ledger'),
        principal: money,
        interest: money,
        defaultInterest: money,
        fees: money,
        overdueToday: money.describe(
          'what a payment today must be to settle every invoice already due: unpaid items, default interest ' +
            'to today and late fees not yet charged (the same figure the payment is allocated against)',
        ),
      })
      .openapi('LoanBalance'),
    nextInvoice: invoiceSchema.nullable(),
  })
  .openapi('LoanOverview');

const planSchema = z
  .object({
    installments: z.array(
      z.object({
        number: z.number().int(),
        dueDate: z.string(),
        principal: money,
        interest: money,
        fees: money,
        total: money,
        balanceAfter: money,
      }),
    ),
  })
  .openapi('PaymentPlan');

const loanParams = z.object({ loanId: z.string().min(1).max(100) });

export function toInvoiceView(i: InvoiceRow): z.infer<typeof invoiceSchema> {
  return {
    number: i.number,
    issueDate: i.issue_date,
    dueDate: i.due_date,
    ocrReference: i.ocr_reference,
    status: i.status,
    paidDate: i.paid_date,
    lines: i.lines,
    total: i.total,
    lateFeeChargedOn: i.late_fee_charged_on,
    reminder: i.reminder_sent_on ? { sentOn: i.reminder_sent_on, newDueDate: i.reminder_due_date! } : null,
  };
}

/** R-LOAN-12: balances from the ledger and the next open invoice (shared by the API and web/). */
export async function loanOverview(deps: ApiDeps, loan: LoanRow): Promise<z.infer<typeof overviewSchema>> {
  // Three statements at once: one round trip's wait, not three.
  const [balances, invoices, openItems] = await Promise.all([
    loanAccountBalances(deps.db, loan.id),
    listInvoices(deps.db, loan.id),
    openInvoiceItems(deps.db, loan.id),
  ]);
  const next = invoices.find((i) => i.status === 'OPEN');
  const today = stockholmToday();
  const { overdue } = overdueToSettleOn({
    openItems,
    nominalRatePercent: new Decimal(loan.nominal_rate_percent),
    accruedUntil: loan.default_interest_accrued_until,
    date: today,
    lateFeesToCome: invoices.filter(
      (i) => i.status === 'OPEN' && i.kind === 'installment' && !i.late_fee_charged_on && i.due_date < today,
    ).length,
    lateFee: new Decimal(DEFAULT_PRODUCT.fees.late),
  });
  return {
    loanId: loan.id,
    contractNumber: loan.contract_number,
    status: loan.status,
    amount: loan.amount,
    termMonths: loan.term_months,
    nominalRatePercent: loan.nominal_rate_percent,
    noticeChannel: loan.notice_channel,
    payoutDate: loan.payout_date,
    monthlyPayment: loan.monthly_payment,
    ocrReference: loan.ocr_reference,
    closedOn: loan.closed_on,
    balance: {
      total: formatAmount(customerDebt(balances)),
      principal: formatAmount(balances.principal_outstanding.plus(balances.principal_invoiced)),
      interest: formatAmount(balances.interest_receivable),
      defaultInterest: formatAmount(balances.default_interest_receivable),
      fees: formatAmount(balances.fees_receivable),
      overdueToday: formatAmount(isInvoicedLoanStatus(loan.status) ? overdue : ZERO),
    },
    nextInvoice: next ? toInvoiceView(next) : null,
  };
}

/** R-LOAN-12: every future installment of an active loan, from the ledger's outstanding principal. */
export async function loanPaymentPlan(deps: ApiDeps, loan: LoanRow): Promise<z.infer<typeof planSchema>> {
  const [balances, invoices] = await Promise.all([
    loanAccountBalances(deps.db, loan.id),
    listInvoices(deps.db, loan.id),
  ]);
  const plan =
    loan.status === 'ACTIVE'
      ? remainingPaymentPlan({
          payoutDate: loan.payout_date,
          termMonths: loan.term_months,
          nextNumber: (invoices.at(-1)?.number ?? 0) + 1,
          principalOutstanding: balances.principal_outstanding,
          nominalRatePercent: new Decimal(loan.nominal_rate_percent),
          monthlyPayment: new Decimal(loan.monthly_payment),
          noticeChannel: loan.notice_channel as NoticeChannel,
        })
      : [];
  return {
    installments: plan.map(toInstallmentResponse),
  };
}

export function loanRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/v1/loans',
    operationId: 'listMyLoans',
    summary: 'The calling customer’s loans',
    tags: ['loans'],
    auth: ['customer'],
    responses: {
      200: {
        description: 'own loans',
        schema: z.object({
          loans: z.array(z.object({ loanId: z.string(), contractNumber: z.string(), status: z.string() })),
        }),
      },
    },
    handler: async ({ principal }) => ({
      status: 200,
      body: {
        loans: (await listCustomerLoans(deps.db, principal!.sub)).map((l) => ({
          loanId: l.id,
          contractNumber: l.contract_number,
          status: l.status,
        })),
      },
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId',
    operationId: 'getLoan',
    summary: 'Loan overview: balance from the ledger and the next invoice',
    tags: ['loans'],
    auth: ['customer', 'operator'],
    params: loanParams,
    responses: { 200: { description: 'the loan', schema: overviewSchema } },
    handler: async ({ principal, params }) => {
      const loan = await findVisibleLoan(deps.db, principal, params.loanId);
      return { status: 200, body: await loanOverview(deps, loan) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId/invoices',
    operationId: 'listLoanInvoices',
    summary: 'Every invoice of the loan, with its lines, OCR reference and payment status',
    tags: ['loans'],
    auth: ['customer', 'operator'],
    params: loanParams,
    responses: { 200: { description: 'invoices', schema: z.object({ invoices: z.array(invoiceSchema) }) } },
    handler: async ({ principal, params }) => {
      const loan = await findVisibleLoan(deps.db, principal, params.loanId);
      return { status: 200, body: { invoices: (await listInvoices(deps.db, loan.id)).map(toInvoiceView) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId/payments',
    operationId: 'listLoanPayments',
    summary: 'Payments received for the loan and how each was allocated (R-LOAN-2)',
    tags: ['loans'],
    auth: ['customer', 'operator'],
    params: loanParams,
    responses: { 200: { description: 'payments', schema: z.object({ payments: z.array(z.unknown()) }) } },
    handler: async ({ principal, params }) => {
      const loan = await findVisibleLoan(deps.db, principal, params.loanId);
      return { status: 200, body: { payments: (await listPayments(deps.db, loan.id)).map(toPaymentView) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/loans/:loanId/payment-plan',
    operationId: 'getPaymentPlan',
    summary: 'All future installments split into principal, interest and fees (R-LOAN-12), free of charge',
    tags: ['loans'],
    auth: ['customer', 'operator'],
    params: loanParams,
    responses: { 200: { description: 'the plan', schema: planSchema } },
    handler: async ({ principal, params }) => {
      const loan = await findVisibleLoan(deps.db, principal, params.loanId);
      return { status: 200, body: await loanPaymentPlan(deps, loan) };
    },
  });
}
