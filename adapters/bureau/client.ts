/**
 * Credit bureau client: plain JSON over HTTPS. Assumed contract (the sandbox double implements
 * exactly this; an adapter for a specific bureau maps its API onto it):
 *
 *   POST {baseUrl}/v1/credit-reports
 *     Authorization: Bearer <apiKey>
 *     Idempotency-Key: <key>
 *     { "personalNumber": "YYYYMMDDNNNN" }
 *   201 (new) / 200 (repeat of the same key and body, header Idempotent-Replayed: true)
 *     { reportId, registeredInSweden, taxedAnnualIncome: "400000.00", paymentRemarks: 0,
 *       enforcementDebt: "0.00", createdAt }
 *   400 invalid_request · 401 unauthorized · 409 idempotency_conflict (same key, other person)
 *   422 invalid_personal_number · 5xx (retryable)   — errors as { error, message }
 *
 * POST rather than GET /persons/{pnr}: a personal identity number never appears in a URL (URLs
 * end up in access logs and proxies).
 *
 * Late payments (R-LOAN-11):
 *
 *   POST {baseUrl}/v1/late-payment-reports
 *     Authorization: Bearer <apiKey>
 *     Idempotency-Key: <key>
 *     { "personalNumber": "YYYYMMDDNNNN", "creditReference": "10000017", "amountOverdue": "1234.50",
 *       "dueDate": "2026-03-31", "reportedOn": "2026-04-01" }
 *   201 (new) / 200 (repeat of the same key and body, header Idempotent-Replayed: true)
 *     { reportId, receivedAt }
 *   400 invalid_request (missing field, amount not > 0, reportedOn before dueDate) · 401 unauthorized
 *   409 idempotency_conflict (same key, other report) · 422 invalid_personal_number · 5xx (retryable)
 *
 * Withdrawing a late-payment report a value-dated payment would have prevented (R-PAY-1):
 *
 *   POST {baseUrl}/v1/late-payment-reports/{reportId}/withdrawals
 *     Authorization: Bearer <apiKey>
 *     Idempotency-Key: <key>
 *     { "reason": "paid-by-value-date" }
 *   201 (new) / 200 (repeat of the same key, header Idempotent-Replayed: true)
 *     { reportId, withdrawnAt }
 *   400 invalid_request · 401 unauthorized · 404 unknown_report
 *   409 idempotency_conflict (same key, other report) · 409 already_withdrawn (under another key)
 *   5xx (retryable)
 */
import { z } from 'zod';
import { isAmountString, parseAmount } from '../../domain/money';
import { AdapterError } from '../shared/errors';
import { ApiKeyHttpClient, postIdempotent, type ApiKeyClientSettings } from '../shared/http-client';
import { assertIdempotencyKey } from '../shared/idempotency';
import { isIsoDate } from '../../domain/dates';
import type {
  BureauClient,
  CreditReport,
  LatePaymentReceipt,
  LatePaymentReportRequest,
  WithdrawalReceipt,
} from './types';

export type BureauClientSettings = ApiKeyClientSettings;

const amount = z.string().refine(isAmountString, 'not an amount string');

const reportSchema = z.object({
  reportId: z.string().min(1),
  registeredInSweden: z.boolean(),
  taxedAnnualIncome: amount,
  paymentRemarks: z.number().int().min(0),
  enforcementDebt: amount,
  createdAt: z.string(),
});

const receiptSchema = z.object({ reportId: z.string().min(1), receivedAt: z.string() });

const withdrawalSchema = z.object({ reportId: z.string().min(1), withdrawnAt: z.string() });

export class BureauHttpClient extends ApiKeyHttpClient implements BureauClient {
  async lookup(personalNumber: string, idempotencyKey: string): Promise<CreditReport> {
    assertIdempotencyKey('bureau', 'lookup', idempotencyKey);
    if (!/^\d{12}$/.test(personalNumber)) {
      throw new AdapterError('bureau', 'invalid_request', false, 'bureau lookup: personalNumber must be 12 digits');
    }
    const { body, replayed } = await postIdempotent(
      'bureau',
      this.http,
      { operation: 'lookup', path: '/v1/credit-reports', idempotencyKey, body: { personalNumber } },
      reportSchema,
    );
    return { ...body, replayed };
  }

  async reportLatePayment(report: LatePaymentReportRequest): Promise<LatePaymentReceipt> {
    assertIdempotencyKey('bureau', 'reportLatePayment', report.idempotencyKey);
    const invalid = (what: string) =>
      new AdapterError('bureau', 'invalid_request', false, `bureau reportLatePayment: ${what}`);
    // Messages never echo the personal number (R-SEC-2).
    if (!/^\d{12}$/.test(report.personalNumber)) throw invalid('personalNumber must be 12 digits');
    if (!report.creditReference) throw invalid('creditReference required');
    if (!isAmountString(report.amountOverdue) || !parseAmount(report.amountOverdue).greaterThan(0))
      throw invalid('amountOverdue must be a positive amount string');
    if (!isIsoDate(report.dueDate) || !isIsoDate(report.reportedOn)) throw invalid('dates must be YYYY-MM-DD');
    const { body, replayed } = await postIdempotent(
      'bureau',
      this.http,
      {
        operation: 'reportLatePayment',
        path: '/v1/late-payment-reports',
        idempotencyKey: report.idempotencyKey,
        body: {
          personalNumber: report.personalNumber,
          creditReference: report.creditReference,
          amountOverdue: report.amountOverdue,
          dueDate: report.dueDate,
          reportedOn: report.reportedOn,
        },
      },
      receiptSchema,
    );
    return { ...body, replayed };
  }

  /** R-PAY-1: withdraws a late-payment report once per key (the contract above). */
  async withdrawReport(reportId: string, idempotencyKey: string): Promise<WithdrawalReceipt> {
    assertIdempotencyKey('bureau', 'withdrawReport', idempotencyKey);
    if (!/^[\x21-\x7e]{1,255}$/.test(reportId))
      throw new AdapterError('bureau', 'invalid_request', false, 'bureau withdrawReport: reportId required');
    const { body, replayed } = await postIdempotent(
      'bureau',
      this.http,
      {
        operation: 'withdrawReport',
        path: `/v1/late-payment-reports/${encodeURIComponent(reportId)}/withdrawals`,
        idempotencyKey,
        body: { reason: 'paid-by-value-date' },
      },
      withdrawalSchema,
    );
    return { ...body, replayed };
  }
}
