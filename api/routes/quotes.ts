/**
 * The public loan calculator (R-PROD-6): `POST /v1/quotes` and the product parameters. The rules
 * live in domain/quote.ts; this file only maps the wire format.
 */
import { addMonths } from '../../domain/dates';
import { Decimal } from '../../domain/money';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS } from '../../domain/product';
import { InvalidQuoteRequestError, QUOTE_LIMITS, quote, toQuoteResponse } from '../../domain/quote';
import { badRequest } from '../problem';
import type { ApiRoutes } from '../routing';
import { amountString, EARLIEST_BUSINESS_DATE, isoDateWithin, percentString, stockholmToday } from '../schemas';
import { z } from '../zod';

const L = QUOTE_LIMITS;

/**
 * A quote's payout date: not before EARLIEST_BUSINESS_DATE (a fixed bound, so a worked example such
 * as the README's 2026-03-10 quotes the same forever) and at most this many months ahead of today.
 */
export const PAYOUT_DATE_MONTHS_AHEAD = 24;

const quoteRequest = z
  .strictObject({
    amount: amountString
      .refine((s) => new Decimal(s).gte(L.minAmount) && new Decimal(s).lte(L.maxAmount), {
        message: `must be ${L.minAmount.toFixed(0)}–${L.maxAmount.toFixed(0)} SEK (R-PROD-1)`,
      })
      .openapi({ example: '100000' }),
    termMonths: z
      .number()
      .int()
      .min(L.minTermMonths)
      .max(L.maxTermMonths)
      .describe(`number of monthly installments, ${L.minTermMonths}–${L.maxTermMonths} (R-PROD-1)`)
      .openapi({ example: 60 }),
    nominalRatePercent: percentString
      .refine((s) => new Decimal(s).gte(L.minRatePercent) && new Decimal(s).lte(L.maxRatePercent), {
        message: `must be ${L.minRatePercent.toFixed(0)}–${L.maxRatePercent.toFixed(0)} percent`,
      })
      .openapi({ example: '9.95' }),
    noticeChannel: z.enum(NOTICE_CHANNELS as [string, ...string[]]).openapi({ example: 'autogiro' }),
    payoutDate: isoDateWithin(() => ({
      from: EARLIEST_BUSINESS_DATE,
      to: addMonths(stockholmToday(), PAYOUT_DATE_MONTHS_AHEAD),
    }))
      .optional()
      .describe(
        `assumed payout date, from ${EARLIEST_BUSINESS_DATE} to ${PAYOUT_DATE_MONTHS_AHEAD} months ahead of today; ` +
          'default today in Europe/Stockholm',
      ),
  })
  .openapi('QuoteRequest');

const money = z.string().regex(/^-?\d+\.\d{2}$/);
const quoteResponse = z
  .object({
    amount: money,
    termMonths: z.number().int(),
    nominalRatePercent: money,
    noticeChannel: z.enum(NOTICE_CHANNELS as [string, ...string[]]),
    payoutDate: z.string(),
    capitalisedInterest: money.describe(
      'interest from payout to the first interest period, added to the debt (R-PROD-4)',
    ),
    monthlyPayment: money.describe('regular principal + interest installment, fees excluded (R-PROD-3)'),
    totalInterest: money,
    totalFees: money,
    totalCost: money.describe('totalInterest + totalFees'),
    totalPayable: money,
    aprPercent: money.describe('effective annual rate per EU CCD annex I (R-PROD-5)'),
    schedule: z.array(
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
  .openapi('Quote');

export function quoteRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/v1/quotes',
    operationId: 'createQuote',
    summary: 'Quote a loan: monthly payment, total cost, APR and the full payment plan',
    description: 'Amounts are decimal strings (SEK, at most two decimals). Public: no token needed.',
    tags: ['quotes'],
    auth: 'public',
    body: quoteRequest,
    responses: { 200: { description: 'the quote', schema: quoteResponse } },
    handler: async ({ body }) => {
      try {
        const result = quote({
          amount: new Decimal(body.amount),
          termMonths: body.termMonths,
          nominalRatePercent: new Decimal(body.nominalRatePercent),
          noticeChannel: body.noticeChannel as (typeof NOTICE_CHANNELS)[number],
          payoutDate: body.payoutDate ?? stockholmToday(),
        });
        return { status: 200, body: toQuoteResponse(result) };
      } catch (err) {
        // The API schema mirrors the domain limits; this keeps any drift a 400, never a 500.
        if (err instanceof InvalidQuoteRequestError)
          throw badRequest(
            'invalid quote request',
            err.violations.map((v) => ({ field: `body.${v.field}`, message: v.message })),
          );
        throw err;
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/products/default',
    operationId: 'getDefaultProduct',
    summary: 'The product parameters: limits, fees and every configurable default (DOMAIN.md)',
    tags: ['quotes'],
    auth: 'public',
    responses: {
      200: { description: 'the default product', schema: z.record(z.string(), z.unknown()).openapi('Product') },
    },
    handler: async () => ({ status: 200, body: DEFAULT_PRODUCT }),
  });
}
